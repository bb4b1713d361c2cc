package io.ssefanout.engine;

import org.HdrHistogram.Histogram;

/**
 * One consumer's cursors into the frame logs of its topics. Owned by one thread (an I/O agent or an in-process
 * consumer); only the sequencer writes the logs it reads.
 * <p>
 * A consumer calls {@link #poll}: the subscription finds the next run of contiguous frame bytes in one segment,
 * checks its frames are still retained <em>before</em> handing it to a {@link FrameRunHandler} (one socket write for
 * a whole run), then consumes what was sent, records latency, and says what happened in one result code. The
 * reader's {@link LogReader} epoch keeps the run's segment from reuse until the reader exits it, so no byte that
 * the writer may be overwriting is ever handed on. (The steps stay public for in-process consumers that read runs
 * themselves: {@link #nextRun(int)}, {@link #onRunConsumed(int, long, Histogram)}.) With several topics the frames go out in
 * event-id order, merged under the sequencer's watermark (read first), so the last id a client saw is always a
 * complete resume point. A frame started is always finished before frames of another topic.
 * <p>
 * Hot path: allocation-free.
 */
public final class Subscription
{
    /** {@link #nextRun(int)} result: the consumer fell further behind than the log retains. */
    public static final int LAPPED = -1;
    /** {@link #nextRun(int)} result: the frame the consumer is in the middle of left the history; it cannot finish. */
    public static final int TORN = -2;

    /** {@link #poll} result: nothing to send. */
    public static final int POLL_IDLE = 0;
    /** {@link #poll} result: a run was sent whole. */
    public static final int POLL_SENT = 1;
    /** {@link #poll} result: the handler took less than the run; the client cannot take more now. */
    public static final int POLL_PARTIAL = 2;
    /** {@link #poll} result: a frame is published but held back by the sequencer's watermark; look again soon. */
    public static final int POLL_HELD = 3;
    /** {@link #poll} result: the consumer fell further behind than the log retains; nothing was sent. */
    public static final int POLL_LAPPED = LAPPED;
    /** {@link #poll} result: the frame the consumer was in the middle of left the history; the stream must end. */
    public static final int POLL_TORN = TORN;
    /** {@link #poll} result: the handler failed; the subscription did not move. */
    public static final int POLL_FAILED = -3;
    /**
     * {@link #nextRun(int)} and {@link #poll} result: before anything was delivered, the events after the resume point
     * left the history; the subscription moved on to what is retained. Tell the client ({@code reset} with
     * {@link #lastDeliveredEventId()}) before anything else, then poll again.
     */
    public static final int RESET = -4;
    /** {@link #poll} result, see {@link #RESET}. */
    public static final int POLL_RESET = RESET;
    /** {@link FrameRunHandler#onFrameRun} result when sending failed. */
    public static final int RUN_FAILED = -1;

    private static final long HIGHEST_TRACKABLE_LATENCY_NS = 3_600_000_000_000L;

    private static final int RUN_FRAMES_MAX = 256;

    private final Sequencer sequencer;
    private final LogReader reader;
    private final boolean isReaderOwned;
    private static final long NONE = Long.MAX_VALUE;
    private static final long HELD = Long.MAX_VALUE - 1;

    private Topic[] topics;
    private long[] frames;
    private int[] frameOffsets;
    private int topicCount;
    private boolean isMultiTopic;
    private final boolean isDirtyTracked;
    private boolean[] isDirty;
    private int[] dirtyCursors;
    private int dirtyCount;
    private int activeCursor = -1;
    private long lastDeliveredEventId;
    private boolean isResetRequired;
    private boolean isSkipPending;
    private boolean isSkipCompleted;
    private long resetFromEventId = -1;
    private boolean hasDelivered;
    private long skippedFrames;
    private boolean isClosed;

