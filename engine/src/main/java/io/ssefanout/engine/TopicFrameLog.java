package io.ssefanout.engine;

import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.VarHandle;

/**
 * One topic's encoded SSE frames: a history held in {@link LogSegment}s from the shared {@link LogSegmentPool}, plus
 * an index from frame number to event id, position, ingest time and length. Written only by the sequencer; read by
 * any number of consumer threads, each through its own cursor ({@link Subscription}).
 * <p>
 * Positions are 64-bit byte offsets that only grow and are contiguous: segment {@code position >>> shift} holds byte
 * {@code position}, and a frame may continue from one segment into the next (a reader sends it in two writes). The
 * history keeps frames {@code [firstRetainedFrame, publishedFrameCount)}; the sequencer drops the oldest by the
 * retention limits (events, bytes, age) and when the pool evicts the topic's oldest segment, then gives a segment
 * no retained frame touches back to the pool. Before a reader uses an index entry or a segment it checks, after
 * reading them, that the frame is still retained; inside its {@link LogReader} epoch the segment then stays intact.
 * <p>
 * When eviction takes a topic's newest frame, the log keeps a copy of it: a topic's current value outlives its history.
 */
public final class TopicFrameLog
{
    private static final int EVENT_ID = 0;
    private static final int POSITION = 1;
    private static final int INGEST_TIME = 2;
    private static final int FRAME_LENGTH = 3;
    private static final int STRIDE = 4;
    private static final int INITIAL_INDEX_FRAMES = 4;
    private static final int INITIAL_SEGMENT_SLOTS = 2;

    private final LogSegmentPool pool;
    private final int segmentShift;
    private final int segmentMask;
    private final int historyEvents;
    private final long historyBytes;
    private final long historyAgeNs;
    private final int indexFramesMax;

    private volatile long[] index = new long[INITIAL_INDEX_FRAMES * STRIDE];
    private volatile LogSegment[] segments = new LogSegment[INITIAL_SEGMENT_SLOTS];
    private volatile long publishedFrameCount;
    private volatile long publishedPosition;
    private volatile long firstRetainedFrame;
    private volatile long droppedEventId = -1;

    private long tailPosition;
    private long frameCount;
    private long firstRetained;
    private long headSegment;
    private int heldSegments;
    private LogSegment claimedSegment;
    private int claimedOffset;
    private long claimedPosition;

    private volatile NewestFrameCopy newestCopy;
    private long newestFrameEventId = -1;
    private long newestFrameIngestTimeNs;

    /**
     * A log with no memory yet: segments come from the pool as the topic publishes. Control path.
     *
     * @param pool          the shared segment pool.
     * @param historyEvents most frames retained.
     * @param historyBytes  most frame bytes retained (the newest frame is kept whatever its size).
     * @param historyAgeNs  frames older than this (by ingest time) are dropped on the next append; 0 for no limit.
     */
    public TopicFrameLog(final LogSegmentPool pool, final int historyEvents, final long historyBytes, final long historyAgeNs)
    {
        this.pool = pool;
        this.segmentShift = pool.segmentShift();
        this.segmentMask = pool.segmentLength() - 1;
        this.historyEvents = Math.max(1, historyEvents);
        this.historyBytes = historyBytes;
        this.historyAgeNs = historyAgeNs;
        this.indexFramesMax = Integer.highestOneBit(Math.max(1, this.historyEvents - 1)) << 1;
    }

    /**
     * @return frames readers may read, acquire load.
     */
    public long publishedFrameCount()
    {
        return publishedFrameCount;
    }

    /**
     * @return end position of the last published frame, acquire load.
     */
    public long publishedPosition()
    {
        return publishedPosition;
    }

