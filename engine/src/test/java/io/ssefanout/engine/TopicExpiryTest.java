package io.ssefanout.engine;

import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.ssefanout.engine.EngineTests.awaitSequenced;
import static io.ssefanout.engine.EngineTests.consumeAll;
import static io.ssefanout.engine.EngineTests.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Idle, unused topics are forgotten on a controlled clock; subscribed ones stay; an event published to a topic that
 * was forgotten before the event was sequenced reaches the topic of that name.
 */
class TopicExpiryTest
{
    @TempDir
    Path dir;

    private final CachedNanoClock clock = new CachedNanoClock();

    @Test
    void shouldForgetIdleUnusedTopicsKeepSubscribedOnesAndRouteLateEventsToTheNewTopic()
    {
        clock.update(TimeUnit.SECONDS.toNanos(1000));
        final FanoutEngine.Context ctx = new FanoutEngine.Context().dir(dir).chunked(false).nanoClock(clock)
            .historyAgeNs(TimeUnit.SECONDS.toNanos(10)).topicIdleExpiryNs(TimeUnit.SECONDS.toNanos(60));
        try (FanoutEngine engine = FanoutEngine.launch(ctx))
        {
            final Topic a = engine.topic("a");
            final Topic b = engine.topic("b");
            final Topic c = engine.topic("c");
            publish(engine, a, "a0");
            awaitSequenced(engine, publish(engine, a, "a1"));
            awaitSequenced(engine, publish(engine, b, "b1"));
            final Subscription onB = engine.subscribe(new Topic[]{ b }, -1);
            engine.subscribe(new Topic[]{ c }, -1).close();

            maintain(engine);
            assertThat(engine.topics().count()).isEqualTo(3);

            clock.advance(TimeUnit.SECONDS.toNanos(30));
            maintain(engine);
            assertThat(a.log().firstRetainedFrame()).as("a's history aged out but for its current value").isEqualTo(1);
            assertThat(engine.topics().count()).as("idle 30 s of 60: kept").isEqualTo(3);

            clock.advance(TimeUnit.SECONDS.toNanos(40));
            maintain(engine);
            assertThat(a.isExpired()).isTrue();
            assertThat(c.isExpired()).as("subscribe-only, its subscription gone").isTrue();
            assertThat(b.isExpired()).as("subscribed").isFalse();
            assertThat(engine.topics().count()).isEqualTo(1);
            assertThat(engine.counters().get(EngineCounterDescriptor.TOPICS_EXPIRED).get()).isEqualTo(2);

            final Topic newA = engine.topic("a");
            assertThat(newA).isNotSameAs(a);
            final Subscription onNewA = engine.subscribe(new Topic[]{ newA }, -1);
            final long late = publish(engine, a, "published through the old reference");
            awaitSequenced(engine, late);
            assertThat(consumeAll(onNewA)).isEqualTo(1);
            assertThat(onNewA.lastDeliveredEventId()).isEqualTo(late);

            final long onlyB = publish(engine, b, "b2");
            awaitSequenced(engine, onlyB);
            assertThat(consumeAll(onB)).isEqualTo(1);
            assertThat(engine.subscribe(new Topic[]{ c }, -1).topics()[0]).as("a forgotten topic is found again by name")
                .isNotSameAs(c);
        }
    }

    @Test
    void shouldResetAResumeFromBeforeATopicWasForgottenAndCreatedAgain()
    {
        clock.update(TimeUnit.SECONDS.toNanos(1000));
        final FanoutEngine.Context ctx = new FanoutEngine.Context().dir(dir).chunked(false).nanoClock(clock)
            .topicIdleExpiryNs(TimeUnit.SECONDS.toNanos(15));
        try (FanoutEngine engine = FanoutEngine.launch(ctx))
        {
            final Topic t = engine.topic("t");
            final long v1 = publish(engine, t, "v1");
            publish(engine, t, "v2");
            final long v3 = publish(engine, t, "v3");
            awaitSequenced(engine, v3);
            maintain(engine);
            clock.advance(TimeUnit.SECONDS.toNanos(20));
            maintain(engine);
            assertThat(t.isExpired()).isTrue();

            final Subscription beforeAnyNewEvent = engine.subscribe(new Topic[]{ engine.topic("t") }, v1);
            assertThat(beforeAnyNewEvent.isResetRequired()).as("v2 and v3 went with the forgotten topic").isTrue();
            assertThat(beforeAnyNewEvent.resetFromEventId()).isEqualTo(v1);
            beforeAnyNewEvent.close();

            final long fresh = publish(engine, engine.topic("t"), "NEW");
            awaitSequenced(engine, fresh);
            final Subscription fromV1 = engine.subscribe(new Topic[]{ engine.topic("t") }, v1);
            assertThat(fromV1.isResetRequired()).as("the new topic's log does not know v2 and v3").isTrue();
            assertThat(consumeAll(fromV1)).isEqualTo(1);
            fromV1.close();

            final Subscription fromV3 = engine.subscribe(new Topic[]{ engine.topic("t") }, v3);
            assertThat(fromV3.isResetRequired()).as("v3 was the forgotten topic's newest: nothing missed").isFalse();
            assertThat(consumeAll(fromV3)).isEqualTo(1);
            fromV3.close();

            final Subscription otherTopic = engine.subscribe(new Topic[]{ engine.topic("never-forgotten") }, v1);
            assertThat(otherTopic.isResetRequired()).as("a topic nobody forgot").isFalse();
            otherTopic.close();
        }
    }

    private static void maintain(final FanoutEngine engine)
    {
        final long before = engine.sequencer().publishedEventId();
        assertThat(engine.requestMaintenance()).isTrue();
        awaitSequenced(engine, before + 1);
    }
}
