package io.ssefanout.engine;

import org.HdrHistogram.Histogram;

/**
 * One consumer's cursors into the frame logs of its topics. Owned by one thread (an I/O agent or an in-process
 * consumer); only the sequencer writes the logs it reads.
 * <p>
 * A consumer calls {@link #poll}: the subscription finds the next run of contiguous frame bytes, hands it to a
 * {@link FrameRunHandler} (one socket write for a whole run), then itself checks the bytes were intact, consumes
 * what was sent, records latency, and says what happened in one result code. (The steps stay public for in-process
 * consumers that read runs themselves: {@link #nextRun(int)}, {@link #isRunIntact()},
 * {@link #onRunConsumed(int, long, Histogram)}.) With several topics the frames go out in
 * event-id order, merged under the sequencer's watermark (read first), so the last id a client saw is always a
 * complete resume point. A frame started is always finished before frames of another topic.
 * <p>
 * Hot path: allocation-free.
 */
public final class Subscription
{
    /** {@link #nextRun(int)} result: the consumer fell further behind than the log retains. */
    public static final int LAPPED = -1;

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
    /** {@link #poll} result: the log overwrote the run while it was being sent; the stream can no longer be trusted. */
    public static final int POLL_TORN = -2;
    /** {@link #poll} result: the handler failed; the subscription did not move. */
    public static final int POLL_FAILED = -3;
    /** {@link FrameRunHandler#onFrameRun} result when sending failed. */
    public static final int RUN_FAILED = -1;

    private static final long HIGHEST_TRACKABLE_LATENCY_NS = 3_600_000_000_000L;

    private final Sequencer sequencer;
    private final Topic[] topics;
    private final long[] frames;
    private final int[] frameOffsets;
    private final boolean isMultiTopic;
    private int activeCursor = -1;
    private long lastDeliveredEventId;
    private boolean isResetRequired;
    private boolean isSkipPending;
    private boolean isSkipCompleted;
    private long resetFromEventId = -1;

    private boolean isHeldByWatermark;
    private TopicFrameLog runLog;
    private int runCursor;
    private long runPosition;
    private int runOffset;
    private int runLength;
    private int lastPollDeliveries;

    Subscription(final Sequencer sequencer, final Topic[] topics, final long lastEventId)
    {
        this.sequencer = sequencer;
        this.topics = topics;
        this.frames = new long[topics.length];
        this.frameOffsets = new int[topics.length];
        this.isMultiTopic = topics.length > 1;
        this.lastDeliveredEventId = lastEventId;
        position(lastEventId);
    }

