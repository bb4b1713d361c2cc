package io.ssefanout.transport;

import io.ssefanout.engine.FanoutCounters;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.FileChannel;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Accepts connections and deals them round-robin to the I/O agents. It blocks in accept, so it costs nothing while
 * idle; closing the server channel ends it.
 * <p>
 * Out of file descriptors ({@code EMFILE}), accept fails at once for as long as the process is at its limit: the
 * acceptor then backs off (10 ms doubling to 500 ms) instead of spinning, reports the failure once per
 * {@link #REPORT_INTERVAL_NS} with how often it happened, and keeps one descriptor in reserve that it gives up to take
 * one connection at a time as an over-limit one, so that {@code /health} and {@code /metrics} are still answered and
 * everything else is turned away with a status rather than left hanging in the backlog.
 */
final class AcceptorAgent implements Agent
{
    static final long REPORT_INTERVAL_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long BACKOFF_MIN_NS = TimeUnit.MILLISECONDS.toNanos(10);
    private static final long BACKOFF_MAX_NS = TimeUnit.MILLISECONDS.toNanos(500);

    private final ServerSocketChannel serverChannel;
    private final IoAgent[] ioAgents;
    private final ConnectionAdmission admission;
    private final ErrorHandler errorHandler;
    private final AtomicCounter connectionsAccepted;
    private int nextAgent;
    private FileChannel spareDescriptor = openSpare();
    private long backoffNs;
    private long failuresSinceReport;
    private long nextReportNs;

    AcceptorAgent(
        final ServerSocketChannel serverChannel,
        final IoAgent[] ioAgents,
        final ConnectionAdmission admission,
        final FanoutCounters counters,
        final ErrorHandler errorHandler)
    {
        this.serverChannel = serverChannel;
        this.ioAgents = ioAgents;
        this.admission = admission;
        this.errorHandler = errorHandler;
        this.connectionsAccepted = counters.get(TransportCounterDescriptor.CONNECTIONS_ACCEPTED);
        this.nextReportNs = System.nanoTime();
    }

    @Override
    public String roleName()
    {
        return "fanout-acceptor";
    }

    @Override
    public int doWork()
    {
        if (!serverChannel.isOpen())
        {
            return 0;
        }
        if (null == spareDescriptor)
        {
            spareDescriptor = openSpare();
        }
        try
        {
            final SocketChannel channel = serverChannel.accept();
            if (null == channel)
            {
                return 0;
            }
            backoffNs = 0;
            connectionsAccepted.increment();
            final InetAddress address = remoteAddress(channel);
            final AcceptedConnection accepted = new AcceptedConnection(channel, address, !admission.admit(address));
            handOver(accepted, address, channel);
            return 1;
        }
        catch (final java.nio.channels.ClosedChannelException ex)
        {
            return 0;
        }
        catch (final IOException ex)
        {
            onAcceptFailed(ex);
            return 0;
        }
    }

    /**
     * Accept failed: most likely out of file descriptors. Serve one waiting client with the spare, report (rarely)
     * and back off, so the failure neither spins a core nor floods the log.
     */
    private void onAcceptFailed(final IOException ex)
    {
        final long nowNs = System.nanoTime();
        failuresSinceReport++;
        if (nowNs - nextReportNs >= 0)
        {
            errorHandler.onError(new IOException("accept failed " + failuresSinceReport + " time(s) since the last " +
                "report (" + ex.getMessage() + "); backing off up to " + TimeUnit.NANOSECONDS.toMillis(BACKOFF_MAX_NS) +
                " ms, reported at most every " + TimeUnit.NANOSECONDS.toSeconds(REPORT_INTERVAL_NS) + " s", ex));
            failuresSinceReport = 0;
            nextReportNs = nowNs + REPORT_INTERVAL_NS;
        }
        acceptWithSpare();
        backoffNs = Math.min(BACKOFF_MAX_NS, Math.max(BACKOFF_MIN_NS, backoffNs * 2));
        LockSupport.parkNanos(backoffNs);
    }

    /**
     * Give up the reserved descriptor for one waiting client, as an over-limit connection (health and metrics are
     * answered, anything else refused), then take the reserve back when a descriptor is free again.
     */
    private void acceptWithSpare()
    {
        if (null == spareDescriptor)
        {
            return;
        }
        CloseHelper.quietClose(spareDescriptor);
        spareDescriptor = null;
        try
        {
            final SocketChannel channel = serverChannel.accept();
            if (null != channel)
            {
                connectionsAccepted.increment();
                final InetAddress address = remoteAddress(channel);
                admission.admit(address);
                handOver(new AcceptedConnection(channel, address, true), address, channel);
            }
        }
        catch (final IOException ignore)
        {
            // still nothing to accept with: the next round tries again
        }
        spareDescriptor = openSpare();
    }

    private static FileChannel openSpare()
    {
        try
        {
            return FileChannel.open(Path.of("/dev/null"));
        }
        catch (final IOException | RuntimeException ex)
        {
            return null;
        }
    }

    private void handOver(final AcceptedConnection accepted, final InetAddress address, final SocketChannel channel)
    {
        // a full hand-off queue is back-pressure: wait for an agent rather than drop an accepted connection
        while (!ioAgents[nextAgent].offer(accepted))
        {
            nextAgent = (nextAgent + 1) % ioAgents.length;
            if (!serverChannel.isOpen())
            {
                admission.release(address);
                CloseHelper.quietClose(channel);
                return;
            }
            Thread.yield();
        }
        nextAgent = (nextAgent + 1) % ioAgents.length;
    }

    private static InetAddress remoteAddress(final SocketChannel channel)
    {
        try
        {
            final java.net.SocketAddress address = channel.getRemoteAddress();
            return address instanceof InetSocketAddress ? ((InetSocketAddress)address).getAddress() : null;
        }
        catch (final IOException ex)
        {
            return null;
        }
    }

    @Override
    public void onClose()
    {
        CloseHelper.quietClose(serverChannel);
        CloseHelper.quietClose(spareDescriptor);
    }
}
