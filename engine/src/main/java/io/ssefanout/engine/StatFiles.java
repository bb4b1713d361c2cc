package io.ssefanout.engine;

import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Files under {@code fanout.dir} that tools read from outside the running server, the way Aeron's CnC file works:
 * {@code counters.dat} (a header, then the counters' metadata and values, written in place by the server) and
 * {@code errors.dat} (the distinct-error log: each distinct error once, with its count and first and last time).
 */
public final class StatFiles
{
    /** The counters file's name in {@code fanout.dir}. */
    public static final String COUNTERS_FILE = "counters.dat";
    /** The distinct-error log's name in {@code fanout.dir}. */
    public static final String ERRORS_FILE = "errors.dat";
    /** Bytes of the distinct-error log. */
    public static final int ERROR_LOG_LENGTH = 1024 * 1024;

    static final int HEADER_LENGTH = 64;
    static final int MAGIC = 0x46414E4F;
    static final int VERSION = 1;
    static final int MAGIC_OFFSET = 0;
    static final int VERSION_OFFSET = 4;
    static final int METADATA_LENGTH_OFFSET = 8;
    static final int VALUES_LENGTH_OFFSET = 12;
    static final int PID_OFFSET = 16;

    private StatFiles()
    {
    }

    /**
     * The counters of the server that runs (or last ran) on {@code dir}.
     */
    public static final class Counters implements AutoCloseable
    {
        private final MappedByteBuffer mapped;
        private final CountersReader reader;
        private final long pid;

        private Counters(final MappedByteBuffer mapped)
        {
            this.mapped = mapped;
            final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, HEADER_LENGTH);
            if (MAGIC != header.getInt(MAGIC_OFFSET) || VERSION != header.getInt(VERSION_OFFSET))
            {
                IoUtil.unmap(mapped);
                throw new IllegalStateException("not a fanout counters file (or another version)");
            }
            final int metadataLength = header.getInt(METADATA_LENGTH_OFFSET);
            final int valuesLength = header.getInt(VALUES_LENGTH_OFFSET);
            this.pid = header.getLong(PID_OFFSET);
            this.reader = new CountersReader(
                new UnsafeBuffer(mapped, HEADER_LENGTH, metadataLength),
                new UnsafeBuffer(mapped, HEADER_LENGTH + metadataLength, valuesLength));
        }

        /**
         * @return the counters.
         */
        public CountersReader reader()
        {
            return reader;
        }

        /**
         * @return the process that wrote them.
         */
        public long pid()
        {
            return pid;
        }

        @Override
        public void close()
        {
            IoUtil.unmap(mapped);
        }
    }

    /**
     * Map the counters a server keeps in {@code dir}.
     *
     * @throws IllegalStateException when there are none.
     */
    public static Counters openCounters(final Path dir)
    {
        final File file = dir.resolve(COUNTERS_FILE).toFile();
        if (!file.isFile())
        {
            throw new IllegalStateException("no " + COUNTERS_FILE + " in " + dir + ": no server has run there");
        }
        return new Counters(IoUtil.mapExistingFile(file, COUNTERS_FILE));
    }

    /**
     * Map the distinct-error log a server keeps in {@code dir}.
     *
     * @throws IllegalStateException when there is none.
     */
    public static MappedByteBuffer openErrors(final Path dir)
    {
        final Path file = dir.resolve(ERRORS_FILE);
        if (!Files.isRegularFile(file))
        {
            throw new IllegalStateException("no " + ERRORS_FILE + " in " + dir + ": no server has run there");
        }
        return IoUtil.mapExistingFile(file.toFile(), ERRORS_FILE);
    }
}
