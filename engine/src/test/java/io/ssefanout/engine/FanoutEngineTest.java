package io.ssefanout.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.ssefanout.engine.EngineTests.awaitSequenced;
import static io.ssefanout.engine.EngineTests.consumeAll;
import static io.ssefanout.engine.EngineTests.publish;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class FanoutEngineTest
{
    @TempDir
    Path dir;

    @Test
    void shouldEncodeEachEventOnceAndLetInProcessSubscriberReadFrames()
    {
        try (FanoutEngine engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir).chunked(false)))
        {
            final Topic topic = engine.topic("t");
            final Subscription subscription = engine.subscribe(new Topic[]{ topic }, -1);
            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++)
            {
                ids.add(publish(engine, topic, "event " + i));
            }
            awaitSequenced(engine, ids.get(9));

            final StringBuilder received = new StringBuilder();
            int frames = 0;
            int length;
            while ((length = subscription.nextRun(1 << 20)) > 0)
            {
                final UnsafeBuffer data = subscription.runSegment().buffer();
                received.append(data.getStringWithoutLengthUtf8(subscription.runOffset(), length));
                frames += subscription.onRunConsumed(length, System.nanoTime(), null);
            }
            assertThat(frames).isEqualTo(10);
            assertThat(received.toString()).startsWith("id: " + ids.get(0) + "\ndata: event 0\n\n")
                .endsWith("id: " + ids.get(9) + "\ndata: event 9\n\n");
            assertThat(subscription.lastDeliveredEventId()).isEqualTo(ids.get(9));
            assertThat(engine.counters().get(EngineCounterDescriptor.FRAMES_APPENDED).get()).isEqualTo(10);
        }
    }

    @Test
    void shouldRefuseWhenRingIsFullAndAfterStop()
    {
        try (FanoutEngine engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir).ringSize(4)))
        {
            final Topic topic = engine.topic("t");
            final UnsafeBuffer tooBig = new UnsafeBuffer(new byte[engine.context().payloadMaxLength() + 1]);
            assertThat(engine.tryPublish(topic, null, 0, 0, tooBig, 0, tooBig.capacity())).isEqualTo(FanoutEngine.INVALID);
            final UnsafeBuffer badType = new UnsafeBuffer("a\nb".getBytes(StandardCharsets.US_ASCII));
            assertThat(engine.tryPublish(topic, badType, 0, 3, tooBig, 0, 1)).isEqualTo(FanoutEngine.INVALID);
            assertThat(engine.publish("t", "ok", null)).isTrue();
            assertThat(engine.stopIngest(TimeUnit.SECONDS.toNanos(5))).isTrue();
            assertThat(engine.publish("t", "late", null)).isFalse();
        }
    }

    @Test
    void shouldKeepIdsIncreasingAcrossRestartsAndKnowTheHistoryFloor()
    {
        final long lastIdOfFirstRun;
        try (FanoutEngine engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir)))
        {
            final Topic topic = engine.topic("t");
            publish(engine, topic, "a");
            lastIdOfFirstRun = publish(engine, topic, "b");
        }
        final EventIdSequence clockBehind = new EventIdSequence(dir, 0);
        assertThat(clockBehind.base()).isGreaterThan(lastIdOfFirstRun);
        assertThat(clockBehind.historyFloorEventId()).isEqualTo(lastIdOfFirstRun);

        // no clean shutdown recorded: the next run starts above the whole reservation
        final EventIdSequence afterCrash = new EventIdSequence(dir, 0);
        assertThat(afterCrash.base()).isGreaterThanOrEqualTo(clockBehind.base() + EventIdSequence.RESERVATION_BLOCK);
        assertThat(afterCrash.historyFloorEventId()).isGreaterThanOrEqualTo(clockBehind.base());
    }

    @Test
    void shouldSkipALappedSubscriptionToTheNewestFrameThatFrameIncluded()
    {
        try (FanoutEngine engine = FanoutEngine.launch(lagWindowOf32Frames()))
        {
            final Topic topic = engine.topic("t");
            final Subscription subscription = engine.subscribe(new Topic[]{ topic }, -1);
            final long first = publish(engine, topic, "first");
            awaitSequenced(engine, first);
            consumeAll(subscription);
            long newest = -1;
            for (int i = 0; i < 40; i++)
            {
                newest = publish(engine, topic, "x".repeat(100) + i);
            }
            awaitSequenced(engine, newest);

            assertThat(subscription.nextRun(1 << 20)).isEqualTo(Subscription.LAPPED);
            assertThat(subscription.requestSkip()).as("at a frame boundary the skip is immediate").isTrue();
            assertThat(consumeAll(subscription)).isEqualTo(1);
            assertThat(subscription.lastDeliveredEventId()).isEqualTo(newest);

            final long next = publish(engine, topic, "after the skip");
            awaitSequenced(engine, next);
            assertThat(consumeAll(subscription)).isEqualTo(1);
            assertThat(subscription.lastDeliveredEventId()).isEqualTo(next);
        }
    }

    @Test
    void shouldFinishTheFrameInFlightBeforeASkipRequestedMidFrame()
    {
        try (FanoutEngine engine = FanoutEngine.launch(lagWindowOf32Frames()))
        {
            final Topic topic = engine.topic("t");
            final Subscription subscription = engine.subscribe(new Topic[]{ topic }, -1);
            final long first = publish(engine, topic, "first frame, written in two parts");
            awaitSequenced(engine, first);
            final int frameLength = subscription.nextRun(1 << 20);
            assertThat(subscription.onRunConsumed(10, System.nanoTime(), null)).isZero();
            assertThat(subscription.isMidFrame()).isTrue();
            long newest = -1;
            for (int i = 0; i < 20; i++)
            {
                newest = publish(engine, topic, "x".repeat(100) + i);
            }
            awaitSequenced(engine, newest);

            assertThat(subscription.requestSkip()).as("mid-frame the skip waits").isFalse();
            assertThat(subscription.nextRun(1 << 20)).as("the rest of the frame in flight").isEqualTo(frameLength - 10);
            assertThat(subscription.onRunConsumed(frameLength - 10, System.nanoTime(), null)).isEqualTo(1);
            assertThat(subscription.lastDeliveredEventId()).isEqualTo(first);
            assertThat(subscription.pollSkipCompleted()).isTrue();
            assertThat(subscription.pollSkipCompleted()).as("reported once").isFalse();
            assertThat(consumeAll(subscription)).isEqualTo(1);
            assertThat(subscription.lastDeliveredEventId()).isEqualTo(newest);
        }
    }

    @Test
    void shouldMoveAFreshSubscriptionPastDroppedEventsAndSayResetRatherThanLapped()
    {
        try (FanoutEngine engine = FanoutEngine.launch(lagWindowOf32Frames()))
        {
            final Topic topic = engine.topic("t");
            final long resumePoint = publish(engine, topic, "zero");
            awaitSequenced(engine, publish(engine, topic, "first"));
            final Subscription resumed = engine.subscribe(new Topic[]{ topic }, resumePoint);
            assertThat(resumed.isResetRequired()).as("the resume point is still in the history").isFalse();
            long newest = -1;
            for (int i = 0; i < 40; i++)
            {
                newest = publish(engine, topic, "event " + i);
            }
            awaitSequenced(engine, newest);

            assertThat(resumed.nextRun(1 << 20)).as("nothing delivered yet: moved on, not cut")
                .isEqualTo(Subscription.RESET);
            assertThat(resumed.isResetRequired()).isTrue();
            assertThat(resumed.lastDeliveredEventId()).as("what the reset tells the client").isEqualTo(resumePoint);
            final int delivered = consumeAll(resumed);
            assertThat(delivered).isBetween(28, 32);
            assertThat(resumed.lastDeliveredEventId()).isEqualTo(newest);

            for (int i = 0; i < 40; i++)
            {
                newest = publish(engine, topic, "later " + i);
            }
            awaitSequenced(engine, newest);
            assertThat(resumed.nextRun(1 << 20)).as("once it delivered, falling behind is lapping")
                .isEqualTo(Subscription.LAPPED);
        }
    }

    @Test
    void shouldSayTornWhenTheFrameInFlightLeftTheHistory()
    {
        try (FanoutEngine engine = FanoutEngine.launch(lagWindowOf32Frames()))
        {
            final Topic topic = engine.topic("t");
            final Subscription subscription = engine.subscribe(new Topic[]{ topic }, -1);
            final long first = publish(engine, topic, "first frame, only part of it sent");
            awaitSequenced(engine, first);
            subscription.nextRun(1 << 20);
            subscription.onRunConsumed(10, System.nanoTime(), null);
            long newest = -1;
            for (int i = 0; i < 40; i++)
            {
                newest = publish(engine, topic, "x".repeat(100) + i);
            }
            awaitSequenced(engine, newest);

            assertThat(subscription.requestSkip()).isFalse();
            assertThat(subscription.nextRun(1 << 20)).as("the rest is gone: the stream cannot be finished")
                .isEqualTo(Subscription.TORN);
        }
    }

    private FanoutEngine.Context lagWindowOf32Frames()
    {
        return new FanoutEngine.Context().dir(dir).chunked(false).payloadMaxLength(1024).historyBytes(32 * 1024).historyEvents(32);
    }

    @Test
    void shouldPollRunsThroughAHandlerAndSayWhatHappened()
    {
        try (FanoutEngine engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir).chunked(false)))
        {
            final Topic topic = engine.topic("t");
            final Subscription subscription = engine.subscribe(new Topic[]{ topic }, -1);
            final StringBuilder received = new StringBuilder();
            final int[] budget = { 0 };
            final FrameRunHandler handler = (runTopic, log, offset, length) ->
            {
                assertThat(runTopic).isSameAs(topic);
                final int sent = Math.min(length, budget[0]);
                received.append(log.buffer().getStringWithoutLengthUtf8(offset, sent));
                return sent;
            };
            assertThat(subscription.poll(handler, 1 << 20, System.nanoTime(), null)).isEqualTo(Subscription.POLL_IDLE);

            final long first = publish(engine, topic, "one");
            final long second = publish(engine, topic, "two");
            awaitSequenced(engine, second);
            budget[0] = 5;
            assertThat(subscription.poll(handler, 1 << 20, System.nanoTime(), null)).isEqualTo(Subscription.POLL_PARTIAL);
            assertThat(subscription.lastPollDeliveries()).isZero();
            assertThat(subscription.isMidFrame()).isTrue();
            budget[0] = Integer.MAX_VALUE;
            assertThat(subscription.poll(handler, 1 << 20, System.nanoTime(), null)).isEqualTo(Subscription.POLL_SENT);
            assertThat(subscription.lastPollDeliveries()).isEqualTo(2);
            assertThat(received.toString()).isEqualTo(
                "id: " + first + "\ndata: one\n\nid: " + second + "\ndata: two\n\n");
            assertThat(subscription.lastDeliveredEventId()).isEqualTo(second);

            publish(engine, topic, "three");
            awaitSequenced(engine, second + 1);
            assertThat(subscription.poll((t, log, offset, length) -> Subscription.RUN_FAILED, 1 << 20, 0, null))
                .as("a failed send moves nothing").isEqualTo(Subscription.POLL_FAILED);
            assertThat(subscription.lastDeliveredEventId()).isEqualTo(second);
            assertThat(subscription.poll(handler, 1 << 20, System.nanoTime(), null)).isEqualTo(Subscription.POLL_SENT);
            assertThat(received.toString()).endsWith("data: three\n\n");
        }
    }

    @Test
    void shouldPublishABatchAllOrNothingWithConsecutiveIdsInOrder()
    {
        try (FanoutEngine engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir).chunked(false).ringSize(8)))
        {
            final Topic a = engine.topic("a");
            final Topic b = engine.topic("b");
            final Subscription both = engine.subscribe(new Topic[]{ a, b }, -1);
            final long first = engine.publishBatch(
                new String[]{ "a", "b", "a" }, new String[]{ "1", "2", "3" }, new String[]{ null, "tick", null });
            assertThat(first).isPositive();
            awaitSequenced(engine, first + 2);
            final StringBuilder received = new StringBuilder();
            int length;
            while ((length = both.nextRun(1 << 20)) > 0)
            {
                received.append(both.runSegment().buffer().getStringWithoutLengthUtf8(both.runOffset(), length));
                both.onRunConsumed(length, System.nanoTime(), null);
            }
            assertThat(received.toString()).isEqualTo(
                "id: " + first + "\ndata: 1\n\n" +
                "id: " + (first + 1) + "\nevent: tick\ndata: 2\n\n" +
                "id: " + (first + 2) + "\ndata: 3\n\n");

            final String[] nine = new String[9];
            java.util.Arrays.fill(nine, "a");
            assertThat(engine.publishBatch(nine, nine, null)).as("larger than the ring").isEqualTo(FanoutEngine.INVALID);
            final String[] tooBig = { "x", "a".repeat(engine.context().payloadMaxLength() + 1) };
            assertThat(engine.publishBatch(new String[]{ "a", "a" }, tooBig, null)).isEqualTo(FanoutEngine.INVALID);
            assertThat(engine.publishBatch(new String[]{ "a", "a" }, new String[]{ "x", "y" }, new String[]{ "ok", "b\nad" }))
                .isEqualTo(FanoutEngine.INVALID);
            assertThat(engine.counters().get(EngineCounterDescriptor.EVENTS_PUBLISHED).get()).as("nothing of a refused batch")
                .isEqualTo(3);
        }
    }

    @Test
    void shouldRefuseABatchTheRingCannotTakeWhole() throws InterruptedException
    {
        try (FanoutEngine engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir).ringSize(4)))
        {
            final Topic topic = engine.topic("t");
            final java.util.concurrent.CountDownLatch entered = new java.util.concurrent.CountDownLatch(1);
            final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
            final Runnable stall = () ->
            {
                entered.countDown();
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            };
            engine.sequencer().addWakeListener(stall);
            publish(engine, topic, "held");
            assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();
            engine.sequencer().removeWakeListener(stall);

            // the sequencer holds its slot: three of the ring's four are free
            final UnsafeBuffer data = new UnsafeBuffer("abcd".getBytes(StandardCharsets.US_ASCII));
            final PublishBatch batch = new PublishBatch(4).clear(data);
            for (int i = 0; i < 4; i++)
            {
                batch.add(topic, 0, 0, i, 1);
            }
            assertThat(engine.tryPublish(batch)).isEqualTo(FanoutEngine.RING_FULL);
            assertThat(engine.counters().get(EngineCounterDescriptor.EVENTS_PUBLISHED).get()).isEqualTo(1);
            batch.clear(data).add(topic, 0, 0, 0, 1);
            batch.add(topic, 0, 0, 1, 1);
            batch.add(topic, 0, 0, 2, 1);
            final long first = engine.tryPublish(batch);
            assertThat(first).isPositive();
            release.countDown();
            awaitSequenced(engine, first + 2);
            assertThat(engine.counters().get(EngineCounterDescriptor.EVENTS_PUBLISHED).get()).isEqualTo(4);
        }
    }

    @Test
    void shouldOpenASnapshotWithTheKeptValueOfATopicWhoseHistoryWasEvicted()
    {
        final FanoutEngine.Context ctx = new FanoutEngine.Context().dir(dir).chunked(false)
            .logSegmentLength(4096).logMemoryMax(16 * 4096).payloadMaxLength(1024);
        try (FanoutEngine engine = FanoutEngine.launch(ctx))
        {
            final long[] ids = new long[1000];
            for (int i = 0; i < ids.length; i++)
            {
                ids[i] = publish(engine, engine.topic("sym." + i), "value of " + i);
            }
            awaitSequenced(engine, ids[ids.length - 1]);
            final Topic evicted = engine.topic("sym.3");
            final Topic retained = engine.topic("sym.999");
            assertThat(evicted.log().firstRetainedFrame()).as("sym.3's history was evicted")
                .isEqualTo(evicted.log().publishedFrameCount());

            final Subscription snapshot = engine.subscribe(new Topic[]{ retained, evicted }, -1, true);
            final List<String> received = new ArrayList<>();
            final FrameRunHandler handler = (topic, segment, offset, length) ->
            {
                received.add(segment.buffer().getStringWithoutLengthUtf8(offset, length));
                return length;
            };
            while (Subscription.POLL_SENT == snapshot.poll(handler, 1 << 20, System.nanoTime(), null))
            {
                assertThat(received.size()).isLessThanOrEqualTo(2);
            }
            assertThat(received).as("the evicted topic's kept value first (older id), then the other's").containsExactly(
                "id: " + ids[3] + "\ndata: value of 3\n\n", "id: " + ids[999] + "\ndata: value of 999\n\n");

            final long live = publish(engine, evicted, "live");
            awaitSequenced(engine, live);
            received.clear();
            assertThat(snapshot.poll(handler, 1 << 20, System.nanoTime(), null)).isEqualTo(Subscription.POLL_SENT);
            assertThat(received).containsExactly("id: " + live + "\ndata: live\n\n");
        }
    }

    @Test
    void shouldPublishTo100000NewTopicsInASmallPoolEvictingHistoryAndRefusingNothing()
    {
        final FanoutEngine.Context ctx = new FanoutEngine.Context().dir(dir).chunked(false).ringSize(1024)
            .logSegmentLength(4096).logMemoryMax(256 * 4096).payloadMaxLength(1024).topicsMax(200_000);
        try (FanoutEngine engine = FanoutEngine.launch(ctx))
        {
            final int topics = 100_000;
            final byte[] payload = "x".repeat(128).getBytes(StandardCharsets.UTF_8);
            final UnsafeBuffer buffer = new UnsafeBuffer(payload);
            final long[] ids = new long[topics];
            for (int i = 0; i < topics; i++)
            {
                final Topic topic = engine.topic("sym." + i);
                long id;
                while ((id = engine.tryPublish(topic, null, 0, 0, buffer, 0, payload.length)) == FanoutEngine.RING_FULL)
                {
                    Thread.yield();
                }
                assertThat(id).as("publish %d", i).isGreaterThanOrEqualTo(0);
                ids[i] = id;
            }
            awaitSequenced(engine, ids[topics - 1]);
            assertThat(engine.logMemoryUsed() - engine.logMemoryOfKeptValues()).as("segments within the pool")
                .isLessThanOrEqualTo(256L * 4096);
            assertThat(engine.logMemoryOfKeptValues()).as("each evicted topic keeps its newest frame, about 150 bytes")
                .isBetween(90_000L * 140, 100_000L * 170);
            assertThat(engine.counters().get(EngineCounterDescriptor.LOG_SEGMENTS_EVICTED).get()).isGreaterThan(90_000);
            assertThat(engine.counters().get(EngineCounterDescriptor.TOPICS).get()).isEqualTo(topics);

            // the newest topics still have their history: a subscriber resuming just before one gets it
            final Topic newest = engine.topic("sym." + (topics - 1));
            final Subscription resumed = engine.subscribe(new Topic[]{ newest }, ids[topics - 1] - 1);
            assertThat(resumed.isResetRequired()).isFalse();
            assertThat(consumeAll(resumed)).isEqualTo(1);
            assertThat(resumed.lastDeliveredEventId()).isEqualTo(ids[topics - 1]);
            // an evicted topic: a resume into its history is told it missed events
            final Subscription evicted = engine.subscribe(new Topic[]{ engine.topic("sym.0") }, ids[0] - 1);
            assertThat(evicted.isResetRequired()).isTrue();
            assertThat(consumeAll(evicted)).isZero();
        }
    }
}
