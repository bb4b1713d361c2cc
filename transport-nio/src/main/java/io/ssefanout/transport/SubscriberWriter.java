package io.ssefanout.transport;

import io.ssefanout.codec.SseFrameEncoder;
import io.ssefanout.engine.FrameRunHandler;
import io.ssefanout.engine.Subscription;
import io.ssefanout.engine.Topic;
import io.ssefanout.engine.LogReader;
import io.ssefanout.engine.MovedTopicJournal;
import io.ssefanout.engine.LogSegment;
import io.ssefanout.engine.TopicFrameLog;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The fan-out pass and every write of frames to a subscriber: for each topic that moved, each of its subscribers gets
 * the runs it is owed straight from the shared log memory (a close-delimited stream through a copy without chunk
 * framing); a subscriber that could take more goes to the backlog for the next duty cycle, and one that fell behind
 * the log meets the slow-consumer policy (cut, or skipped ahead with a reset event). Hot path: allocation-free.
 */
final class SubscriberWriter
{
    private static final int MAX_WRITES_PER_CONNECTION_PER_CYCLE = 8;
    private static final int SUBSCRIBERS_BETWEEN_REQUEST_POLLS = 32;

    private final TopicSubscriberIndex index;
    private final LogReader logReader;
    private final ThrottledStreams throttled;
    private final ConnectionTable table;
    private final HttpResponder responder;
    private final TransportCounters counters;
    private final CachedNanoClock clock;
    private final LatencyRecorder latency;
    private final int slowConsumerUnsentMax;
    private final int writeMaxLength;
    private Connection[] backlog = new Connection[16];
    private Connection[] spareBacklog = new Connection[16];
    private int backlogCount;
    private int subscribersSinceRequestPoll;
    /** Where a close-delimited stream's runs are copied without chunk framing; allocated for the first one. */
    private ByteBuffer plainRunByteBuffer;
    private UnsafeBuffer plainRunBuffer;
    private final GatheredWrite gather;
    private final FrameRunHandler gatherHandler = this::gatherRun;
    private final FrameRunHandler plainRunHandler = this::onPlainRun;
    private final MovedTopicMarker marker;
    /** The close-delimited connection {@link #plainRunHandler} writes to, set around its {@link Subscription#poll}. */
    private Connection writingConnection;
    /** The last write took less than offered (the rest is pending on the connection). */
    private boolean isShortWrite;
    /** The last write's subscription completed a skip the client may need to be told of. */
    private boolean isSkipCompleted;

    SubscriberWriter(
        final FanoutServer.Context ctx,
        final TopicSubscriberIndex index,
        final ConnectionTable table,
        final HttpResponder responder,
        final TransportCounters counters,
        final CachedNanoClock clock,
        final LatencyRecorder latency,
        final LogReader logReader,
        final ThrottledStreams throttled,
        final MovedTopicJournal journal)
    {
        this.logReader = logReader;
        this.marker = new MovedTopicMarker(journal, index);
        this.throttled = throttled;
        this.index = index;
        this.table = table;
        this.responder = responder;
        this.counters = counters;
        this.clock = clock;
        this.latency = latency;
        this.slowConsumerUnsentMax = ctx.streams().slowConsumerUnsentMax();
        this.writeMaxLength = ctx.writeMaxLength();
        this.gather = new GatheredWrite(writeMaxLength);
    }

    /**
     * @return subscribers waiting to be written again in the next duty cycle.
     */
    int backlogCount()
    {
        return backlogCount;
    }

