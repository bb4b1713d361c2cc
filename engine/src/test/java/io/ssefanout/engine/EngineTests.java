package io.ssefanout.engine;

import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the engine tests do over and over: publish text, wait (with a deadline) until the sequencer has an id, read a
 * subscription dry.
 */
final class EngineTests
{
    private EngineTests()
    {
    }

    static long publish(final FanoutEngine engine, final Topic topic, final String text)
    {
        final byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        final long id = engine.tryPublish(topic, null, 0, 0, new UnsafeBuffer(bytes), 0, bytes.length);
        assertThat(id).isGreaterThanOrEqualTo(0);
        return id;
    }

    static void awaitSequenced(final FanoutEngine engine, final long id)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (engine.sequencer().publishedEventId() < id)
        {
            assertThat(System.nanoTime()).isLessThan(deadlineNs);
            Thread.yield();
        }
    }

    /**
     * @return frames read until nothing is left (a lapped or torn subscription fails the test).
     */
    static int consumeAll(final Subscription subscription)
    {
        int frames = 0;
        int length;
        while ((length = subscription.nextRun(1 << 20)) > 0)
        {
            frames += subscription.onRunConsumed(length, System.nanoTime(), null);
        }
        assertThat(length).isZero();
        return frames;
    }
}
