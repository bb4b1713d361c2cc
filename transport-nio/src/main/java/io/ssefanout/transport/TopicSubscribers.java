package io.ssefanout.transport;

import io.ssefanout.engine.Topic;

import java.util.Arrays;

/**
 * One agent's subscribers of one topic, each with the index of this topic in its subscription (its cursor), so a
 * pass can mark exactly that cursor as moved and a removal can rewire the moved connection's slot in O(1).
 */
final class TopicSubscribers
{
    final Topic topic;
    Connection[] connections = new Connection[8];
    int[] cursors = new int[8];
    int count;
    int activeIndex = -1;
    long seenFrameCount = -1;
    /** The fan-out pass that last marked this topic, so a topic that moved many times is marked once per pass. */
    long markedInPass;

    TopicSubscribers(final Topic topic)
    {
        this.topic = topic;
    }

    /**
     * @param connection a subscriber.
     * @param cursor     index of this topic in the connection's subscription.
     * @return the slot the connection was put in.
     */
    int add(final Connection connection, final int cursor)
    {
        if (count == connections.length)
        {
            connections = Arrays.copyOf(connections, count * 2);
            cursors = Arrays.copyOf(cursors, count * 2);
        }
        connections[count] = connection;
        cursors[count] = cursor;
        return count++;
    }

    /**
     * Swap-remove the connection in {@code slot}.
     *
     * @return the connection moved into {@code slot} (its cursor now in {@code cursors[slot]}), or null.
     */
    Connection removeAt(final int slot)
    {
        final int last = --count;
        final Connection moved = connections[last];
        connections[last] = null;
        if (slot != last)
        {
            connections[slot] = moved;
            cursors[slot] = cursors[last];
            return moved;
        }
        return null;
    }
}
