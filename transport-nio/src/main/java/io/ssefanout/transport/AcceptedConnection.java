package io.ssefanout.transport;

import java.net.InetAddress;
import java.nio.channels.SocketChannel;

/**
 * A channel handed from the acceptor to an I/O agent, with its client address and whether it is over a limit.
 */
final class AcceptedConnection
{
    final SocketChannel channel;
    final InetAddress address;
    final boolean isOverLimit;

    AcceptedConnection(final SocketChannel channel, final InetAddress address, final boolean isOverLimit)
    {
        this.channel = channel;
        this.address = address;
        this.isOverLimit = isOverLimit;
    }
}
