package io.ssefanout.transport;

import io.ssefanout.engine.FanoutCounters;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Accepts connections and deals them round-robin to the I/O agents. It blocks in accept, so it costs nothing while
 * idle; closing the server channel ends it.
 */
final class AcceptorAgent implements Agent
{
    private final ServerSocketChannel serverChannel;
    private final IoAgent[] ioAgents;
    private final ConnectionAdmission admission;
    private final ErrorHandler errorHandler;
    private final AtomicCounter connectionsAccepted;
    private int nextAgent;

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
        try
        {
            final SocketChannel channel = serverChannel.accept();
            if (null == channel)
            {
                return 0;
            }
            connectionsAccepted.increment();
            final InetAddress address = remoteAddress(channel);
            final AcceptedConnection accepted = new AcceptedConnection(channel, address, !admission.admit(address));
            // a full hand-off queue is back-pressure: wait for an agent rather than drop an accepted connection
            while (!ioAgents[nextAgent].offer(accepted))
            {
                nextAgent = (nextAgent + 1) % ioAgents.length;
                if (!serverChannel.isOpen())
                {
                    admission.release(address);
                    CloseHelper.quietClose(channel);
                    return 1;
                }
                Thread.yield();
            }
            nextAgent = (nextAgent + 1) % ioAgents.length;
            return 1;
        }
        catch (final java.nio.channels.ClosedChannelException ex)
        {
            return 0;
        }
        catch (final IOException ex)
        {
            // out of file descriptors or similar: report and keep accepting
            errorHandler.onError(ex);
            return 0;
        }
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
    }
}
