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
                final UnsafeBuffer data = subscription.runLog().data();
                received.append(data.getStringWithoutLengthUtf8(subscription.runOffset(), length));
                assertThat(subscription.isRunIntact()).isTrue();
                frames += subscription.onRunConsumed(length, System.nanoTime(), null);
            }
            assertThat(frames).isEqualTo(10);
            assertThat(received.toString()).startsWith("id: " + ids.get(0) + "\ndata: event 0\n\n")
                .endsWith("id: " + ids.get(9) + "\ndata: event 9\n\n");
            assertThat(subscription.lastDeliveredEventId()).isEqualTo(ids.get(9));
            assertThat(engine.counters().get(CounterDescriptor.FRAMES_APPENDED).get()).isEqualTo(10);
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
            for (int i = 0; i < 40; i++)
            {
                newest = publish(engine, topic, "x".repeat(100) + i);
            }
            awaitSequenced(engine, newest);

            assertThat(subscription.requestSkip()).as("mid-frame the skip waits").isFalse();
            assertThat(subscription.nextRun(1 << 20)).as("the rest of the frame in flight").isEqualTo(frameLength - 10);
            assertThat(subscription.isRunIntact()).isTrue();
            assertThat(subscription.onRunConsumed(frameLength - 10, System.nanoTime(), null)).isEqualTo(1);
            assertThat(subscription.lastDeliveredEventId()).isEqualTo(first);
            assertThat(subscription.pollSkipCompleted()).isTrue();
            assertThat(subscription.pollSkipCompleted()).as("reported once").isFalse();
            assertThat(consumeAll(subscription)).isEqualTo(1);
            assertThat(subscription.lastDeliveredEventId()).isEqualTo(newest);
        }
    }

    private FanoutEngine.Context lagWindowOf32Frames()
    {
        return new FanoutEngine.Context().dir(dir).chunked(false).payloadMaxLength(1024).logCapacity(64 * 1024).logIndexCapacity(64);
    }

    private static int consumeAll(final Subscription subscription)
    {
        int frames = 0;
        int length;
        while ((length = subscription.nextRun(1 << 20)) > 0)
        {
            assertThat(subscription.isRunIntact()).isTrue();
            frames += subscription.onRunConsumed(length, System.nanoTime(), null);
        }
        assertThat(length).isZero();
        return frames;
    }

    private static long publish(final FanoutEngine engine, final Topic topic, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final long id = engine.tryPublish(topic, null, 0, 0, new UnsafeBuffer(bytes), 0, bytes.length);
        assertThat(id).isGreaterThanOrEqualTo(0);
        return id;
    }

    private static void awaitSequenced(final FanoutEngine engine, final long id)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (engine.sequencer().publishedEventId() < id)
        {
            assertThat(System.nanoTime()).isLessThan(deadlineNs);
            Thread.yield();
        }
    }
}