    /**
     * Oldest frame still in the history. A reader that read an entry or a segment of frame {@code f} uses them only
     * if, after reading, {@code f >= firstRetainedFrame()}.
     *
     * @return frame number, {@link #publishedFrameCount()} when nothing is retained.
     */
    public long firstRetainedFrame()
    {
        VarHandle.loadLoadFence();
        return firstRetainedFrame;
    }

    /**
     * @return frames a blocked reader may lag before it counts as a slow consumer: half the events limit, so that it
     * can still finish the frame it is in before that frame leaves the history.
     */
    public int lagLimitFrames()
    {
        return historyEvents / 2;
    }

    /**
     * @return bytes a blocked reader may lag before it counts as a slow consumer: half the bytes limit.
     */
    public long lagLimitBytes()
    {
        return historyBytes / 2;
    }

    /**
     * @return id of the newest event that has left the history, -1 if none; read after {@link #firstRetainedFrame()}
     * it is at least as new as the drop that moved it.
     */
    public long droppedEventId()
    {
        return droppedEventId;
    }

    /**
     * @param frame frame number, retained.
     * @return its event id.
     */
    public long eventId(final long frame)
    {
        final long[] entries = index;
        return entries[slot(entries, frame) + EVENT_ID];
    }

    /**
     * @param frame frame number, retained.
     * @return its start position.
     */
    public long position(final long frame)
    {
        final long[] entries = index;
        return entries[slot(entries, frame) + POSITION];
    }

    /**
     * @param frame frame number, retained.
     * @return when its event entered the ring, {@link System#nanoTime()}.
     */
    public long ingestTimeNs(final long frame)
    {
        final long[] entries = index;
        return entries[slot(entries, frame) + INGEST_TIME];
    }

    /**
     * @param frame frame number, retained.
     * @return its length in bytes.
     */
    public int frameLength(final long frame)
    {
        final long[] entries = index;
        return (int)entries[slot(entries, frame) + FRAME_LENGTH];
    }

    /**
     * @param position a retained position.
     * @return the segment holding it.
     */
    public LogSegment segment(final long position)
    {
        final LogSegment[] slots = segments;
        return slots[(int)(position >>> segmentShift) & (slots.length - 1)];
    }

    /**
     * @param position log position.
     * @return offset of that position in its segment.
     */
    public int offset(final long position)
    {
        return (int)position & segmentMask;
    }

    /**
     * @param position log position.
     * @return the first position of the next segment.
     */
    public long segmentEnd(final long position)
    {
        return (position | segmentMask) + 1;
    }

