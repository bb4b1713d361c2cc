package io.ssefanout.transport;

import io.ssefanout.engine.ConfigurationException;
import io.ssefanout.engine.EngineCounterDescriptor;
import io.ssefanout.engine.FanoutCounters;
import io.ssefanout.engine.FanoutEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code conclude()}: every option checked once, a bad one named with its value, options parsed into their types,
 * the transport's HTTP framing handed to the engine, and a second conclude refused.
 */
class FanoutServerContextTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseEachBadOptionNamingThePropertyAndTheValue()
    {
        assertRefused(ctx -> ctx.ioThreads(0), "fanout.io.threads", "0");
        assertRefused(ctx -> ctx.port(70000), "fanout.port", "70000");
        assertRefused(ctx -> ctx.ioIdleStrategy("sleepy"), "fanout.io.idle.strategy", "sleepy");
        assertRefused(ctx -> ctx.slowConsumerPolicy("drop"), "fanout.slow.consumer.policy", "drop");
        assertRefused(ctx -> ctx.heartbeatIntervalNs(0), "fanout.heartbeat.interval", "0ns");
        assertRefused(ctx -> ctx.publishBatchMaxLength(0), "fanout.publish.batch.max.length", "0");
        assertRefused(ctx -> ctx.publishBatchMaxEvents(5000), "fanout.publish.batch.max.events", "5000");
        assertRefused(ctx -> ctx.engineContext().ringSize(1000), "fanout.ring.size", "1000");
        assertRefused(ctx -> ctx.engineContext().waitStrategy("lazy"), "fanout.sequencer.wait.strategy", "lazy");
        assertRefused(ctx -> ctx.engineContext().logSegmentLength(3000), "fanout.log.segment.length", "3000");
        assertRefused(ctx -> ctx.engineContext().payloadMaxLength(0), "fanout.payload.max.length", "0");
        assertRefused(ctx -> ctx.ioThreads(2).engineContext().threadingMode("shared"), "fanout.threading.mode", "shared");
        assertRefused(ctx -> ctx.engineContext().threadingMode("single"), "fanout.threading.mode", "single");
    }

    @Test
    void shouldParseOptionsOnceAndHandTheHttpFramingToTheEngine()
    {
        final FanoutServer.Context ctx = context().slowConsumerPolicy("SKIP").httpChunked(false)
            .heartbeatIntervalNs(TimeUnit.SECONDS.toNanos(5));
        ctx.engineContext().ringSize(256);
        ctx.conclude();
        assertThat(ctx.slowConsumerPolicy()).isEqualTo(SlowConsumerPolicy.SKIP);
        assertThat(ctx.engineContext().chunked()).isFalse();
        assertThat(ctx.publishBatchMaxEvents()).as("the default follows a smaller ring").isEqualTo(256);
        assertThat(ctx.toString()).contains("httpChunked=false", "publishBatchMaxEvents=256");
        assertThatThrownBy(ctx::conclude).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldCloseOnlyWhatConcludeMadeAndOnlyOnce()
    {
        final FanoutCounters supplied = new FanoutCounters();
        try
        {
            final FanoutServer.Context ctx = context();
            ctx.engineContext().counters(supplied);
            ctx.conclude();
            ctx.close();
            ctx.close();
            supplied.get(EngineCounterDescriptor.ERRORS).increment();
            assertThat(supplied.get(EngineCounterDescriptor.ERRORS).get()).as("supplied counters stay usable").isEqualTo(1);
        }
        finally
        {
            supplied.close();
        }
    }

    private FanoutServer.Context context()
    {
        return new FanoutServer.Context().engineContext(new FanoutEngine.Context().dir(dir));
    }

    private void assertRefused(final Consumer<FanoutServer.Context> customise, final String property, final String value)
    {
        final FanoutServer.Context ctx = context();
        customise.accept(ctx);
        assertThatThrownBy(ctx::conclude)
            .isInstanceOf(ConfigurationException.class)
            .hasMessageStartingWith(property + "=" + value + ": ")
            .satisfies(ex -> assertThat(((ConfigurationException)ex).propertyName()).isEqualTo(property));
    }
}
