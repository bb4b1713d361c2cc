package io.ssefanout.engine;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Events to publish together, all or none, with consecutive ids ({@link FanoutEngine#tryPublish(PublishBatch)}).
 * Each event is a topic and two spans of one source buffer (event type and data), so filling a batch copies
 * nothing; the engine copies each event once into its ring slot. Reusable: {@link #clear()} and fill again.
 * Not thread-safe; the owner fills and publishes it on one thread.
 */
public final class PublishBatch
{
    private final Topic[] topics;
    private final int[] spans;
    private DirectBuffer buffer;
    private int count;

    /**
     * @param capacity most events one batch holds.
     */
    public PublishBatch(final int capacity)
    {
        this.topics = new Topic[capacity];
        this.spans = new int[capacity * 4];
    }

    /**
     * Empty the batch and set the buffer that the spans of the events added next refer to.
     *
     * @param buffer holding event types and data.
     * @return this.
     */
    public PublishBatch clear(final DirectBuffer buffer)
    {
        for (int i = 0; i < count; i++)
        {
            topics[i] = null;
        }
        this.buffer = buffer;
        this.count = 0;
        return this;
    }

    /**
     * Add an event. Its topic may be null for now and set before publishing ({@link #topic(int, Topic)}).
     *
     * @return false when the batch is full.
     */
    public boolean add(
        final Topic topic,
        final int eventTypeOffset,
        final int eventTypeLength,
        final int dataOffset,
        final int dataLength)
    {
        if (count == topics.length)
        {
            return false;
        }
        topics[count] = topic;
        final int base = count * 4;
        spans[base] = eventTypeOffset;
        spans[base + 1] = eventTypeLength;
        spans[base + 2] = dataOffset;
        spans[base + 3] = dataLength;
        count++;
        return true;
    }

    /**
     * Text events as a batch over a buffer of their own. Control path: allocates.
     *
     * @param engine     whose topics the names refer to (created if new).
     * @param topicNames one topic per event.
     * @param data       one data text per event.
     * @param eventTypes one event type per event (null entries for {@code message}), or null for all.
     * @return the batch, or null when a topic name is invalid or the topic limit is reached.
     */
    public static PublishBatch ofText(
        final FanoutEngine engine, final String[] topicNames, final String[] data, final String[] eventTypes)
    {
        final int count = topicNames.length;
        if (count != data.length || (null != eventTypes && count != eventTypes.length))
        {
            throw new IllegalArgumentException("one topic, one data and one event type per event");
        }
        final byte[][] types = new byte[count][];
        final byte[][] payloads = new byte[count][];
        int length = 0;
        for (int i = 0; i < count; i++)
        {
            final String type = null == eventTypes ? null : eventTypes[i];
            types[i] = null == type ? new byte[0] : type.getBytes(StandardCharsets.US_ASCII);
            payloads[i] = data[i].getBytes(StandardCharsets.UTF_8);
            length += types[i].length + payloads[i].length;
        }
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[Math.max(1, length)]);
        final PublishBatch batch = new PublishBatch(Math.max(1, count)).clear(buffer);
        int offset = 0;
        for (int i = 0; i < count; i++)
        {
            final Topic topic = engine.topic(topicNames[i]);
            if (null == topic)
            {
                return null;
            }
            buffer.putBytes(offset, types[i]);
            buffer.putBytes(offset + types[i].length, payloads[i]);
            batch.add(topic, offset, types[i].length, offset + types[i].length, payloads[i].length);
            offset += types[i].length + payloads[i].length;
        }
        return batch;
    }

    public int count()
    {
        return count;
    }

    public int capacity()
    {
        return topics.length;
    }

    public DirectBuffer buffer()
    {
        return buffer;
    }

    public Topic topic(final int index)
    {
        return topics[index];
    }

    /**
     * Set the topic of an event added without one yet (resolved after the whole batch was checked).
     */
    public void topic(final int index, final Topic topic)
    {
        topics[index] = topic;
    }

    public int eventTypeOffset(final int index)
    {
        return spans[index * 4];
    }

    public int eventTypeLength(final int index)
    {
        return spans[index * 4 + 1];
    }

    public int dataOffset(final int index)
    {
        return spans[index * 4 + 2];
    }

    public int dataLength(final int index)
    {
        return spans[index * 4 + 3];
    }
}