    /**
     * One fan-out pass. First every subscriber of every topic that moved has that topic marked in its subscription,
     * and the merge is capped at the watermark taken before marking (so a frame of a topic not yet marked is never
     * overtaken); then the moved topics' subscribers are written. A subscription merges only its marked topics, so a
     * watchlist's cost follows the topics that moved. Hot path.
     *
     * @param requestPoller reads requests between subscribers, so publishers are not held up by a long pass.
     * @param watermark     the sequencer's watermark, read before the pass (and before new topics were taken in).
     * @return topics that moved.
     */
    int fanOut(final Runnable requestPoller, final long watermark)
    {
        // the watermark was read before this: every topic with a frame at or below it is found
        final int movedCount = marker.markMoved();
        logReader.watermarkCap(watermark);
        for (int m = 0; m < movedCount; m++)
        {
            final TopicSubscribers subscribers = marker.moved(m);
            for (int j = subscribers.count - 1; j >= 0; j--)
            {
                if (j >= subscribers.count)
                {
                    continue;
                }
                final Connection connection = subscribers.connections[j];
                if (connection.isWriteBlocked)
                {
                    // the socket is full: only here does lag count against it (a resumed subscriber catching up
                    // from the oldest retained event is far behind by design, and is fine while it keeps reading)
                    final int run = connection.subscription.nextRun(1);
                    if (Subscription.RESET == run)
                    {
                        queueReset(connection);
                    }
                    else if (Subscription.TORN == run)
                    {
                        counters.lappedDisconnects.increment();
                        table.close(connection, "slow-consumer");
                    }
                    else if (Subscription.LAPPED == run || connection.subscription.isBeyondLagLimit() ||
                        (slowConsumerUnsentMax > 0 && connection.subscription.unsentBytes() > slowConsumerUnsentMax) ||
                        (SlowConsumerPolicy.CONFLATE == connection.slowConsumerPolicy && run > 0))
                    {
                        // under conflation a full socket is enough: whatever waits behind it is replaced by the
                        // newest value of each topic that moved
                        onLapped(connection);
                    }
                }
                else
                {
                    writeSubscriber(connection);
                    if (++subscribersSinceRequestPoll >= SUBSCRIBERS_BETWEEN_REQUEST_POLLS)
                    {
                        subscribersSinceRequestPoll = 0;
                        requestPoller.run();
                    }
                }
            }
        }
        return movedCount;
    }

    /**
     * @return true if topics may have moved since the last pass, so the agent must not sleep.
     */
    boolean hasMovedTopics()
    {
        return marker.hasMovedTopics();
    }

    int writeBacklog()
    {
        final int count = backlogCount;
        if (0 == count)
        {
            return 0;
        }
        final Connection[] pending = backlog;
        if (spareBacklog.length < pending.length)
        {
            spareBacklog = new Connection[pending.length];
        }
        backlog = spareBacklog;
        spareBacklog = pending;
        backlogCount = 0;
        for (int i = 0; i < count; i++)
        {
            final Connection connection = pending[i];
            pending[i] = null;
            connection.isInBacklog = false;
            if (ConnectionState.STREAMING == connection.state && !connection.isWriteBlocked)
            {
                writeSubscriber(connection);
            }
        }
        return count;
    }

    /**
     * A stream whose maxRate holds a topic back is written again when that topic may send.
     */
    private void scheduleIfThrottled(final Connection connection)
    {
        final long releaseNs = connection.subscription.throttledUntilNs();
        if (Long.MAX_VALUE != releaseNs)
        {
            throttled.schedule(connection, releaseNs);
        }
    }

    void addToBacklog(final Connection connection)
    {
        if (!connection.isInBacklog)
        {
            connection.isInBacklog = true;
            if (backlogCount == backlog.length)
            {
                backlog = Arrays.copyOf(backlog, backlogCount * 2);
            }
            backlog[backlogCount++] = connection;
        }
    }

