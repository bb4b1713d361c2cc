package io.ssefanout.transport;

import io.ssefanout.engine.Topic;
import io.ssefanout.engine.TopicFrameLog;
import org.agrona.BufferUtil;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * One agent's subscribers of one topic, and the agent's own view of the topic's log memory (a
 * {@link ByteBuffer#duplicate()} made once, so writes move only position and limit and copy nothing).
 */
final class TopicSubscribers
{
    final Topic topic;
    Connection[] connections = new Connection[8];
    int count;
    int activeIndex = -1;
    long seenFrameCount = -1;
    ByteBuffer logView;
    long logAddress;

    TopicSubscribers(final Topic topic)
    {
        this.topic = topic;
    }

    /**
     * Make this agent's view of the topic's log memory (and its address, for {@link NativeSend}) on the first write
     * from it; writes then move only the view's position and limit. Hot path after the first call.
     *
     * @param log the topic's frame log.
     * @return this.
     */
    TopicSubscribers useLog(final TopicFrameLog log)
    {
        if (null == logView)
        {
            logView = log.dataByteBuffer().duplicate();
            logAddress = BufferUtil.address(logView);
        }
        return this;
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