    /**
     * @return the topics, in subscription order; must not be modified.
     */
    public Topic[] topics()
    {
        return topics;
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
        final int length = nextRun(maxLength);
        if (LAPPED == length)
        {
            return POLL_LAPPED;
        }
        if (0 == length)
        {
            return isHeldByWatermark ? POLL_HELD : POLL_IDLE;
        }
        final int sent = handler.onFrameRun(topics[runCursor], runLog, runOffset, length);
        if (sent < 0)
        {
            return POLL_FAILED;
        }
        if (!isRunIntact())
        {
            return POLL_TORN;
        }
        if (sent > 0)
        {
            lastPollDeliveries = onRunConsumed(sent, nowNs, latencyHistogram);
        }
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
        final long watermark = isMultiTopic ? sequencer.publishedEventId() : Long.MAX_VALUE;
        isHeldByWatermark = false;
        int cursor = activeCursor;
        long otherNextId = Long.MAX_VALUE;
        if (cursor < 0)
        {
            long bestId = Long.MAX_VALUE;
            for (int i = 0; i < topics.length; i++)
            {
                final long id = nextEventId(i, watermark);
                if (id == LAPPED)
                {
                    return LAPPED;
                }
                if (id < bestId)
                {
                    otherNextId = bestId;
                    bestId = id;
                    cursor = i;
                }
                else if (id < otherNextId)
                {
                    otherNextId = id;
                }
            }
            if (cursor < 0)
            {
                return 0;
            }
        }
        else if (isMultiTopic)
        {
            for (int i = 0; i < topics.length; i++)
            {
                if (i != cursor)
                {
                    final long id = nextEventId(i, watermark);
                    if (id == LAPPED)
                    {
                        return LAPPED;
                    }
                    otherNextId = Math.min(otherNextId, id);
                }
            }
        }

        final TopicFrameLog log = topics[cursor].log();
        final long published = log.publishedFrameCount();
        final long firstFrame = frames[cursor];
        if (firstFrame >= published)
        {
            return 0;
        }
        if (isSkipPending)
        {
            return startRun(log, cursor, log.position(firstFrame) + frameOffsets[cursor],
                log.position(firstFrame) + log.frameLength(firstFrame), maxLength);
        }
        if (published - firstFrame > log.maxLagFrames() ||
            log.publishedPosition() - log.position(firstFrame) > log.maxLagBytes())
        {
            return LAPPED;
        }

        final long start = log.position(firstFrame) + frameOffsets[cursor];
        long end = log.position(firstFrame) + log.frameLength(firstFrame);
        for (long frame = firstFrame + 1; frame < published && end - start < maxLength; frame++)
        {
            final long position = log.position(frame);
            final long eventId = log.eventId(frame);
            if (position != end || 0 == log.offset(position) || eventId >= otherNextId || eventId > watermark)
            {
                break;
            }
            end = position + log.frameLength(frame);
        }

        return startRun(log, cursor, start, end, maxLength);
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
     * @return unsent bytes, summed over the topics.
     */
    public long unsentBytes()
    {
        long unsent = 0;
        for (int i = 0; i < topics.length; i++)
        {
            final TopicFrameLog log = topics[i].log();
            if (null != log)
            {
                final long frame = frames[i];
                if (frame < log.publishedFrameCount())
                {
                    unsent += log.publishedPosition() - (log.position(frame) + frameOffsets[i]);
                }
            }
        }
        return unsent;
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
     * @return offset of the current run in {@link TopicFrameLog#data()}.
     */
    public int runOffset()
    {
        return runOffset;
    }

    /**
     * @return true if the writer had not reached the run's bytes when this was called; call after reading them.
     */
    public boolean isRunIntact()
    {
        return runLog.isIntact(runPosition, frames[runCursor]);
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
        final TopicFrameLog log = runLog;
        final int cursor = runCursor;
        long frame = frames[cursor];
        int frameOffset = frameOffsets[cursor];
        int remaining = length;
        int completed = 0;
        while (remaining > 0)
        {
            final int left = log.frameLength(frame) - frameOffset;
            if (remaining >= left)
            {
                remaining -= left;
                lastDeliveredEventId = log.eventId(frame);
                if (null != latencyHistogram)
                {
                    final long latencyNs = nowNs - log.ingestTimeNs(frame);
                    latencyHistogram.recordValue(Math.min(Math.max(latencyNs, 0), HIGHEST_TRACKABLE_LATENCY_NS));
                }
                frame++;
                frameOffset = 0;
                completed++;
            }
            else
            {
                frameOffset += remaining;
                remaining = 0;
            }
        }
        frames[cursor] = frame;
        frameOffsets[cursor] = frameOffset;
        activeCursor = frameOffset > 0 ? cursor : -1;
        runPosition += length;
        if (isSkipPending && activeCursor < 0)
        {
            isSkipPending = false;
            isSkipCompleted = true;
            skipToNewest();
        }
        return completed;
    }

    /**
     * Skip-policy recovery for a lapped consumer: move every cursor to its log's newest frame. At a frame boundary this
     * happens now; mid-frame the consumer is first let finish the frame it is in (its bytes are still intact: the
     * lag limit is half the log), and {@link #pollSkipCompleted()} reports when the skip took place.
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
        for (int i = 0; i < topics.length; i++)
        {
            final TopicFrameLog log = topics[i].log();
            if (null != log)
            {
                frames[i] = Math.max(frames[i], log.publishedFrameCount() - 1);
                frameOffsets[i] = 0;
            }
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
            return Long.MAX_VALUE;
        }
        final long frame = frames[cursor];
        if (frame >= log.publishedFrameCount())
        {
            return Long.MAX_VALUE;
        }
        final long eventId = log.eventId(frame);
        if (!log.isIntact(log.position(frame), frame))
        {
            return LAPPED;
        }
        if (eventId > watermark)
        {
            isHeldByWatermark = true;
            return Long.MAX_VALUE;
        }
        return eventId;
    }

    private void position(final long lastEventId)
    {
        final long historyFloor = sequencer.historyFloorEventId();
        final long watermark = sequencer.publishedEventId();
        if (lastEventId >= 0 && (lastEventId < historyFloor || lastEventId > watermark))
        {
            isResetRequired = true;
        }

        for (int i = 0; i < topics.length; i++)
        {
            final TopicFrameLog log = topics[i].log();
            if (null == log)
            {
                frames[i] = 0;
                continue;
            }

            while (true)
            {
                final long published = log.publishedFrameCount();
                if (lastEventId < 0 || lastEventId > watermark || 0 == published)
                {
                    frames[i] = published;
                    break;
                }
                final long oldest = log.oldestReplayableFrame(published);
                final long first = log.firstFrameAfter(oldest, published, lastEventId);
                final boolean evictedNewer = oldest > 0 && log.eventId(oldest - 1) > lastEventId;
                if (log.isIntact(published > oldest ? log.position(oldest) : log.publishedPosition(), oldest - 1))
                {
                    frames[i] = first;
                    isResetRequired |= evictedNewer;
                    break;
                }
            }
        }
        if (isResetRequired)
        {
            resetFromEventId = lastEventId;
        }
    }
}