    /**
     * Write a subscriber what it is owed: its pending control bytes first, then the runs of frames from the logs that
     * {@link Subscription#poll} hands out, gathered into one syscall per write. Hot path.
     */
    void writeSubscriber(final Connection connection)
    {
        final Subscription subscription = connection.subscription;
        // a reclamation epoch per subscriber write: the segments this write sends from stay intact until exit, and
        // the sequencer can reuse retired ones as soon as the write is done (not a whole duty cycle later)
        logReader.enter();
        try
        {
            for (int writes = 0; writes < MAX_WRITES_PER_CONNECTION_PER_CYCLE; writes++)
            {
                if (connection.hasPendingOut() && !responder.flushPendingOut(connection))
                {
                    return;
                }
                final int result = null == connection.chunkFramingStripper ?
                    gatherAndWrite(connection) : writePlainRun(connection);
                final boolean isShort = isShortWrite;
                if (isShort && !connection.isWriteBlocked)
                {
                    counters.pendingShortWrites++;
                    connection.awaitWritable();
                }
                if (isSkipCompleted)
                {
                    // after the write: a reset that says so must follow the frames sent before the skip
                    onSkipCompleted(connection);
                }
                switch (result)
                {
                    case Subscription.POLL_IDLE:
                        scheduleIfThrottled(connection);
                        return;
                    case Subscription.POLL_HELD:
                        addToBacklog(connection);
                        scheduleIfThrottled(connection);
                        return;
                    case Subscription.POLL_LAPPED:
                        onLapped(connection);
                        return;
                    case Subscription.POLL_RESET:
                        queueReset(connection);
                        continue;
                    case Subscription.POLL_TORN:
                        counters.lappedDisconnects.increment();
                        table.close(connection, "slow-consumer");
                        return;
                    case Subscription.POLL_FAILED:
                        table.close(connection, "io-error");
                        return;
                    default:
                        break;
                }
                if (isShort)
                {
                    return;
                }
            }
            addToBacklog(connection);
        }
        catch (final IOException ex)
        {
            table.close(connection, "io-error");
        }
        finally
        {
            logReader.exit();
        }
    }

    /**
     * Gather runs until the subscription has no more to give now or the write is full, then write them in one
     * syscall; what the socket does not take is copied to the connection's pending bytes, since the subscription has
     * moved past it. A skip that completes ends the gathering, so the caller can tell the client before more goes.
     *
     * @return the last {@link Subscription#poll} result, {@link Subscription#POLL_SENT} if it sent and there may be
     *         more; sets {@link #isShortWrite} and {@link #isSkipCompleted}.
     */
    private int gatherAndWrite(final Connection connection) throws IOException
    {
        final Subscription subscription = connection.subscription;
        final GatheredWrite gather = this.gather;
        gather.clear();
        isShortWrite = false;
        isSkipCompleted = false;
        final long nowNs = clock.nanoTime();
        int result;
        do
        {
            result = subscription.poll(gatherHandler, gather.remainingLength(), nowNs, latency.active());
            if (Subscription.POLL_SENT == result)
            {
                onDelivered(connection, subscription.lastPollDeliveries());
                isSkipCompleted = subscription.pollSkipCompleted();
            }
        }
        while (Subscription.POLL_SENT == result && gather.remainingLength() > 0 && !isSkipCompleted);

        final int length = gather.length();
        if (length > 0)
        {
            final int written = gather.writeTo(connection);
            onBytesWritten(connection, written);
            if (written < length)
            {
                gather.appendUnsent(connection, written);
                isShortWrite = true;
            }
        }
        return result;
    }

    /**
     * A close-delimited stream: one run at a time, copied without its chunk framing.
     */
    private int writePlainRun(final Connection connection)
    {
        final Subscription subscription = connection.subscription;
        writingConnection = connection;
        isSkipCompleted = false;
        final int result = subscription.poll(plainRunHandler, writeMaxLength, clock.nanoTime(), latency.active());
        writingConnection = null;
        if (Subscription.POLL_SENT == result || Subscription.POLL_PARTIAL == result)
        {
            onDelivered(connection, subscription.lastPollDeliveries());
            isSkipCompleted = subscription.pollSkipCompleted();
        }
        isShortWrite = Subscription.POLL_PARTIAL == result || connection.hasPendingOut();
        return result;
    }

    private void onDelivered(final Connection connection, final int delivered)
    {
        counters.pendingDeliveries += delivered;
        connection.eventsSent += delivered;
    }