    private boolean isHeldByWatermark;
    private NewestFrameCopy[] copies;
    /** Snapshot: the cursor still points at the value it opened with, which its kept copy may stand in for. */
    private boolean[] isOpeningValue;
    private long rateIntervalNs;
    private long[] nextAllowedNs;
    private long throttledUntilNs = Long.MAX_VALUE;
    private long nowNs;
    private final long[] runFrameEnds = new long[RUN_FRAMES_MAX];
    private final long[] runFrameIds = new long[RUN_FRAMES_MAX];
    private final long[] runFrameIngestTimes = new long[RUN_FRAMES_MAX];
    private int runFrameCount;
    private TopicFrameLog runLog;
    private LogSegment runSegment;
    private int runCursor;
    private long runPosition;
    private int runOffset;
    private int runLength;
    private int lastPollDeliveries;
    private final MergeCache mergeCache = new MergeCache();

    Subscription(
        final Sequencer sequencer,
        final LogReader reader,
        final boolean isReaderOwned,
        final Topic[] topics,
        final long lastEventId,
        final boolean isSnapshot)
    {
        this.sequencer = sequencer;
        this.reader = reader;
        this.isReaderOwned = isReaderOwned;
        final int capacity = Math.max(1, topics.length);
        this.topics = java.util.Arrays.copyOf(topics, capacity);
        this.topicCount = topics.length;
        this.frames = new long[capacity];
        this.frameOffsets = new int[capacity];
        this.isDirty = new boolean[capacity];
        this.dirtyCursors = new int[capacity];
        this.isMultiTopic = topics.length > 1;
        this.isDirtyTracked = !isReaderOwned;
        this.lastDeliveredEventId = lastEventId;
        isResetRequired = StartPosition.afterResumePoint(sequencer, topics, topicCount, frames, lastEventId);
        resetFromEventId = isResetRequired ? lastEventId : -1;
        if (isSnapshot && (lastEventId < 0 || isResetRequired))
        {
            // the current value of each topic first (its newest frame, as encoded in the log), then live
            copies = StartPosition.atNewest(topics, topicCount, frames, frameOffsets, copies);
            isOpeningValue = new boolean[capacity];
            for (int i = 0; i < topicCount; i++)
            {
                // a topic with no value yet opens with nothing: its first frame is live, never stood in for
                final TopicFrameLog log = topics[i].log();
                isOpeningValue[i] = null != log && frames[i] < log.publishedFrameCount();
            }
        }
        for (int i = 0; i < topicCount; i++)
        {
            markDirty(i);
        }
    }

    /**
     * @return the topics, in subscription order, in the first {@link #topicCount()} slots; must not be modified.
     */
    public Topic[] topics()
    {
        return topics;
    }

    /**
     * @return how many topics the subscription has.
     */
    public int topicCount()
    {
        return topicCount;
    }

    /**
     * Merge this subscription in id order with others, as a pattern subscription does even while it has one topic or
     * none. Control path, before the first poll.
     */
    public void mergeInIdOrder()
    {
        isMultiTopic = true;
    }

    /**
     * Add a topic, e.g. one created after a pattern subscription matched; its frames after
     * {@link #lastDeliveredEventId()} are owed. Control path, on the owning thread: the caller guarantees that no
     * frame of the topic with an id below what this subscription already delivered exists (the agent learns of a new
     * topic before any watermark that covers its first event).
     *
     * @param topic the topic, not yet in this subscription.
     * @return its cursor index, or -1 if the topic was forgotten meanwhile.
     */
    public int addTopic(final Topic topic)
    {
        if (!topic.retain())
        {
            return -1;
        }
        if (topicCount == topics.length)
        {
            final int capacity = topicCount * 2;
            topics = java.util.Arrays.copyOf(topics, capacity);
            frames = java.util.Arrays.copyOf(frames, capacity);
            frameOffsets = java.util.Arrays.copyOf(frameOffsets, capacity);
            isDirty = java.util.Arrays.copyOf(isDirty, capacity);
            dirtyCursors = java.util.Arrays.copyOf(dirtyCursors, capacity);
            if (null != nextAllowedNs)
            {
                nextAllowedNs = java.util.Arrays.copyOf(nextAllowedNs, capacity);
            }
            if (null != copies)
            {
                copies = java.util.Arrays.copyOf(copies, capacity);
            }
            if (null != isOpeningValue)
            {
                isOpeningValue = java.util.Arrays.copyOf(isOpeningValue, capacity);
            }
        }
        mergeCache.drop();
        final int cursor = topicCount++;
        topics[cursor] = topic;
        frames[cursor] = StartPosition.firstAfter(topic.log(), lastDeliveredEventId);
        frameOffsets[cursor] = 0;
        isMultiTopic = true;
        markDirty(cursor);
        return cursor;
    }

