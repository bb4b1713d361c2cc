package io.ssefanout.engine;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;

/**
 * A named stream of events. Its frame log is created by the sequencer on the first event, so a topic that only has
 * subscribers holds no frame memory.
 */
public final class Topic
{
    private final int id;
    private final String name;
    private final UnsafeBuffer nameBytes;
    private volatile TopicFrameLog log;

    Topic(final int id, final String name)
    {
        this.id = id;
        this.name = name;
        this.nameBytes = new UnsafeBuffer(name.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * @return dense id, 0-based, stable for the life of the process.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return the topic's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return the name as UTF-8 bytes.
     */
    public UnsafeBuffer nameBytes()
    {
        return nameBytes;
    }

    /**
     * @return the frame log, or null until the first event.
     */
    public TopicFrameLog log()
    {
        return log;
    }

    void log(final TopicFrameLog log)
    {
        this.log = log;
    }

    @Override
    public String toString()
    {
        return name;
    }
}
