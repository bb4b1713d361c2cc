package io.ssefanout.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.ssefanout.engine.EngineTests.awaitSequenced;
import static io.ssefanout.engine.EngineTests.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code maxRate}: at most N events per second of each topic, the newest pending one as soon as the interval allows,
 * ids increasing over the stream; driven by the clock handed to {@code poll}, no wall-clock waits.
 */
class MaxRateTest
{
    private static final long MS = 1_000_000L;

    @TempDir
    Path dir;

    private final List<Long> sent = new ArrayList<>();
    private final FrameRunHandler handler = (topic, segment, offset, length) ->
    {
        final String frame = segment.buffer().getStringWithoutLengthUtf8(offset, length);
        sent.add(Long.parseLong(frame.substring(4, frame.indexOf('\n'))));
        return length;
    };

    @Test
    void shouldSendEachTopicsNewestValueAtMostOncePerIntervalInIdOrder()
    {
        try (FanoutEngine engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir).chunked(false)))
        {
            final Topic a = engine.topic("a");
            final Topic b = engine.topic("b");
            final Subscription stream = engine.subscribe(new Topic[]{ a, b }, -1);
            stream.maxRate(10);   // one event per 100 ms per topic
            long newestA = -1;
            for (int i = 0; i < 5; i++)
            {
                newestA = publish(engine, a, "a" + i);
            }
            final long firstB = publish(engine, b, "b0");
            awaitSequenced(engine, firstB);

            final long t0 = 1_000 * MS;
            drain(stream, t0);
            assertThat(sent).as("a's newest (a0-a3 conflated), then b's").containsExactly(newestA, firstB);
            assertThat(stream.throttledUntilNs()).as("nothing waits").isEqualTo(Long.MAX_VALUE);

            publish(engine, a, "a5");
            final long a6 = publish(engine, a, "a6");
            awaitSequenced(engine, a6);
            sent.clear();
            drain(stream, t0 + 10 * MS);
            assertThat(sent).as("a sent 10 ms ago: it waits").isEmpty();
            assertThat(stream.throttledUntilNs()).isEqualTo(t0 + 100 * MS);

            // c has never sent and may send, but its value is newer than a's waiting one: it goes after a's
            final Topic c = engine.topic("c");
            final int cursor = stream.addTopic(c);
            assertThat(cursor).isEqualTo(2);
            final long c0 = publish(engine, c, "c0");
            awaitSequenced(engine, c0);
            drain(stream, t0 + 50 * MS);
            assertThat(sent).as("held behind a's older waiting value").isEmpty();
            drain(stream, t0 + 150 * MS);
            assertThat(sent).as("ids increase over the stream").containsExactly(a6, c0);

            final long a7 = publish(engine, a, "a7");
            awaitSequenced(engine, a7);
            sent.clear();
            drain(stream, t0 + 200 * MS);
            assertThat(sent).as("a sent at 150 ms").isEmpty();
            drain(stream, t0 + 250 * MS);
            assertThat(sent).as("the newest value as soon as the interval allows").containsExactly(a7);
            assertThat(stream.lastDeliveredEventId()).isEqualTo(a7);
        }
    }

    private void drain(final Subscription stream, final long nowNs)
    {
        for (int i = 0; i < 100; i++)
        {
            final int result = stream.poll(handler, 1 << 20, nowNs, null);
            if (Subscription.POLL_SENT != result)
            {
                assertThat(result).isEqualTo(Subscription.POLL_IDLE);
                return;
            }
        }
    }
}