    /**
     * The topic of cursor {@code cursor} has published: consider it in the next merge. A subscription read by an
     * agent merges only its marked cursors, so a stream's cost follows the topics that moved, not the topics it
     * has. The agent marks every subscriber of every moved topic before it reads up to the watermark it took
     * before marking (see {@link LogReader#watermarkCap(long)}).
     *
     * @param cursor index of the topic in this subscription.
     */
    public void markDirty(final int cursor)
    {
        if (!isDirty[cursor])
        {
            isDirty[cursor] = true;
            dirtyCursors[dirtyCount++] = cursor;
        }
    }

    private void clearDirty(final int slot)
    {
        final int cursor = dirtyCursors[slot];
        isDirty[cursor] = false;
        dirtyCursors[slot] = dirtyCursors[--dirtyCount];
    }

    /**
     * @return true when the resume point was older than the retained history (or unknown), so the client may have
     *         missed events and must be told.
     */
    public boolean isResetRequired()
    {
        return isResetRequired;
    }

    /**
     * @return the Last-Event-ID the client resumed from when a reset is required, else -1.
     */
    public long resetFromEventId()
    {
        return resetFromEventId;
    }

    /**
     * @return id of the last frame fully consumed (or the resume point).
     */
    public long lastDeliveredEventId()
    {
        return lastDeliveredEventId;
    }

    /**
     * @return true when a frame has been partly consumed: nothing else may be sent before it is finished.
     */
    public boolean isMidFrame()
    {
        return activeCursor >= 0;
    }

    /**
     * Send the next run: find it, hand it to the handler, check it was intact, consume what the handler sent and
     * record the latency of every frame completed. Hot path: allocation-free.
     *
     * @param handler          sends the run.
     * @param maxLength        most bytes to offer in one run.
     * @param nowNs            current {@link System#nanoTime()}, for latency.
     * @param latencyHistogram where ingest-to-send latency of each completed frame goes; may be null.
     * @return {@link #POLL_SENT}, {@link #POLL_PARTIAL}, {@link #POLL_IDLE}, {@link #POLL_HELD},
     * {@link #POLL_LAPPED}, {@link #POLL_TORN} or {@link #POLL_FAILED}; {@link #lastPollDeliveries()} says how many
     * frames the run completed.
     */
    public int poll(
        final FrameRunHandler handler, final int maxLength, final long nowNs, final Histogram latencyHistogram)
    {
        lastPollDeliveries = 0;
        this.nowNs = nowNs;
        final int length = nextRun(maxLength);
        if (length <= 0)
        {
            if (length < 0)
            {
                return length;
            }
            return isHeldByWatermark ? POLL_HELD : POLL_IDLE;
        }
        final int sent = handler.onFrameRun(topics[runCursor], runSegment, runOffset, length);
        if (sent < 0)
        {
            exitOwnedReader();
            return POLL_FAILED;
        }
        lastPollDeliveries = onRunConsumed(sent, nowNs, latencyHistogram);
        return sent < length ? POLL_PARTIAL : POLL_SENT;
    }

    /**
     * @return frames completed by the last {@link #poll}.
     */
    public int lastPollDeliveries()
    {
        return lastPollDeliveries;
    }

    /**
     * Find the next run of contiguous frame bytes to send.
     *
     * @param maxLength most bytes to offer in one run.
     * @return run length, 0 when there is nothing to send, or {@link #LAPPED}.
     */
    public int nextRun(final int maxLength)
    {
        if (isReaderOwned && !reader.isReading())
        {
            reader.enter();
        }
        final int length = rateIntervalNs > 0 ? findThrottledRun(maxLength) : findRun(maxLength);
        if (length <= 0)
        {
            exitOwnedReader();
        }
        return length;
    }