    /**
     * First frame in {@code [from, published)} whose event id is greater than {@code eventId}.
     *
     * @param from      first frame to consider, retained.
     * @param published a {@link #publishedFrameCount()} read by the caller.
     * @param eventId   the last id the reader has.
     * @return frame number, {@code published} if none.
     */
    public long firstFrameAfter(final long from, final long published, final long eventId)
    {
        long low = from;
        long high = published;
        while (low < high)
        {
            final long mid = (low + high) >>> 1;
            if (eventId(mid) <= eventId)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    /**
     * @return id of the newest frame ever appended, -1 if none; sequencer thread or after it stopped.
     */
    long newestEventId()
    {
        return 0 == frameCount ? -1 : newestFrameEventId;
    }

    /**
     * The newest frame when eviction has taken it from the history, for snapshots. Any thread; a reader uses it only
     * inside its {@link LogReader} epoch, and only while its frame is still the newest published.
     *
     * @return the copy, or null while the history holds the newest frame (or nothing was published).
     */
    public NewestFrameCopy newestCopy()
    {
        return newestCopy;
    }

    /**
     * @return segments this topic holds; sequencer thread.
     */
    int heldSegments()
    {
        return heldSegments;
    }

    /**
     * Sequencer only: make room for a frame, dropping what the retention limits say and taking the segments it needs.
     *
     * @param frameLength  exact frame length.
     * @param ingestTimeNs the event's ingest time, the clock of the age limit.
     * @return where to encode when the frame fits in one segment ({@link #claimedBuffer()} at this offset), or -1:
     * encode elsewhere and {@link #write} it.
     */
    int claim(final int frameLength, final long ingestTimeNs)
    {
        retain(frameLength, ingestTimeNs);
        if (0 == heldSegments)
        {
            // nothing held: start at a segment boundary rather than waste the front of a new segment
            tailPosition = (tailPosition + segmentMask) & ~(long)segmentMask;
            headSegment = tailPosition >>> segmentShift;
        }
        final long firstNeeded = tailPosition >>> segmentShift;
        final long lastNeeded = (tailPosition + frameLength - 1) >>> segmentShift;
        for (long k = headSegment + heldSegments; k <= lastNeeded; k++)
        {
            addSegment(k, firstNeeded);
        }
        claimedPosition = tailPosition;
        claimedSegment = segment(tailPosition);
        claimedOffset = offset(tailPosition);
        return claimedOffset + frameLength <= segmentMask + 1 ? claimedOffset : -1;
    }

    /**
     * @return the segment buffer a frame that fits is encoded into.
     */
    UnsafeBuffer claimedBuffer()
    {
        return claimedSegment.buffer();
    }

    /**
     * Sequencer only: copy a frame encoded elsewhere into the claimed place, across segments.
     */
    void write(final DirectBuffer frame, final int frameOffset, final int frameLength)
    {
        long position = claimedPosition;
        int done = 0;
        while (done < frameLength)
        {
            final int offset = offset(position);
            final int length = Math.min(frameLength - done, segmentMask + 1 - offset);
            segment(position).buffer().putBytes(offset, frame, frameOffset + done, length);
            done += length;
            position += length;
        }
    }

    /**
     * Sequencer only: record the frame just written at the claimed place and publish it.
     *
     * @param eventId      the frame's event id.
     * @param frameLength  bytes encoded.
     * @param ingestTimeNs when the event entered the ring.
     */
    void commit(final long eventId, final int frameLength, final long ingestTimeNs)
    {
        long[] entries = index;
        if (frameCount - firstRetained >= entries.length / STRIDE)
        {
            entries = growIndex(entries);
        }
        final int slot = slot(entries, frameCount);
        entries[slot + EVENT_ID] = eventId;
        entries[slot + POSITION] = claimedPosition;
        entries[slot + INGEST_TIME] = ingestTimeNs;
        entries[slot + FRAME_LENGTH] = frameLength;
        tailPosition = claimedPosition + frameLength;
        frameCount++;
        newestFrameEventId = eventId;
        newestFrameIngestTimeNs = ingestTimeNs;
        dropNewestCopy();
        publishedPosition = tailPosition;
        publishedFrameCount = frameCount;
    }

    /**
     * Pool only (sequencer thread): give up the oldest segment; every frame that starts in it goes, the newest frame
     * copied first if it is among them.
     */
    void evictOldestSegment()
    {
        final long evictedEnd = (headSegment + 1) << segmentShift;
        long retained = firstRetained;
        while (retained < frameCount && position(retained) < evictedEnd)
        {
            retained++;
        }
        if (retained == frameCount && frameCount > 0 && retained > firstRetained)
        {
            copyNewestFrame();
        }
        dropTo(retained);
        if (heldSegments > 0 && headSegment << segmentShift < evictedEnd)
        {
            releaseHeadSegment();
        }
    }

    /**
     * Sequencer only: apply the age limit to an idle topic (the other limits only change on append), keeping its
     * newest frame.
     *
     * @param nowNs the clock of ingest times.
     */
    void retainByAge(final long nowNs)
    {
        if (historyAgeNs > 0)
        {
            // the newest frame stays: it is the topic's current value, for snapshots
            long retained = firstRetained;
            while (retained < frameCount - 1 && nowNs - ingestTimeNs(retained) > historyAgeNs)
            {
                retained++;
            }
            dropTo(retained);
        }
    }

    /**
     * Sequencer only: the topic is forgotten; every segment it holds goes back to the pool.
     */
    void releaseAll()
    {
        dropTo(frameCount);
        while (heldSegments > 0)
        {
            releaseHeadSegment();
        }
        dropNewestCopy();
    }

    private void retain(final int frameLength, final long nowNs)
    {
        long retained = firstRetained;
        while (retained < frameCount &&
            (frameCount - retained >= historyEvents ||
            tailPosition + frameLength - position(retained) > historyBytes ||
            (historyAgeNs > 0 && nowNs - ingestTimeNs(retained) > historyAgeNs)))
        {
            retained++;
        }
        dropTo(retained);
    }

    private void dropTo(final long retained)
    {
        if (retained == firstRetained)
        {
            return;
        }
        droppedEventId = eventId(retained - 1);
        firstRetained = retained;
        firstRetainedFrame = retained;
        final long headPosition = retained < frameCount ? position(retained) : tailPosition;
        while (heldSegments > 0 && ((headSegment + 1) << segmentShift) <= headPosition)
        {
            releaseHeadSegment();
        }
    }

    private void releaseHeadSegment()
    {
        final LogSegment[] slots = segments;
        final int slot = (int)headSegment & (slots.length - 1);
        final LogSegment segment = slots[slot];
        headSegment++;
        heldSegments--;
        pool.retire(segment);
    }

    private void addSegment(final long logicalIndex, final long protectFrom)
    {
        final LogSegment segment = pool.acquire(this, logicalIndex, protectFrom);
        if (0 == heldSegments)
        {
            headSegment = logicalIndex;
        }
        LogSegment[] slots = segments;
        if (heldSegments == slots.length)
        {
            slots = growSegments(slots);
        }
        slots[(int)logicalIndex & (slots.length - 1)] = segment;
        heldSegments++;
    }

    private LogSegment[] growSegments(final LogSegment[] slots)
    {
        final LogSegment[] grown = new LogSegment[slots.length * 2];
        for (long k = headSegment; k < headSegment + heldSegments; k++)
        {
            grown[(int)k & (grown.length - 1)] = slots[(int)k & (slots.length - 1)];
        }
        segments = grown;
        return grown;
    }

    private long[] growIndex(final long[] entries)
    {
        final int frames = entries.length / STRIDE;
        if (frames >= indexFramesMax)
        {
            // full at the events limit: the oldest frame goes (retain() keeps this from happening in practice)
            dropTo(firstRetained + 1);
            return entries;
        }
        final long[] grown = new long[frames * 2 * STRIDE];
        for (long frame = firstRetained; frame < frameCount; frame++)
        {
            System.arraycopy(entries, slot(entries, frame), grown, slot(grown, frame), STRIDE);
        }
        index = grown;
        return grown;
    }

    private void copyNewestFrame()
    {
        final long frame = frameCount - 1;
        final int length = frameLength(frame);
        final LogSegment copy = pool.makeLoose(length);
        long position = position(frame);
        int done = 0;
        while (done < length)
        {
            final int offset = offset(position);
            final int part = Math.min(length - done, segmentMask + 1 - offset);
            copy.buffer().putBytes(done, segment(position).buffer(), offset, part);
            done += part;
            position += part;
        }
        dropNewestCopy();
        newestCopy = new NewestFrameCopy(copy, frame, newestFrameEventId, newestFrameIngestTimeNs, length);
    }

    private void dropNewestCopy()
    {
        final NewestFrameCopy copy = newestCopy;
        if (null != copy)
        {
            // unpublished first, then retired: a reader that still sees it entered its epoch before the retirement
            newestCopy = null;
            pool.retire(copy.segment);
        }
    }

    private static int slot(final long[] entries, final long frame)
    {
        return ((int)frame & (entries.length / STRIDE - 1)) * STRIDE;
    }
}
