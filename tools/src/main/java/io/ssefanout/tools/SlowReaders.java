package io.ssefanout.tools;

import java.nio.channels.SelectionKey;
import java.util.ArrayList;
import java.util.List;

/**
 * One selector thread's slow connections: each may read at most a byte rate, so the server sees a client that
 * cannot keep up. A connection out of budget stops reading (no read interest) until its budget refills, so the
 * selector does not spin on it.
 */
final class SlowReaders
{
    private final long bytesPerSecond;
    private final List<SelectionKey> paused = new ArrayList<>();

    SlowReaders(final long bytesPerSecond)
    {
        this.bytesPerSecond = bytesPerSecond;
    }

    /**
     * @return bytes the connection may read now; 0 when it is out of budget (it is paused then).
     */
    int readLimit(final SelectionKey key, final SubscriberConnection connection, final int capacity)
    {
        if (connection.readBudget <= 0)
        {
            key.interestOps(0);
            connection.isPaused = true;
            paused.add(key);
            return 0;
        }
        return (int)Math.min(capacity, connection.readBudget);
    }

    void onRead(final SubscriberConnection connection, final int bytes)
    {
        if (bytes > 0)
        {
            connection.readBudget -= bytes;
        }
    }

    /**
     * Give each slow connection what its rate earned since last time (at most a second's worth, so it never bursts)
     * and resume reading the paused ones that have some.
     */
    void refill(final List<SubscriberConnection> connections, final long nowNs)
    {
        for (final SubscriberConnection connection : connections)
        {
            if (connection.isSlow)
            {
                if (0 == connection.budgetRefilledNs)
                {
                    connection.budgetRefilledNs = nowNs;
                }
                final long earned = (nowNs - connection.budgetRefilledNs) * bytesPerSecond / 1_000_000_000L;
                if (earned > 0)
                {
                    connection.readBudget = Math.min(bytesPerSecond, connection.readBudget + earned);
                    connection.budgetRefilledNs = nowNs;
                }
            }
        }
        for (int i = paused.size() - 1; i >= 0; i--)
        {
            final SelectionKey key = paused.get(i);
            final SubscriberConnection connection = (SubscriberConnection)key.attachment();
            if (!key.isValid())
            {
                paused.remove(i);
            }
            else if (connection.readBudget > 0)
            {
                key.interestOps(SelectionKey.OP_READ);
                connection.isPaused = false;
                paused.remove(i);
            }
        }
    }
}