    /**
     * Cap this stream at {@code eventsPerSecond} events per second of each topic: a topic that sent less than
     * {@code 1/eventsPerSecond} s ago waits, and when it may send again it sends only its newest frame (the ones in
     * between are conflated away). Ids still increase over the stream: nothing newer than a waiting topic's newest
     * frame goes before it, so a topic's wait can hold the others for at most one interval. No timer per topic: the
     * consumer asks {@link #throttledUntilNs()} when to poll again. Control path, before the first poll.
     *
     * @param eventsPerSecond the cap, 0 or less for none.
     */
    public void maxRate(final int eventsPerSecond)
    {
        rateIntervalNs = eventsPerSecond > 0 ? 1_000_000_000L / eventsPerSecond : 0;
        if (rateIntervalNs > 0 && null == nextAllowedNs)
        {
            nextAllowedNs = new long[topics.length];
            isMultiTopic = true;
        }
    }

    /**
     * @return after a poll that sent nothing, when a topic held back by {@link #maxRate(int)} may send its newest
     *         frame ({@link Long#MAX_VALUE} if none waits), on the clock given to {@link #poll}.
     */
    public long throttledUntilNs()
    {
        return throttledUntilNs;
    }

    /**
     * The next run under a rate cap: the rest of a frame in flight, or one frame, the newest of the eligible topic
     * with the lowest such id, unless a waiting topic's newest frame is older.
     */
    private int findThrottledRun(final int maxLength)
    {
        final long watermark = Math.min(sequencer.publishedEventId(), reader.watermarkCap());
        isHeldByWatermark = false;
        throttledUntilNs = Long.MAX_VALUE;
        if (activeCursor >= 0)
        {
            final TopicFrameLog log = topics[activeCursor].log();
            final NewestFrameCopy copy = pendingCopy(activeCursor, log);
            if (null != copy)
            {
                return copyRun(log, activeCursor, copy, maxLength);
            }
            final long frame = frames[activeCursor];
            return singleFrameRun(log, activeCursor, frame, log.position(frame) + frameOffsets[activeCursor], maxLength);
        }
        long barrier = Long.MAX_VALUE;
        int best = -1;
        long bestId = Long.MAX_VALUE;
        long bestFrame = -1;
        int slot = 0;
        while (slot < dirtyCount)
        {
            final int i = dirtyCursors[slot];
            final long id = nextEventId(i, watermark);
            if (id == LAPPED)
            {
                return lapped();
            }
            if (id >= HELD)
            {
                if (NONE == id && isDirtyTracked)
                {
                    clearDirty(slot);
                    continue;
                }
                slot++;
                continue;
            }
            final TopicFrameLog log = topics[i].log();
            final boolean isCopy = null != copies && null != copies[i];
            final long newestFrame = isCopy ? frames[i] :
                log.firstFrameAfter(frames[i], log.publishedFrameCount(), watermark) - 1;
            final long newestId = isCopy ? id : log.eventId(newestFrame);
            if (nowNs < nextAllowedNs[i])
            {
                barrier = Math.min(barrier, newestId);
                throttledUntilNs = Math.min(throttledUntilNs, nextAllowedNs[i]);
            }
            else if (newestId < bestId)
            {
                best = i;
                bestId = newestId;
                bestFrame = newestFrame;
            }
            slot++;
        }
        if (best < 0 || bestId > barrier)
        {
            return 0;
        }
        final TopicFrameLog log = topics[best].log();
        if (null != copies && null != copies[best])
        {
            return copyRun(log, best, copies[best], maxLength);
        }
        skippedFrames += bestFrame - frames[best];
        frames[best] = bestFrame;
        frameOffsets[best] = 0;
        return singleFrameRun(log, best, bestFrame, log.position(bestFrame), maxLength);
    }

