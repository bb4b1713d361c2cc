package io.ssefanout.transport;

import java.util.Comparator;
import java.util.PriorityQueue;
import java.util.function.Consumer;

/**
 * One agent's streams held back by their {@code maxRate}, in order of when one of their topics may send again: one
 * entry per stream (its earliest release), never one per topic, so 10,000 streams of 50 capped topics cost a heap of
 * at most 10,000. Agent thread only; a stream that closed while queued is skipped when its time comes.
 */
final class ThrottledStreams
{
    private final PriorityQueue<Connection> queue =
        new PriorityQueue<>(64, Comparator.comparingLong(connection -> connection.throttleReleaseNs));

    /**
     * Write the stream again at {@code releaseNs} (or earlier, if it is already queued for earlier).
     */
    void schedule(final Connection connection, final long releaseNs)
    {
        if (connection.isThrottleQueued)
        {
            if (releaseNs >= connection.throttleReleaseNs)
            {
                return;
            }
            queue.remove(connection);
        }
        connection.throttleReleaseNs = releaseNs;
        connection.isThrottleQueued = true;
        queue.add(connection);
    }

    /**
     * @return when the first queued stream is due, {@link Long#MAX_VALUE} if none is queued.
     */
    long nextReleaseNs()
    {
        final Connection first = queue.peek();
        return null == first ? Long.MAX_VALUE : first.throttleReleaseNs;
    }

    /**
     * Write every stream whose time has come.
     *
     * @return streams released.
     */
    int release(final long nowNs, final Consumer<Connection> writer)
    {
        int count = 0;
        Connection connection;
        while (null != (connection = queue.peek()) && connection.throttleReleaseNs <= nowNs)
        {
            queue.poll();
            connection.isThrottleQueued = false;
            if (ConnectionState.STREAMING == connection.state && !connection.isWriteBlocked)
            {
                writer.accept(connection);
            }
            count++;
        }
        return count;
    }
}
