package io.ssefanout.transport;

import com.sun.management.UnixOperatingSystemMXBean;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * A connection is a file descriptor: past the process's limit ({@code ulimit -n}) accept fails with EMFILE and
 * nothing, not even {@code /health}, is answered. The connection limit that turns clients away with a status is
 * therefore kept below it, leaving {@link #RESERVED} for the server's own files, selectors and threads.
 */
final class DescriptorLimit
{
    /** Descriptors kept for the server itself. */
    static final int RESERVED = 128;

    private DescriptorLimit()
    {
    }

    /**
     * @param connectionsMax the configured limit.
     * @return it, or the most the descriptor limit allows (with one warning line saying what to raise).
     */
    static int fit(final int connectionsMax)
    {
        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (!(os instanceof UnixOperatingSystemMXBean))
        {
            return connectionsMax;
        }
        final long descriptorsMax = ((UnixOperatingSystemMXBean)os).getMaxFileDescriptorCount();
        final long fit = descriptorsMax - RESERVED;
        if (descriptorsMax <= 0 || connectionsMax <= fit)
        {
            return connectionsMax;
        }
        final int fitted = (int)Math.max(1, fit);
        System.err.println("warning: " + TransportConfiguration.CONNECTIONS_MAX_PROP_NAME + "=" + connectionsMax +
            " is more than the file descriptor limit " + descriptorsMax + " allows; using " + fitted +
            " (raise ulimit -n / LimitNOFILE= to accept more)");
        return fitted;
    }
}