    private int singleFrameRun(
        final TopicFrameLog log, final int cursor, final long frame, final long start, final int maxLength)
    {
        final long end = log.position(frame) + log.frameLength(frame);
        runFrameEnds[0] = end;
        runFrameIds[0] = log.eventId(frame);
        runFrameIngestTimes[0] = log.ingestTimeNs(frame);
        final LogSegment segment = log.segment(start);
        if (frame < log.firstRetainedFrame())
        {
            return activeCursor >= 0 ? TORN : lapped();
        }
        runFrameCount = 1;
        runSegment = segment;
        return startRun(log, cursor, start, Math.min(end, log.segmentEnd(start)), maxLength);
    }

    /**
     * The next run in id order across the marked topics. A scan looks at every marked topic's next id; when there are
     * many (a snapshot or a catch-up over thousands of topics), the scan also keeps the smallest ones in order (an
     * eighth of them, see {@link MergeCache}), and the runs after it take them from there instead of scanning again: otherwise a snapshot of
     * N topics, one frame each, would cost N scans of N topics. The kept ids stay right because frames already
     * published never change and every later frame has a larger id than the scan's watermark; a kept entry is only
     * used while its topic's next id is still the one kept and below the bound (the smallest id the scan did not keep,
     * the watermark, and the next id of the topic sent last); anything else drops the cache and scans.
     */
    private int findRun(final int maxLength)
    {
        final long watermark = isMultiTopic ?
            Math.min(sequencer.publishedEventId(), reader.watermarkCap()) : Long.MAX_VALUE;
        isHeldByWatermark = false;
        if (mergeCache.isActive() && !isSkipPending)
        {
            if (activeCursor >= 0)
            {
                // finish the frame in flight; its next id checked here, as a scan would (a copy still in place)
                final long id = nextEventId(activeCursor, watermark);
                if (LAPPED == id)
                {
                    return TORN;
                }
                if (id < HELD)
                {
                    return buildRun(activeCursor, mergeCache.otherNextId(), watermark, maxLength);
                }
            }
            else
            {
                final int cached = takeFromMergeCache(watermark);
                if (cached >= 0)
                {
                    return buildRun(cached, mergeCache.otherNextId(), watermark, maxLength);
                }
            }
        }
        final boolean isCaching = activeCursor < 0 && dirtyCount >= MergeCache.MIN_TOPICS && !isSkipPending;
        mergeCache.drop();
        if (isCaching)
        {
            mergeCache.begin(dirtyCount);
        }
        int cursor = activeCursor;
        long otherNextId = Long.MAX_VALUE;
        long bestId = Long.MAX_VALUE;
        int slot = 0;
        while (slot < dirtyCount)
        {
            final int i = dirtyCursors[slot];
            final long id = nextEventId(i, watermark);
            if (id >= HELD)
            {
                if (NONE == id && isDirtyTracked && i != cursor)
                {
                    clearDirty(slot);
                    continue;
                }
            }
            else if (id == LAPPED)
            {
                return activeCursor >= 0 ? TORN : lapped();
            }
            else
            {
                if (i == cursor)
                {
                    bestId = id;
                }
                else if (id < bestId && activeCursor < 0)
                {
                    otherNextId = bestId;
                    bestId = id;
                    cursor = i;
                }
                else if (id < otherNextId)
                {
                    otherNextId = id;
                }
                if (isCaching)
                {
                    mergeCache.keep(i, id);
                }
            }
            slot++;
        }
        if (cursor < 0)
        {
            mergeCache.drop();
            return 0;
        }
        if (isCaching)
        {
            // the first kept is the best this scan found: it is taken now
            mergeCache.finish(watermark);
        }
        return buildRun(cursor, otherNextId, watermark, maxLength);
    }

    /**
     * Take the next kept id if it is still the next frame to send (see {@link MergeCache}); else drop the cache.
     *
     * @return the cursor to send from, or -1 to scan.
     */
    private int takeFromMergeCache(final long watermark)
    {
        // the topic sent last may have more frames; they bound what may follow
        final long previousNext = nextEventId(mergeCache.previousCursor(), watermark);
        if (previousNext >= 0 && previousNext < HELD)
        {
            mergeCache.lowerBound(previousNext);
        }
        if (mergeCache.hasUsableEntry())
        {
            final int cursor = mergeCache.nextCursor();
            if (nextEventId(cursor, watermark) == mergeCache.nextId())
            {
                mergeCache.take();
                return cursor;
            }
        }
        mergeCache.drop();
        return -1;
    }

