package io.ssefanout.tools;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * CPU time, write syscalls and peak RSS of a process tree, read from {@code /proc} (Linux).
 */
final class ProcStats
{
    private static final long CLOCK_TICKS_PER_SECOND = 100;

    private ProcStats()
    {
    }

    /**
     * @return utime+stime of the process and its descendants, in microseconds, or -1.
     */
    static long cpuMicros(final long pid)
    {
        long ticks = 0;
        for (final long p : tree(pid))
        {
            final String[] fields = statFields(p);
            if (null != fields)
            {
                ticks += Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
            }
        }
        return ticks * 1_000_000L / CLOCK_TICKS_PER_SECOND;
    }

    /**
     * @return write-like syscalls (syscw) of the tree, or -1 when unreadable.
     */
    static long writeSyscalls(final long pid)
    {
        long total = 0;
        for (final long p : tree(pid))
        {
            try
            {
                for (final String line : Files.readAllLines(Paths.get("/proc", Long.toString(p), "io")))
                {
                    if (line.startsWith("syscw:"))
                    {
                        total += Long.parseLong(line.substring(6).trim());
                    }
                }
            }
            catch (final IOException | RuntimeException ex)
            {
                return -1;
            }
        }
        return total;
    }

    /**
     * @return VmHWM summed over the tree, in KiB.
     */
    static long peakRssKb(final long pid)
    {
        long total = 0;
        for (final long p : tree(pid))
        {
            try
            {
                for (final String line : Files.readAllLines(Paths.get("/proc", Long.toString(p), "status")))
                {
                    if (line.startsWith("VmHWM:"))
                    {
                        total += Long.parseLong(line.replaceAll("[^0-9]", ""));
                    }
                }
            }
            catch (final IOException | RuntimeException ignore)
            {
                // the process may have gone
            }
        }
        return total;
    }

    private static List<Long> tree(final long root)
    {
        final List<Long> pids = new ArrayList<>();
        pids.add(root);
        try (Stream<Path> entries = Files.list(Paths.get("/proc")))
        {
            final List<long[]> parents = new ArrayList<>();
            entries.forEach(path ->
            {
                final String name = path.getFileName().toString();
                if (name.chars().allMatch(Character::isDigit))
                {
                    final long pid = Long.parseLong(name);
                    final String[] fields = statFields(pid);
                    if (null != fields)
                    {
                        parents.add(new long[]{ pid, Long.parseLong(fields[1]) });
                    }
                }
            });
            for (int i = 0; i < pids.size(); i++)
            {
                for (final long[] entry : parents)
                {
                    if (entry[1] == pids.get(i))
                    {
                        pids.add(entry[0]);
                    }
                }
            }
        }
        catch (final IOException ignore)
        {
            // no /proc: only the root
        }
        return pids;
    }

    /**
     * Fields after the command name: [0] state, [1] ppid, ..., [11] utime, [12] stime.
     */
    private static String[] statFields(final long pid)
    {
        try
        {
            final String stat = new String(
                Files.readAllBytes(Paths.get("/proc", Long.toString(pid), "stat")), StandardCharsets.US_ASCII);
            return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }
}
