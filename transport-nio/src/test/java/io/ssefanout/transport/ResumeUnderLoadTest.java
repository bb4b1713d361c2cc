package io.ssefanout.transport;

import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.SseClient;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A client resuming from an id older than the history, while the topic publishes as fast as the engine takes
 * events (about 32,000 a second): it gets {@code reset} and then what is retained, not a slow-consumer close with nothing (which is what a
 * replay starting at the byte about to be overwritten used to get, a fifth of the time at ~31k events/s).
 */
class ResumeUnderLoadTest
{
    @TempDir
    Path dir;

    private FanoutServer server;

    @AfterEach
    void tearDown()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldGiveATooOldResumeTheRetainedEventsWhilePublishingFlatOut() throws Exception
    {
        server = ServerFixture.start(dir, ctx -> ctx.engineContext().historyEvents(2048).historyBytes(256 * 1024));
        final long firstId = publish(server, "t", "first");
        final AtomicBoolean isRunning = new AtomicBoolean(true);
        final Thread publisher = new Thread(() ->
        {
            final byte[] payload = "{\"px\":123.45,\"qty\":100}".getBytes(StandardCharsets.US_ASCII);
            final UnsafeBuffer buffer = new UnsafeBuffer(payload);
            // ~32,000 events per second, paced against the clock
            final long startNs = System.nanoTime();
            for (long i = 0; i < 2_000_000 && isRunning.get(); i++)
            {
                while (System.nanoTime() - startNs < i * 31_250)
                {
                    Thread.onSpinWait();
                }
                server.engine().tryPublish(server.engine().topic("t"), null, 0, 0, buffer, 0, payload.length);
            }
        }, "publisher");
        publisher.start();
        try
        {
            ServerFixture.await(() -> server.engine().sequencer().publishedEventId() > firstId + 5_000, 10_000,
                "the history to move past the first event");
            for (int i = 0; i < 50; i++)
            {
                try (SseClient client = SseClient.connect(server.port(), "/sse/t", "Last-Event-ID: " + firstId))
                {
                    assertThat(client.awaitEvents(101, 5000)).as("resume %d: reset and 100 events; %s", i, client.eofReason)
                        .isTrue();
                    final List<EventStreamParser.Event> events = client.events();
                    assertThat(events.get(0).type).isEqualTo("reset");
                    assertThat(events.get(0).data).isEqualTo("{\"lastEventId\":" + firstId + "}");
                    long previous = firstId;
                    for (final EventStreamParser.Event event : events.subList(1, events.size()))
                    {
                        final long id = Long.parseLong(event.lastEventId);
                        assertThat(id).isGreaterThan(previous);
                        previous = id;
                    }
                }
            }
        }
        finally
        {
            isRunning.set(false);
            publisher.join();
        }
    }
}
