package io.ssefanout.engine;

import org.agrona.concurrent.status.AtomicCounter;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The one pool of log memory shared by every topic: fixed-size {@link LogSegment}s, made lazily up to
 * {@code fanout.log.memory.max}, so memory follows traffic and not the number of topics.
 * <p>
 * The sequencer alone takes and gives back segments. A segment leaving a topic's log is retired: it waits until every
 * {@link LogReader} has been quiescent or entered a later epoch, then it is free for any topic. When nothing is free,
 * the pool evicts the oldest segment in use across all topics (the topics' oldest history goes first, in the order it
 * was written); if readers still hold every retired segment, the pool makes one more rather than stall the sequencer,
 * and counts it. Keeping a small reserve retired ahead of need makes that rare.
 */
public final class LogSegmentPool implements AutoCloseable
{
    private final int segmentLength;
    private final int segmentShift;
    private final int segmentsMax;
    private final int reserve;
    private final AtomicCounter memoryBytes;
    private final AtomicCounter segmentsEvicted;
    private final AtomicCounter segmentsOvercommitted;
    private final List<LogSegment> allSegments = new ArrayList<>();
    private final java.util.Set<LogSegment> looseSegments = new java.util.HashSet<>();
    private volatile LogReader[] readers = new LogReader[0];
    private volatile long epoch;

    private LogSegment oldestInUse;
    private LogSegment newestInUse;
    private LogSegment free;
    private LogSegment retiredHead;
    private LogSegment retiredTail;
    private volatile long looseBytes;
    private int madeCount;
    private int freeCount;
    private int retiredCount;
    private int overcommitCount;
    private boolean isClosed;

    /**
     * @param segmentLength bytes per segment, a power of two.
     * @param memoryMax     bytes of segments the pool makes at most (in normal operation).
     * @param counters      where the memory gauge and the eviction counters live.
     */
    public LogSegmentPool(final int segmentLength, final long memoryMax, final FanoutCounters counters)
    {
        if (Integer.bitCount(segmentLength) != 1)
        {
            throw new IllegalArgumentException("segmentLength must be a power of two: " + segmentLength);
        }
        this.segmentLength = segmentLength;
        this.segmentShift = Integer.numberOfTrailingZeros(segmentLength);
        this.segmentsMax = (int)Math.min(Integer.MAX_VALUE - 1, Math.max(4, memoryMax / segmentLength));
        this.reserve = Math.max(1, segmentsMax / 64);
        this.memoryBytes = counters.get(EngineCounterDescriptor.LOG_MEMORY_BYTES);
        this.segmentsEvicted = counters.get(EngineCounterDescriptor.LOG_SEGMENTS_EVICTED);
        this.segmentsOvercommitted = counters.get(EngineCounterDescriptor.LOG_SEGMENTS_OVERCOMMITTED);
    }

    /**
     * @return bytes per segment.
     */
    public int segmentLength()
    {
        return segmentLength;
    }

    int segmentShift()
    {
        return segmentShift;
    }

    /**
     * @return segments the pool makes at most in normal operation.
     */
    public int segmentsMax()
    {
        return segmentsMax;
    }

    /**
     * @return bytes of segments made so far (in use, retired or free), acquire load of the gauge.
     */
    public long memoryUsed()
    {
        return memoryBytes.get();
    }

    /**
     * @return bytes of the topics' kept newest values (copies out of evicted history), included in
     *         {@link #memoryUsed()}.
     */
    public long looseMemoryUsed()
    {
        return looseBytes;
    }

    /**
     * A reading thread joins reclamation. Control path, any thread.
     *
     * @return the thread's reader, quiescent until it enters.
     */
    public synchronized LogReader newReader()
    {
        final LogReader reader = new LogReader(this);
        final LogReader[] updated = Arrays.copyOf(readers, readers.length + 1);
        updated[updated.length - 1] = reader;
        readers = updated;
        return reader;
    }

    synchronized void removeReader(final LogReader reader)
    {
        final LogReader[] current = readers;
        for (int i = 0; i < current.length; i++)
        {
            if (current[i] == reader)
            {
                final LogReader[] updated = new LogReader[current.length - 1];
                System.arraycopy(current, 0, updated, 0, i);
                System.arraycopy(current, i + 1, updated, i, current.length - i - 1);
                readers = updated;
                return;
            }
        }
    }

    long epoch()
    {
        return epoch;
    }

    /**
     * Sequencer only: a segment for {@code requester}'s logical segment {@code logicalIndex}. Never evicts the
     * requester's segments from {@code protectFrom} on (the ones the frame being written needs).
     */
    LogSegment acquire(final TopicFrameLog requester, final long logicalIndex, final long protectFrom)
    {
        if (null != retiredHead && (null == free || overcommitCount > 0))
        {
            // give back what readers have moved past, extra segments first
            reclaim();
        }
        LogSegment segment = takeFree();
        if (null == segment && madeCount < segmentsMax)
        {
            segment = make(false);
        }
        if (null == segment)
        {
            reclaim();
            segment = takeFree();
        }
        if (null == segment && evictOldest(requester, protectFrom))
        {
            reclaim();
            segment = takeFree();
        }
        if (null == segment)
        {
            segment = make(true);
            segmentsOvercommitted.incrementRelease();
        }
        segment.owner = requester;
        segment.logicalIndex = logicalIndex;
        linkNewest(segment);
        if (madeCount >= segmentsMax && freeCount + retiredCount < reserve)
        {
            // retire ahead of need, so that by the next acquire the readers have moved on
            evictOldest(requester, protectFrom);
        }
        return segment;
    }