    private int buildRun(final int cursor, final long otherNextId, final long watermark, final int maxLength)
    {
        final TopicFrameLog log = topics[cursor].log();
        final NewestFrameCopy copy = null == copies ? null : copies[cursor];
        if (null != copy && frames[cursor] == copy.frame)
        {
            // checked still published by nextEventId in this call: intact for this epoch
            return copyRun(log, cursor, copy, maxLength);
        }
        final long published = log.publishedFrameCount();
        final long firstFrame = frames[cursor];
        if (firstFrame >= published)
        {
            return 0;
        }
        final long firstPosition = log.position(firstFrame);
        final long start = firstPosition + frameOffsets[cursor];
        final long segmentEnd = log.segmentEnd(start);
        long end = firstPosition + log.frameLength(firstFrame);
        runFrameEnds[0] = end;
        runFrameIds[0] = log.eventId(firstFrame);
        runFrameIngestTimes[0] = log.ingestTimeNs(firstFrame);
        int count = 1;
        if (!isSkipPending)
        {
            for (long frame = firstFrame + 1;
                frame < published && end < segmentEnd && end - start < maxLength && count < RUN_FRAMES_MAX;
                frame++)
            {
                final long position = log.position(frame);
                final long eventId = log.eventId(frame);
                if (position != end || eventId >= otherNextId || eventId > watermark)
                {
                    break;
                }
                end = position + log.frameLength(frame);
                runFrameEnds[count] = end;
                runFrameIds[count] = eventId;
                runFrameIngestTimes[count] = log.ingestTimeNs(frame);
                count++;
            }
        }
        final LogSegment segment = log.segment(start);
        if (firstFrame < log.firstRetainedFrame())
        {
            // read before this check, so possibly stale: nothing of it is used
            return activeCursor >= 0 ? TORN : lapped();
        }
        runFrameCount = count;
        runSegment = segment;
        return startRun(log, cursor, start, Math.min(end, segmentEnd), maxLength);
    }

    /**
     * Lapped. A subscription that has delivered nothing yet was positioned at the oldest retained event, which the
     * next publish may drop: rather than be cut with nothing, it moves past the oldest eighth of what each topic
     * retains and the client is told ({@link #RESET}), as for a resume point older than the history.
     */
    private int lapped()
    {
        mergeCache.drop();
        if (hasDelivered)
        {
            return LAPPED;
        }
        for (int i = 0; i < topicCount; i++)
        {
            final TopicFrameLog log = topics[i].log();
            if (null != log)
            {
                final long published = log.publishedFrameCount();
                final long oldest = Math.min(log.firstRetainedFrame(), published);
                frames[i] = Math.max(frames[i], oldest + (published - oldest) / 8);
            }
            markDirty(i);
        }
        if (!isResetRequired)
        {
            isResetRequired = true;
            resetFromEventId = lastDeliveredEventId;
        }
        return RESET;
    }

    private void exitOwnedReader()
    {
        if (isReaderOwned)
        {
            reader.exit();
        }
    }

    private int startRun(final TopicFrameLog log, final int cursor, final long start, final long end, final int maxLength)
    {
        runLog = log;
        runCursor = cursor;
        runPosition = start;
        runOffset = log.offset(start);
        runLength = (int)Math.min(end - start, maxLength);
        return runLength;
    }

    /**
     * Bytes published to this subscription's topics that it has not consumed yet. Control path (called when a
     * connection is blocked), reads each log's index.
     *
     * @return unsent bytes, summed over the topics; {@link Long#MAX_VALUE} if some are no longer retained.
     */
    public long unsentBytes()
    {
        return CursorLag.unsentBytes(topics, topicCount, frames, frameOffsets, copies);
    }

