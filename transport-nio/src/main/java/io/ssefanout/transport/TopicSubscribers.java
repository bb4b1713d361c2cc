package io.ssefanout.transport;

import io.ssefanout.engine.Topic;

import java.util.Arrays;

/**
 * One agent's subscribers of one topic.
 */
final class TopicSubscribers
{
    final Topic topic;
    Connection[] connections = new Connection[8];
    int count;
    int activeIndex = -1;
    long seenFrameCount = -1;

    TopicSubscribers(final Topic topic)
    {
        this.topic = topic;
    }

    /**
     * @return the slot the connection was put in.
     */
    int add(final Connection connection)
    {
        if (count == connections.length)
        {
            connections = Arrays.copyOf(connections, count * 2);
        }
        connections[count] = connection;
        return count++;
    }

    /**
     * Swap-remove the connection in {@code slot}.
     *
     * @return the connection moved into {@code slot}, or null.
     */
    Connection removeAt(final int slot)
    {
        final int last = --count;
        final Connection moved = connections[last];
        connections[last] = null;
        if (slot != last)
        {
            connections[slot] = moved;
            return moved;
        }
        return null;
    }
}
