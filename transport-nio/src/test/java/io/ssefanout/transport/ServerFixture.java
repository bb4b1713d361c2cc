package io.ssefanout.transport;

import io.ssefanout.engine.CounterDescriptor;
import io.ssefanout.engine.FanoutEngine;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Starts a whole server in-process on a free loopback port for a test, with test-friendly settings.
 */
final class ServerFixture
{
    private ServerFixture()
    {
    }

    static FanoutServer start(final Path dir, final Consumer<FanoutServer.Context> customise)
    {
        final FanoutServer.Context ctx = new FanoutServer.Context()
            .port(0)
            .bindAddress("127.0.0.1")
            .shutdownTimeoutNs(TimeUnit.SECONDS.toNanos(2))
            .engineContext(new FanoutEngine.Context().dir(dir).ringSize(1024));
        customise.accept(ctx);
        return FanoutServer.launch(ctx);
    }

    static long publish(final FanoutServer server, final String topic, final String data)
    {
        return publish(server, topic, data, null);
    }

    /**
     * Publish through the embedded API, waiting (with a deadline) while the ring is full.
     */
    static long publish(final FanoutServer server, final String topic, final String data, final String eventType)
    {
        final FanoutEngine engine = server.engine();
        final byte[] payload = data.getBytes(StandardCharsets.UTF_8);
        final byte[] type = null == eventType ? new byte[0] : eventType.getBytes(StandardCharsets.US_ASCII);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (true)
        {
            final long id = engine.tryPublish(
                engine.topic(topic), new UnsafeBuffer(type), 0, type.length, new UnsafeBuffer(payload), 0, payload.length);
            if (id >= 0)
            {
                return id;
            }
            if (id != FanoutEngine.RING_FULL || System.nanoTime() > deadlineNs)
            {
                throw new IllegalStateException("publish failed: " + id);
            }
            Thread.yield();
        }
    }

    static long counter(final FanoutServer server, final CounterDescriptor descriptor)
    {
        return server.engine().counters().get(descriptor).get();
    }

    static void await(final BooleanSupplier condition, final long timeoutMs, final String what)
    {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            if (Thread.currentThread().isInterrupted())
            {
                throw new AssertionError("interrupted waiting for " + what);
            }
            Thread.yield();
        }
    }
}