    /**
     * {@link FrameRunHandler} for gathering: takes the whole run into {@link #gather}.
     */
    private int gatherRun(final Topic topic, final LogSegment segment, final int offset, final int length)
    {
        gather.add(segment, offset, length);
        return length;
    }

    /**
     * {@link FrameRunHandler} for {@link #writingConnection}, a close-delimited stream.
     *
     * @return bytes of the run consumed, or {@link Subscription#RUN_FAILED}.
     */
    private int onPlainRun(final Topic topic, final LogSegment segment, final int offset, final int length)
    {
        try
        {
            return sendPlainRun(writingConnection, segment, offset, length);
        }
        catch (final IOException ex)
        {
            return Subscription.RUN_FAILED;
        }
    }

    /**
     * A close-delimited stream: copy the run without its chunk framing (the segment is intact for this whole duty
     * cycle) and take the whole run; what the socket does not take waits in the connection's pending bytes.
     */
    private int sendPlainRun(final Connection connection, final LogSegment segment, final int offset, final int length)
        throws IOException
    {
        if (null == plainRunByteBuffer || plainRunByteBuffer.capacity() < length)
        {
            plainRunByteBuffer = ByteBuffer.allocateDirect(Math.max(length, writeMaxLength));
            plainRunBuffer = new UnsafeBuffer(plainRunByteBuffer);
        }
        final int plainLength = connection.chunkFramingStripper.strip(segment.buffer(), offset, length, plainRunBuffer, 0);
        final ByteBuffer plain = plainRunByteBuffer.limit(plainLength).position(0);
        onBytesWritten(connection, connection.channel.write(plain));
        if (plain.hasRemaining())
        {
            connection.appendPendingOut(plain);
        }
        return length;
    }

    private void onBytesWritten(final Connection connection, final int bytesWritten)
    {
        counters.pendingWrites++;
        if (bytesWritten > 0)
        {
            counters.pendingBytes += bytesWritten;
            connection.bytesSent += bytesWritten;
            connection.lastWriteNs = clock.nanoTime();
        }
    }

    void onLapped(final Connection connection)
    {
        final SlowConsumerPolicy policy = connection.slowConsumerPolicy;
        if (SlowConsumerPolicy.DISCONNECT == policy)
        {
            counters.lappedDisconnects.increment();
            table.close(connection, "slow-consumer");
            return;
        }
        final boolean isSkipped = connection.subscription.requestSkip();
        if (SlowConsumerPolicy.SKIP == policy)
        {
            counters.lappedSkips.increment();
        }
        if (isSkipped)
        {
            onSkipCompleted(connection);
        }
        if (!connection.isWriteBlocked)
        {
            addToBacklog(connection);
        }
    }

    /**
     * The subscription moved to each topic's newest frame: under skip the client is told (reset); under conflate the
     * intermediate frames are simply gone, and counted.
     */
    private void onSkipCompleted(final Connection connection)
    {
        final long skipped = connection.subscription.takeSkippedFrames();
        if (SlowConsumerPolicy.CONFLATE == connection.slowConsumerPolicy)
        {
            connection.conflatedFrames += skipped;
            counters.conflatedFrames.getAndAdd(skipped);
        }
        else
        {
            queueReset(connection);
        }
    }

    /**
     * Tell the client it missed events after the last one it got; once per gap: a second skip before anything new
     * was delivered says nothing new.
     */
    void queueReset(final Connection connection)
    {
        final long lastDeliveredEventId = connection.subscription.lastDeliveredEventId();
        if (connection.lastResetEventId == lastDeliveredEventId)
        {
            return;
        }
        connection.lastResetEventId = lastDeliveredEventId;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final int length = SseFrameEncoder.encodeControlEvent(
            buffer, 0, connection.isChunkedBody, "reset", "{\"lastEventId\":" + lastDeliveredEventId + "}");
        connection.appendPendingOut(ByteBuffer.wrap(buffer.byteArray(), 0, length));
        counters.resetsSent.increment();
    }
}