    /**
     * Sequencer only: memory for one frame copied out of a history (a topic's newest value), outside the pool's
     * segments but counted in its gauge; give it back with {@link #retire(LogSegment)}.
     */
    LogSegment makeLoose(final int length)
    {
        final LogSegment segment = new LogSegment(-1, length);
        segment.isLoose = true;
        looseSegments.add(segment);
        memoryBytes.getAndAddRelease(length);
        looseBytes += length;
        return segment;
    }

    /**
     * Sequencer only: a segment leaves its topic's log; it is reused once no reader can still be reading it.
     */
    void retire(final LogSegment segment)
    {
        if (!segment.isLoose)
        {
            unlink(segment);
        }
        segment.owner = null;
        final long retiredAt = epoch + 1;
        epoch = retiredAt;
        segment.retiredEpoch = retiredAt;
        segment.nextInList = null;
        if (null == retiredTail)
        {
            retiredHead = segment;
        }
        else
        {
            retiredTail.nextInList = segment;
        }
        retiredTail = segment;
        retiredCount++;
    }

    private boolean evictOldest(final TopicFrameLog requester, final long protectFrom)
    {
        for (LogSegment candidate = oldestInUse; null != candidate; candidate = candidate.newerInUse)
        {
            if (candidate.owner != requester || candidate.logicalIndex < protectFrom)
            {
                candidate.owner.evictOldestSegment();
                segmentsEvicted.incrementRelease();
                return true;
            }
        }
        return false;
    }

    private void reclaim()
    {
        if (null == retiredHead)
        {
            return;
        }
        long oldestReaderEpoch = LogReader.QUIESCENT;
        final LogReader[] current = readers;
        for (final LogReader reader : current)
        {
            oldestReaderEpoch = Math.min(oldestReaderEpoch, reader.epoch());
        }
        while (null != retiredHead && retiredHead.retiredEpoch <= oldestReaderEpoch)
        {
            final LogSegment segment = retiredHead;
            retiredHead = segment.nextInList;
            if (null == retiredHead)
            {
                retiredTail = null;
            }
            retiredCount--;
            if (segment.isLoose)
            {
                looseSegments.remove(segment);
                memoryBytes.getAndAddRelease(-segment.byteBuffer().capacity());
                looseBytes -= segment.byteBuffer().capacity();
                segment.free();
            }
            else if (segment.isOvercommit)
            {
                // made beyond the pool while readers lagged: given back to the system, not kept
                overcommitCount--;
                madeCount--;
                segment.free();
                memoryBytes.getAndAddRelease(-segmentLength);
            }
            else
            {
                segment.nextInList = free;
                free = segment;
                freeCount++;
            }
        }
    }

    private LogSegment takeFree()
    {
        final LogSegment segment = free;
        if (null != segment)
        {
            free = segment.nextInList;
            segment.nextInList = null;
            freeCount--;
        }
        return segment;
    }

    private LogSegment make(final boolean isOvercommit)
    {
        final LogSegment segment = new LogSegment(allSegments.size(), segmentLength);
        segment.isOvercommit = isOvercommit;
        allSegments.add(segment);
        madeCount++;
        if (isOvercommit)
        {
            overcommitCount++;
        }
        memoryBytes.getAndAddRelease(segmentLength);
        return segment;
    }

    private void linkNewest(final LogSegment segment)
    {
        segment.newerInUse = null;
        segment.olderInUse = newestInUse;
        if (null == newestInUse)
        {
            oldestInUse = segment;
        }
        else
        {
            newestInUse.newerInUse = segment;
        }
        newestInUse = segment;
    }

    private void unlink(final LogSegment segment)
    {
        if (null == segment.olderInUse)
        {
            oldestInUse = segment.newerInUse;
        }
        else
        {
            segment.olderInUse.newerInUse = segment.newerInUse;
        }
        if (null == segment.newerInUse)
        {
            newestInUse = segment.olderInUse;
        }
        else
        {
            segment.newerInUse.olderInUse = segment.olderInUse;
        }
        segment.olderInUse = null;
        segment.newerInUse = null;
    }

    /**
     * @return segments made beyond the pool's size and not yet given back.
     */
    int overcommitCount()
    {
        return overcommitCount;
    }

    /**
     * Free every segment. Only once no reader or writer can touch a log any more.
     */
    @Override
    public synchronized void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        for (final LogSegment segment : allSegments)
        {
            segment.free();
        }
        allSegments.clear();
        for (final LogSegment segment : looseSegments)
        {
            segment.free();
        }
        looseSegments.clear();
    }
}
