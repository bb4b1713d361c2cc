package io.ssefanout.engine;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Properties;

/**
 * Event ids that keep increasing across restarts, without a write per event.
 * <p>
 * The id of the event in ring slot sequence {@code s} is {@code base + s}. At start {@code base} is the largest of:
 * the previous run's clean-shutdown id + 1, the previous run's reservation, and the wall clock in microseconds.
 * While running, the sequencer keeps a reservation in the id file at least half a block ahead of the ids it has
 * assigned, so that even after a crash the next run starts above every id handed out. The file is written on the
 * sequencer thread once per {@link #RESERVATION_BLOCK} ids.
 * <p>
 * {@link #historyFloorEventId()} is the oldest resume point this run can serve without a gap. This run's history
 * starts at {@code base}, and what an earlier run published is gone with it, so a resume point below {@code base}
 * may have missed events and is told so ({@code reset}). The one exception is the id a clean shutdown recorded as
 * its last: a client holding it has seen everything the previous run published, and no id between it and
 * {@code base} was ever assigned. A fresh directory knows no previous run, and then every id below {@code base} is
 * from another incarnation: {@code base} is at least the wall clock in microseconds, which ids (one per event)
 * stay below unless a server sustained over a million events a second since its start.
 */
public final class EventIdSequence
{
    /** Ids reserved per write of the id file. */
    public static final long RESERVATION_BLOCK = 1L << 20;

    private static final String FILE_NAME = "event-ids.properties";
    private static final String RESERVED_KEY = "reserved";
    private static final String CLEAN_SHUTDOWN_KEY = "cleanShutdownLastId";

    private final Path file;
    private final long base;
    private final long historyFloorEventId;
    private long reservedUpTo;

    /**
     * Read the id file (if any) and reserve the first block. Control path.
     *
     * @param directory     where the id file lives; created if missing.
     * @param wallClockMicros current wall-clock time in microseconds.
     */
    public EventIdSequence(final Path directory, final long wallClockMicros)
    {
        this.file = directory.resolve(FILE_NAME);
        long reserved = -1;
        long cleanLastId = -1;
        try
        {
            Files.createDirectories(directory);
            if (Files.exists(file))
            {
                final Properties properties = new Properties();
                try (var reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
                {
                    properties.load(reader);
                }
                reserved = Long.parseLong(properties.getProperty(RESERVED_KEY, "-1").trim());
                cleanLastId = Long.parseLong(properties.getProperty(CLEAN_SHUTDOWN_KEY, "-1").trim());
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot read id file " + file, ex);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalStateException("corrupt id file " + file, ex);
        }

        base = Math.max(Math.max(reserved, cleanLastId + 1), Math.max(1, wallClockMicros));
        historyFloorEventId = cleanLastId >= 0 ? cleanLastId : base;
        reservedUpTo = base + RESERVATION_BLOCK;
        write(reservedUpTo, -1);
    }

    /**
     * @return the id of ring sequence 0.
     */
    public long base()
    {
        return base;
    }

    /**
     * @return the oldest resume point served without {@code reset}: the previous run's clean-shutdown last id when
     *         this directory recorded one, else {@code base}.
     */
    public long historyFloorEventId()
    {
        return historyFloorEventId;
    }

    /**
     * Sequencer only: extend the reservation when {@code eventId} comes within half a block of it.
     *
     * @param eventId id just assigned.
     */
    public void onAssigned(final long eventId)
    {
        if (eventId > reservedUpTo - RESERVATION_BLOCK / 2)
        {
            reservedUpTo = eventId + RESERVATION_BLOCK;
            write(reservedUpTo, -1);
        }
    }

    /**
     * Record a clean shutdown after the last event was sequenced.
     *
     * @param lastEventId id of the last event sequenced, or {@code base - 1} if none.
     */
    public void onCleanShutdown(final long lastEventId)
    {
        write(Math.max(reservedUpTo, lastEventId + 1), lastEventId);
    }

    private void write(final long reserved, final long cleanLastId)
    {
        final String text = RESERVED_KEY + "=" + reserved + "\n" + CLEAN_SHUTDOWN_KEY + "=" + cleanLastId + "\n";
        try
        {
            final Path tmp = file.resolveSibling(FILE_NAME + ".tmp");
            Files.write(tmp, text.getBytes(StandardCharsets.US_ASCII));
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write id file " + file, ex);
        }
    }
}
