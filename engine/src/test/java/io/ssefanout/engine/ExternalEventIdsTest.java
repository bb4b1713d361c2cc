package io.ssefanout.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.ssefanout.engine.EngineTests.awaitSequenced;
import static io.ssefanout.engine.EngineTests.consumeAll;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Ids from an external log (cluster mode): the engine frames each event with the id it came with, never one that
 * does not increase; maintenance takes no id; resumes below the first id it sequenced are older than its history.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class ExternalEventIdsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldFrameEventsWithTheirOwnIdsAndDropOnesThatGoBack()
    {
        try (FanoutEngine engine = FanoutEngine.launch(
            new FanoutEngine.Context().dir(dir).chunked(false).externalEventIds(true)))
        {
            final Topic topic = engine.topic("t");
            assertThat(publish(engine, topic, "assigned here", -1)).as("no id of its own").isEqualTo(FanoutEngine.INVALID);
            assertThat(engine.sequencer().historyFloorEventId()).as("nothing sequenced yet").isEqualTo(Long.MAX_VALUE);

            final Subscription live = engine.subscribe(new Topic[]{ topic }, -1);
            assertThat(publish(engine, topic, "five", 5)).isEqualTo(5);
            assertThat(engine.requestMaintenance()).isTrue();
            assertThat(publish(engine, topic, "nine", 9)).isEqualTo(9);
            assertThat(publish(engine, topic, "seven, late", 7)).as("taken into the ring").isEqualTo(7);
            assertThat(publish(engine, topic, "twelve", 12)).isEqualTo(12);
            awaitSequenced(engine, 12);

            assertThat(consumeAll(live)).isEqualTo(3);
            assertThat(live.lastDeliveredEventId()).isEqualTo(12);
            assertThat(engine.counters().get(EngineCounterDescriptor.EVENTS_REJECTED_ID_ORDER).get()).isEqualTo(1);
            assertThat(engine.sequencer().historyFloorEventId()).isEqualTo(4);

            final Subscription resumed = engine.subscribe(new Topic[]{ topic }, 5);
            assertThat(resumed.isResetRequired()).isFalse();
            assertThat(consumeAll(resumed)).isEqualTo(2);

            final Subscription older = engine.subscribe(new Topic[]{ topic }, 3);
            assertThat(older.isResetRequired()).as("before this node's first event").isTrue();
        }
    }

    private static long publish(final FanoutEngine engine, final Topic topic, final String text, final long eventId)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer payload = new UnsafeBuffer(bytes);
        return eventId < 0 ? engine.tryPublish(topic, null, 0, 0, payload, 0, bytes.length) :
            engine.tryPublishWithId(topic, null, 0, 0, payload, 0, bytes.length, eventId);
    }
}