    /**
     * Is a consumer that cannot write now so far behind that its frames will soon leave the history? Half the
     * history's limits, so a skip can still let it finish the frame it is in. A consumer that is writing is only
     * lapped once its frames have actually gone: a resumed one gets everything retained. Control path.
     *
     * @return true when some topic's cursor lags more than half its log's retention limits.
     */
    public boolean isBeyondLagLimit()
    {
        return CursorLag.isBeyondLagLimit(topics, topicCount, frames, copies);
    }

    /**
     * @return true when the last {@link #nextRun(int)} held back a published frame because the sequencer's watermark
     *         had not reached it yet (several topics only); the consumer should look again soon.
     */
    public boolean isHeldByWatermark()
    {
        return isHeldByWatermark;
    }

    /**
     * @return the topic the current run is in.
     */
    public Topic runTopic()
    {
        return topics[runCursor];
    }

    /**
     * @return the log the current run is in.
     */
    public TopicFrameLog runLog()
    {
        return runLog;
    }

    /**
     * @return offset of the current run in {@link #runSegment()}.
     */
    public int runOffset()
    {
        return runOffset;
    }

    /**
     * @return the segment the current run is in.
     */
    public LogSegment runSegment()
    {
        return runSegment;
    }

    /**
     * Account for bytes of the current run that were consumed (written to the socket).
     *
     * @param length          bytes consumed from the start of the run.
     * @param nowNs           current {@link System#nanoTime()}.
     * @param latencyHistogram where ingest-to-write latency of each completed frame goes, owned by the calling
     *                         thread; may be null.
     * @return frames completed.
     */
    public int onRunConsumed(final int length, final long nowNs, final Histogram latencyHistogram)
    {
        final int cursor = runCursor;
        final long consumedEnd = runPosition + length;
        int completed = 0;
        while (completed < runFrameCount && runFrameEnds[completed] <= consumedEnd)
        {
            lastDeliveredEventId = runFrameIds[completed];
            if (null != latencyHistogram)
            {
                final long latencyNs = nowNs - runFrameIngestTimes[completed];
                latencyHistogram.recordValue(Math.min(Math.max(latencyNs, 0), HIGHEST_TRACKABLE_LATENCY_NS));
            }
            completed++;
        }
        hasDelivered |= length > 0;
        if (completed > 0 && rateIntervalNs > 0)
        {
            nextAllowedNs[cursor] = nowNs + rateIntervalNs;
        }
        frames[cursor] += completed;
        if (completed > 0 && null != isOpeningValue)
        {
            isOpeningValue[cursor] = false;
        }
        if (completed > 0 && null != copies)
        {
            copies[cursor] = null;
        }
        final long frameStart = completed > 0 ? runFrameEnds[completed - 1] : runPosition - frameOffsets[cursor];
        frameOffsets[cursor] = completed < runFrameCount ? (int)(consumedEnd - frameStart) : 0;
        activeCursor = frameOffsets[cursor] > 0 ? cursor : -1;
        runPosition = consumedEnd;
        runFrameCount = 0;
        if (isSkipPending && activeCursor < 0)
        {
            isSkipPending = false;
            isSkipCompleted = true;
            skipToNewest();
        }
        exitOwnedReader();
        return completed;
    }

    /**
     * Skip-policy recovery for a lapped consumer: move every cursor to its log's newest frame. At a frame boundary this
     * happens now; mid-frame the consumer is first let finish the frame it is in (if that frame has left the history
     * too, the next run says {@link #TORN}), and {@link #pollSkipCompleted()} reports when the skip took place.
     *
     * @return true if skipped now, false if the skip waits for the current frame to finish.
     */
    public boolean requestSkip()
    {
        if (activeCursor >= 0)
        {
            isSkipPending = true;
            return false;
        }
        skipToNewest();
        return true;
    }

    /**
     * @return frames passed over by skips since the last call (intermediate frames of each topic); resets the count.
     */
    public long takeSkippedFrames()
    {
        final long skipped = skippedFrames;
        skippedFrames = 0;
        return skipped;
    }

    /**
     * @return true once after a deferred skip took place, so the consumer can tell its client.
     */
    public boolean pollSkipCompleted()
    {
        final boolean completed = isSkipCompleted;
        isSkipCompleted = false;
        return completed;
    }

