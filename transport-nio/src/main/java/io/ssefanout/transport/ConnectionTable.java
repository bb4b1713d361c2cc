package io.ssefanout.transport;

import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.CachedNanoClock;

import java.util.Arrays;

/**
 * The connections one agent owns: added on accept, and closed here and only here (unsubscribed, deregistered,
 * released from admission, reported to the access log). Control path.
 */
final class ConnectionTable
{
    private final PatternSubscriptions patterns;
    private final TopicSubscriberIndex index;
    private final ConnectionAdmission admission;
    private final AccessLog accessLog;
    private final ErrorHandler errorHandler;
    private final TransportCounters counters;
    private final CachedNanoClock clock;
    private Connection[] connections = new Connection[64];
    private int connectionCount;

    ConnectionTable(
        final TopicSubscriberIndex index,
        final PatternSubscriptions patterns,
        final ConnectionAdmission admission,
        final AccessLog accessLog,
        final ErrorHandler errorHandler,
        final TransportCounters counters,
        final CachedNanoClock clock)
    {
        this.index = index;
        this.patterns = patterns;
        this.admission = admission;
        this.accessLog = accessLog;
        this.errorHandler = errorHandler;
        this.counters = counters;
        this.clock = clock;
    }

    int count()
    {
        return connectionCount;
    }

    Connection get(final int index)
    {
        return connections[index];
    }

    void add(final Connection connection)
    {
        if (connectionCount == connections.length)
        {
            connections = Arrays.copyOf(connections, connectionCount * 2);
        }
        connection.agentIndex = connectionCount;
        connections[connectionCount++] = connection;
        counters.connectionsOpen.increment();
    }

    void close(final Connection connection, final String reason)
    {
        if (null == connection.closeReason)
        {
            connection.closeReason = reason;
        }
        close(connection);
    }

    void close(final Connection connection)
    {
        if (connection.agentIndex < 0)
        {
            return;
        }
        reportClosed(connection);
        if (null != connection.subscription && null != connection.topicSlots)
        {
            if (null != connection.topicPatterns)
            {
                patterns.remove(connection);
            }
            index.remove(connection);
            connection.subscription.close();
            counters.subscribersOpen.decrement();
        }

        final int index = connection.agentIndex;
        final int last = --connectionCount;
        final Connection moved = connections[last];
        connections[last] = null;
        if (index != last)
        {
            connections[index] = moved;
            moved.agentIndex = index;
        }
        connection.agentIndex = -1;
        connection.state = ConnectionState.CLOSING;
        connection.isWriteBlocked = true;
        connection.fd = -1;   // the number may be reused by the next socket the process opens
        if (null != connection.key)
        {
            connection.key.cancel();
        }
        CloseHelper.quietClose(connection.channel);
        admission.release(connection.address);
        counters.connectionsOpen.decrement();
    }

    void reportClosed(final Connection connection)
    {
        if (AccessLog.NONE == accessLog)
        {
            return;
        }
        try
        {
            accessLog.onConnectionClosed(ConnectionRecord.of(connection, clock.nanoTime()));
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }
}
