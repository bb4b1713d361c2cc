package io.ssefanout.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static io.ssefanout.engine.EngineTests.awaitSequenced;
import static io.ssefanout.engine.EngineTests.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A stream over thousands of topics is merged in id order however it is read: runs cut short by the socket, new
 * events arriving between reads, a snapshot of every topic's current value first. (The merge keeps the smallest ids
 * a scan saw so as not to scan every topic per run; these are the cases that could put an id out of order.)
 */
class MergeInIdOrderTest
{
    private static final int TOPICS = 3000;

    @TempDir
    Path dir;

    @Test
    void shouldDeliverEveryEventInIdOrderThroughShortWritesWhilePublishingGoesOn()
    {
        try (FanoutEngine engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir)))
        {
            final Topic[] topics = topics(engine);
            final Subscription subscription = engine.subscribe(topics, -1);
            final Random random = new Random(42);
            long published = 0;
            long delivered = 0;
            long lastId = -1;
            for (int phase = 0; phase < 6; phase++)
            {
                long newest = -1;
                for (int i = 0; i < 4000; i++)
                {
                    // a few hot topics and a long tail, as market data
                    final int topic = random.nextInt(10) < 6 ? random.nextInt(20) : random.nextInt(TOPICS);
                    newest = publish(engine, topics[topic], "p" + phase + "e" + i);
                    published++;
                    if (0 == i % 500)
                    {
                        awaitSequenced(engine, newest);
                    }
                }
                awaitSequenced(engine, newest);
                // read part of it in short pieces, then publish more before the rest is read
                final long stopAt = published - (phase < 5 ? 1500 : 0);
                long owed = stopAt;
                while (delivered < owed)
                {
                    if (0 == random.nextInt(8))
                    {
                        // a new event between two reads: it may not overtake one published before it
                        awaitSequenced(engine, publish(engine, topics[random.nextInt(TOPICS)], "between"));
                        published++;
                        owed++;
                    }
                    final int length = subscription.nextRun(64 + random.nextInt(512));
                    assertThat(length).as("delivered %d of %d", delivered, owed).isPositive();
                    final int sent = random.nextInt(4) == 0 ? 1 + random.nextInt(length) : length;
                    final int frames = subscription.onRunConsumed(sent, System.nanoTime(), null);
                    if (frames > 0)
                    {
                        assertThat(subscription.lastDeliveredEventId()).as("ids only grow").isGreaterThan(lastId);
                        lastId = subscription.lastDeliveredEventId();
                        delivered += frames;
                    }
                }
            }
            assertThat(delivered).isEqualTo(published);
            assertThat(subscription.nextRun(1 << 20)).isZero();
        }
    }

    @Test
    void shouldOpenWithEveryTopicsCurrentValueInIdOrderThenGoLive()
    {
        try (FanoutEngine engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir)))
        {
            final Topic[] topics = topics(engine);
            final Random random = new Random(7);
            long newest = -1;
            for (int i = 0; i < 20_000; i++)
            {
                newest = publish(engine, topics[random.nextInt(TOPICS)], "v" + i);
                if (0 == i % 500)
                {
                    awaitSequenced(engine, newest);
                }
            }
            awaitSequenced(engine, newest);
            int withValue = 0;
            for (final Topic topic : topics)
            {
                withValue += null != topic.log() && topic.log().publishedFrameCount() > 0 ? 1 : 0;
            }
            final Subscription snapshot = engine.subscribe(topics, -1, true);
            final long live = publish(engine, topics[0], "live");
            awaitSequenced(engine, live);
            long lastId = -1;
            int delivered = 0;
            int length;
            while ((length = snapshot.nextRun(256)) > 0)
            {
                final int frames = snapshot.onRunConsumed(length, System.nanoTime(), null);
                if (frames > 0)
                {
                    assertThat(snapshot.lastDeliveredEventId()).isGreaterThan(lastId);
                    lastId = snapshot.lastDeliveredEventId();
                    delivered += frames;
                }
            }
            assertThat(length).isZero();
            assertThat(delivered).as("each topic's current value once, then the live event").isEqualTo(withValue + 1);
            assertThat(lastId).isEqualTo(live);
        }
    }

    @Test
    void shouldNotLetATopicsNewerFrameOvertakeAnotherTopicsFrameThatCameBetween()
    {
        try (FanoutEngine engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir)))
        {
            final Topic[] topics = new Topic[71];
            for (int i = 0; i < topics.length; i++)
            {
                topics[i] = engine.topic("t." + i);
            }
            final Subscription subscription = engine.subscribe(topics, -1);
            long newest = -1;
            for (int i = 0; i < 70; i++)
            {
                newest = publish(engine, topics[i], "first of " + i);
            }
            awaitSequenced(engine, newest);
            for (int i = 0; i < 69; i++)
            {
                // one frame per run: topics 0..68 in id order
                final int length = subscription.nextRun(1 << 16);
                assertThat(subscription.onRunConsumed(length, System.nanoTime(), null)).isEqualTo(1);
            }
            // topic 70 had nothing when the merge last looked; now it publishes before topic 69 does again
            final long between = publish(engine, topics[70], "between");
            final long after = publish(engine, topics[69], "after");
            awaitSequenced(engine, after);
            final long[] delivered = new long[3];
            int count = 0;
            int length;
            while ((length = subscription.nextRun(1 << 16)) > 0)
            {
                final int frames = subscription.onRunConsumed(length, System.nanoTime(), null);
                assertThat(frames).as("one frame per run here").isEqualTo(1);
                delivered[count++] = subscription.lastDeliveredEventId();
            }
            assertThat(delivered).containsExactly(newest, between, after);
        }
    }

    @Test
    void shouldSendASnapshotsOpeningValueFromItsCopyWhenItsSegmentIsEvictedBeforeItIsSent()
    {
        // 16 segments of 4 KiB: every topic below takes a segment, so the pool evicts the oldest as topics publish
        final FanoutEngine.Context ctx = new FanoutEngine.Context().dir(dir)
            .logSegmentLength(4096).logMemoryMax(16 * 4096).payloadMaxLength(1024);
        try (FanoutEngine engine = FanoutEngine.launch(ctx))
        {
            final Topic[] watched = new Topic[12];
            long newest = -1;
            for (int i = 0; i < watched.length; i++)
            {
                watched[i] = engine.topic("w." + i);
                newest = publish(engine, watched[i], "value of " + i);
            }
            awaitSequenced(engine, newest);
            final Subscription snapshot = engine.subscribe(watched, -1, true);
            for (int i = 0; i < 40; i++)
            {
                // other topics take the pool's segments: the watched topics' frames leave their logs unsent
                newest = publish(engine, engine.topic("other." + i), "x");
            }
            awaitSequenced(engine, newest);
            long lastId = -1;
            int delivered = 0;
            int length;
            while ((length = snapshot.nextRun(1 << 16)) > 0)
            {
                delivered += snapshot.onRunConsumed(length, System.nanoTime(), null);
                assertThat(snapshot.lastDeliveredEventId()).isGreaterThan(lastId);
                lastId = snapshot.lastDeliveredEventId();
            }
            assertThat(length).as("not lapped: the opening values came from their copies").isZero();
            assertThat(delivered).isEqualTo(watched.length);
        }
    }

    private static Topic[] topics(final FanoutEngine engine)
    {
        final Topic[] topics = new Topic[TOPICS];
        for (int i = 0; i < TOPICS; i++)
        {
            topics[i] = engine.topic("m." + i);
        }
        return topics;
    }
}