    /**
     * Move every cursor to the newest published frame of its topic, that frame included: a lapped market-data client
     * wants the current value now, not at the next tick.
     */
    private void skipToNewest()
    {
        mergeCache.drop();
        for (int i = 0; i < topicCount; i++)
        {
            final TopicFrameLog log = topics[i].log();
            if (null != log)
            {
                final long published = log.publishedFrameCount();
                final long newest = published - 1 >= log.firstRetainedFrame() ? published - 1 : published;
                if (newest > frames[i])
                {
                    skippedFrames += newest - frames[i];
                    frames[i] = newest;
                }
                frameOffsets[i] = 0;
            }
            markDirty(i);
        }
    }

    /**
     * Let the topics go (they may be forgotten once idle) and leave reclamation if this subscription brought its own
     * reader. Control path, once; the subscription is not read after.
     */
    public void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        for (int i = 0; i < topicCount; i++)
        {
            topics[i].release();
        }
        if (isReaderOwned)
        {
            reader.close();
        }
    }

    /**
     * @return the highest-trackable latency value recorded, in nanoseconds.
     */
    public static long highestTrackableLatencyNs()
    {
        return HIGHEST_TRACKABLE_LATENCY_NS;
    }

    private long nextEventId(final int cursor, final long watermark)
    {
        final TopicFrameLog log = topics[cursor].log();
        if (null == log)
        {
            return NONE;
        }
        final NewestFrameCopy copy = pendingCopy(cursor, log);
        if (null != copy)
        {
            if (copy.eventId > watermark)
            {
                isHeldByWatermark = true;
                return HELD;
            }
            return copy.eventId;
        }
        final long frame = frames[cursor];
        if (frame >= log.publishedFrameCount())
        {
            return NONE;
        }
        final long eventId = log.eventId(frame);
        if (frame < log.firstRetainedFrame())
        {
            final NewestFrameCopy kept = log.newestCopy();
            if (null != isOpeningValue && isOpeningValue[cursor] && null != kept && kept.frame == frame &&
                0 == frameOffsets[cursor])
            {
                // a snapshot's opening value, evicted before it was sent: the copy kept of the topic's newest frame
                // (made before the eviction) is the same bytes, and a newer value may replace it, as for any opening
                // value; a snapshot of many topics under memory pressure is not cut for it
                if (null == copies)
                {
                    copies = new NewestFrameCopy[topics.length];
                }
                copies[cursor] = kept;
                return nextEventId(cursor, watermark);
            }
            return LAPPED;
        }
        if (eventId > watermark)
        {
            isHeldByWatermark = true;
            return HELD;
        }
        return eventId;
    }

    /**
     * @return the copy cursor {@code cursor} is to send next, still published (so intact for this epoch), or null;
     *         a copy that was replaced is dropped and the cursor moves past it.
     */
    private NewestFrameCopy pendingCopy(final int cursor, final TopicFrameLog log)
    {
        if (null == copies || null == copies[cursor])
        {
            return null;
        }
        final NewestFrameCopy copy = copies[cursor];
        if (frames[cursor] == copy.frame && log.newestCopy() == copy)
        {
            return copy;
        }
        copies[cursor] = null;
        if (frames[cursor] == copy.frame && 0 == frameOffsets[cursor])
        {
            // a newer frame came and is in the history: the snapshot value is simply the next one
            frames[cursor] = copy.frame + 1;
        }
        return null;
    }

    private int copyRun(final TopicFrameLog log, final int cursor, final NewestFrameCopy copy, final int maxLength)
    {
        final int start = frameOffsets[cursor];
        runFrameEnds[0] = copy.length;
        runFrameIds[0] = copy.eventId;
        runFrameIngestTimes[0] = copy.ingestTimeNs;
        runFrameCount = 1;
        runSegment = copy.segment;
        runLog = log;
        runCursor = cursor;
        runPosition = start;
        runOffset = start;
        runLength = Math.min(copy.length - start, maxLength);
        return runLength;
    }
}
