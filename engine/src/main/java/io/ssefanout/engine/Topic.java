package io.ssefanout.engine;

import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;

/**
 * A named stream of events. Its frame log is created by the sequencer on the first event, so a topic that only has
 * subscribers holds no frame memory.
 */
public final class Topic
{
    private static final VarHandle SUBSCRIPTIONS;
    private static final int EXPIRED = -1;

    static
    {
        try
        {
            SUBSCRIPTIONS = MethodHandles.lookup().findVarHandle(Topic.class, "subscriptions", int.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final int id;
    private final String name;
    private final UnsafeBuffer nameBytes;
    private final long forgottenEventId;
    private volatile TopicFrameLog log;
    @SuppressWarnings("unused")
    private volatile int subscriptions;
    /** Sequencer thread: when the topic last published, or when expiry first saw it idle. */
    long lastActiveNs;

    Topic(final int id, final String name, final long forgottenEventId)
    {
        this.id = id;
        this.name = name;
        this.forgottenEventId = forgottenEventId;
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
     * @return the newest event id an earlier topic of this name may have had before idle expiry forgot it, -1 if
     *         none: a resume point before it may have missed events this topic never had.
     */
    public long forgottenEventId()
    {
        return forgottenEventId;
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

    /**
     * A subscription takes the topic: while any holds it, it is never forgotten. Any thread.
     *
     * @return false if the topic was already forgotten (look it up again by name).
     */
    public boolean retain()
    {
        while (true)
        {
            final int count = (int)SUBSCRIPTIONS.getVolatile(this);
            if (EXPIRED == count)
            {
                return false;
            }
            if (SUBSCRIPTIONS.compareAndSet(this, count, count + 1))
            {
                return true;
            }
        }
    }

    /**
     * A subscription that {@link #retain()}ed the topic lets it go. Any thread.
     */
    public void release()
    {
        SUBSCRIPTIONS.getAndAdd(this, -1);
    }

    /**
     * @return true once the topic has been forgotten; a new topic of the same name may exist.
     */
    public boolean isExpired()
    {
        return EXPIRED == (int)SUBSCRIPTIONS.getVolatile(this);
    }

    /**
     * Forget the topic if no subscription holds it. Sequencer thread.
     *
     * @return true if it is now expired.
     */
    boolean tryExpire()
    {
        return SUBSCRIPTIONS.compareAndSet(this, 0, EXPIRED);
    }

    @Override
    public String toString()
    {
        return name;
    }
}
