package io.ssefanout.transport;

import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.HttpClient;
import io.ssefanout.testsupport.SseClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code maxRate=N} over a real socket: a burst on two topics reaches the stream thinned out, ids increasing, and
 * each topic's last value arrives (the agent wakes for it; no event needs to follow). The exact cap, on a controlled
 * clock, is {@code MaxRateTest}'s.
 */
class MaxRateStreamTest
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
    void shouldThinABurstAndStillDeliverEachTopicsLastValue() throws IOException
    {
        server = ServerFixture.start(dir, ctx -> { });
        assertThat(HttpClient.status(HttpClient.exchange(server.port(),
            "GET /sse?topics=a&maxRate=fast HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))).isEqualTo(400);
        try (SseClient client = SseClient.connect(server.port(), "/sse?topics=a,b&maxRate=5"))
        {
            int published = 0;
            for (int i = 0; i < 50; i++)
            {
                publish(server, "a", "a" + i);
                publish(server, "b", "b" + i);
                published += 2;
            }
            final long lastA = publish(server, "a", "a-last");
            final long lastB = publish(server, "b", "b-last");
            published += 2;
            assertThat(client.readUntil(() -> has(client, "a-last") && has(client, "b-last"), 10_000))
                .as("each topic's last value arrives").isTrue();
            assertThat(client.events().size()).as("the burst was thinned").isLessThan(published / 4);
            long previous = -1;
            for (final EventStreamParser.Event event : client.events())
            {
                final long id = Long.parseLong(event.lastEventId);
                assertThat(id).isGreaterThan(previous);
                previous = id;
            }
            assertThat(previous).isEqualTo(Math.max(lastA, lastB));
        }
    }

    private static boolean has(final SseClient client, final String data)
    {
        return client.events().stream().anyMatch(event -> data.equals(event.data));
    }
}
