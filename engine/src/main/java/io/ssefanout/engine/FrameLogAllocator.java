package io.ssefanout.engine;

import org.agrona.ErrorHandler;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.List;

/**
 * Gives topics their frame logs within the log memory budget ({@code fanout.log.memory.max}) and frees them all at
 * close. Control path: a topic gets its log on its first publish, on the publisher's thread; the sequencer only ever
 * writes logs that exist.
 */
final class FrameLogAllocator implements AutoCloseable
{
    private final int logCapacity;
    private final int indexCapacity;
    private final long memoryMax;
    private final ErrorHandler errorHandler;
    private final AtomicCounter topicsWithLog;
    private final List<TopicFrameLog> logs = new ArrayList<>();
    private long memoryUsed;
    private boolean isClosed;

    FrameLogAllocator(
        final int logCapacity,
        final int indexCapacity,
        final long memoryMax,
        final ErrorHandler errorHandler,
        final AtomicCounter topicsWithLog)
    {
        this.logCapacity = logCapacity;
        this.indexCapacity = indexCapacity;
        this.memoryMax = memoryMax;
        this.errorHandler = errorHandler;
        this.topicsWithLog = topicsWithLog;
    }

    /**
     * Make sure a topic has its log.
     *
     * @return false when the budget is spent (or memory ran out, reported to the error handler) or after close.
     */
    synchronized boolean ensureLog(final Topic topic)
    {
        if (null != topic.log())
        {
            return true;
        }
        final long bytes = (long)logCapacity + (long)indexCapacity * TopicFrameLog.INDEX_ENTRY_LENGTH;
        if (isClosed || memoryUsed + bytes > memoryMax)
        {
            return false;
        }
        final TopicFrameLog log;
        try
        {
            log = new TopicFrameLog(logCapacity, indexCapacity);
        }
        catch (final OutOfMemoryError ex)
        {
            errorHandler.onError(ex);
            return false;
        }
        memoryUsed += bytes;
        logs.add(log);
        topic.log(log);
        topicsWithLog.setRelease(logs.size());
        return true;
    }

    /**
     * @return bytes taken by topic logs (data and index).
     */
    synchronized long memoryUsed()
    {
        return memoryUsed;
    }

    /**
     * Free every log. Only after the sequencer and every reader have stopped.
     */
    @Override
    public synchronized void close()
    {
        isClosed = true;
        for (final TopicFrameLog log : logs)
        {
            log.close();
        }
        logs.clear();
    }
}
