package io.ssefanout.engine;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Forgets topics nobody uses, on the sequencer thread, a bounded slice of the registry per maintenance event: idle
 * history ages out by {@code fanout.history.age} (the newest frame stays, as the topic's current value), and a
 * topic with no subscription and nothing published for {@code fanout.topic.idle.expiry} leaves the registry with
 * its current value and gives its segments back. Ring order makes
 * this safe against publishers: an event for a topic that expired before it was sequenced goes to the topic of the
 * same name, found or created again.
 */
final class TopicExpiry
{
    /** Topics looked at per maintenance event in the ring: a whole sweep of a small registry at once. */
    static final int SWEEP_LENGTH = 8192;
    /**
     * Topics looked at per slice at the end of a batch: a slice costs tens of microseconds, not a whole sweep's
     * milliseconds, and eight a second still see a million topics every two minutes.
     */
    static final int SLICE_LENGTH = 1024;

    private final TopicRegistry registry;
    private final FrameLogAllocator allocator;
    private final long idleExpiryNs;
    private final AtomicCounter topicsExpired;
    private int nextId;

    TopicExpiry(
        final TopicRegistry registry,
        final FrameLogAllocator allocator,
        final long idleExpiryNs,
        final AtomicCounter topicsExpired)
    {
        this.registry = registry;
        this.allocator = allocator;
        this.idleExpiryNs = idleExpiryNs;
        this.topicsExpired = topicsExpired;
    }

    /**
     * Look at the next slice of topics. Sequencer thread.
     *
     * @param nowNs the clock of ingest times.
     */
    void sweep(final long nowNs)
    {
        sweep(nowNs, SWEEP_LENGTH);
    }

    /**
     * Look at the next {@code length} topics. Sequencer thread.
     *
     * @param nowNs  the clock of ingest times.
     * @param length most topics to look at.
     */
    void sweep(final long nowNs, final int length)
    {
        final int idCount = registry.idCount();
        for (int i = 0; i < length && i < idCount; i++)
        {
            if (nextId >= idCount)
            {
                nextId = 0;
            }
            final Topic topic = registry.topic(nextId++);
            if (null != topic)
            {
                sweep(topic, nowNs);
            }
        }
    }

    private void sweep(final Topic topic, final long nowNs)
    {
        final TopicFrameLog log = topic.log();
        if (null != log)
        {
            log.retainByAge(nowNs);
        }
        if (0 == topic.lastActiveNs)
        {
            topic.lastActiveNs = nowNs;
        }
        if (idleExpiryNs > 0 && nowNs - topic.lastActiveNs > idleExpiryNs && topic.tryExpire())
        {
            registry.remove(topic, null == log ? -1 : log.newestEventId());
            if (null != log)
            {
                log.releaseAll();
                allocator.onLogReleased();
            }
            topicsExpired.incrementRelease();
        }
    }

    /**
     * The live topic for an event whose topic expired after the event was published. Sequencer thread; allocates.
     *
     * @return the topic of the same name with its log, or null at the topic limit.
     */
    Topic successorOf(final Topic expired)
    {
        final Topic topic = registry.findOrCreate(expired.name());
        return null != topic && allocator.ensureLog(topic) ? topic : null;
    }
}
