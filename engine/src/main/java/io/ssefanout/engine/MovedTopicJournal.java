package io.ssefanout.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Which topics moved, in the order they moved: the sequencer appends the id of each topic it appends a frame to, and
 * every I/O agent reads on from its own position, so a fan-out pass costs the events since the last pass, not the
 * number of topics that have subscribers. A ring of topic ids with one writer and any number of readers, no locks:
 * a reader that fell more than {@link #capacity()} behind has been overwritten and must fall back to looking at every
 * topic it serves once ({@link #isOverrun}).
 * <p>
 * The sequencer appends before it publishes the watermark, so a reader that took the watermark first and then
 * {@link #published()} has every topic with a frame at or below that watermark in front of it.
 */
public final class MovedTopicJournal
{
    /** Default capacity: at a million events a second, 65 ms of them; passes run far more often. */
    public static final int CAPACITY_DEFAULT = 1 << 16;

    private static final VarHandle PUBLISHED;

    static
    {
        try
        {
            PUBLISHED = MethodHandles.lookup().findVarHandle(MovedTopicJournal.class, "published", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final int[] topicIds;
    private final int mask;
    @SuppressWarnings("unused")
    private volatile long published;

    /**
     * @param capacity entries kept, a power of two.
     */
    public MovedTopicJournal(final int capacity)
    {
        if (Integer.bitCount(capacity) != 1)
        {
            throw new IllegalArgumentException("capacity must be a power of two: " + capacity);
        }
        this.topicIds = new int[capacity];
        this.mask = capacity - 1;
    }

    /**
     * Sequencer only: {@code topicId} has a new frame. Hot path: a plain store and a release store.
     *
     * @param topicId the topic's id.
     */
    void append(final int topicId)
    {
        final long position = (long)PUBLISHED.get(this);
        topicIds[(int)position & mask] = topicId;
        PUBLISHED.setRelease(this, position + 1);
    }

    /**
     * @return how many entries were ever appended, acquire load: a reader reads up to here.
     */
    public long published()
    {
        return (long)PUBLISHED.getAcquire(this);
    }

    /**
     * @param position an entry's position, below {@link #published()}.
     * @return the topic id there; use it only if {@link #isOverrun} says false afterwards.
     */
    public int topicIdAt(final long position)
    {
        return topicIds[(int)position & mask];
    }

    /**
     * @param position the oldest position a reader still needs.
     * @return true if the writer may have written over it (checked after reading entries, before using them).
     */
    public boolean isOverrun(final long position)
    {
        VarHandle.loadLoadFence();
        return published() - position > topicIds.length;
    }

    /**
     * @return entries kept.
     */
    public int capacity()
    {
        return topicIds.length;
    }
}
