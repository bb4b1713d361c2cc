package io.ssefanout.engine;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Gives topics their frame logs, all drawing on one {@link LogSegmentPool}, and frees the pool at close. A log costs
 * no direct memory until its topic publishes, so making one never fails for memory. Control path: a topic gets its
 * log on its first publish, on the publisher's thread; the sequencer only ever writes logs that exist.
 */
final class FrameLogAllocator implements AutoCloseable
{
    private final LogSegmentPool pool;
    private final int historyEvents;
    private final long historyBytes;
    private final long historyAgeNs;
    private final AtomicCounter topicsWithLog;
    private long logCount;
    private boolean isClosed;

    FrameLogAllocator(
        final LogSegmentPool pool,
        final int historyEvents,
        final long historyBytes,
        final long historyAgeNs,
        final AtomicCounter topicsWithLog)
    {
        this.pool = pool;
        this.historyEvents = historyEvents;
        this.historyBytes = historyBytes;
        this.historyAgeNs = historyAgeNs;
        this.topicsWithLog = topicsWithLog;
    }

    /**
     * Make sure a topic has its log.
     *
     * @return false only after close.
     */
    synchronized boolean ensureLog(final Topic topic)
    {
        if (null != topic.log())
        {
            return true;
        }
        if (isClosed)
        {
            return false;
        }
        topic.log(new TopicFrameLog(pool, historyEvents, historyBytes, historyAgeNs));
        topicsWithLog.setRelease(++logCount);
        return true;
    }

    /**
     * A topic with a log was forgotten. Sequencer thread.
     */
    synchronized void onLogReleased()
    {
        topicsWithLog.setRelease(--logCount);
    }

    /**
     * @return the shared segment pool.
     */
    LogSegmentPool pool()
    {
        return pool;
    }

    /**
     * @return bytes of log segments made (in use, retired or free).
     */
    long memoryUsed()
    {
        return pool.memoryUsed();
    }

    /**
     * Free every segment. Only after the sequencer and every reader have stopped.
     */
    @Override
    public synchronized void close()
    {
        isClosed = true;
        pool.close();
    }
}
