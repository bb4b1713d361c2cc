package io.ssefanout.transport;

import io.ssefanout.engine.EngineCounterDescriptor;
import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.SseClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static io.ssefanout.transport.ServerFixture.counter;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A slow reader under every policy never receives a byte that the writer was reusing. The reader stalls with a tiny
 * receive buffer (so the server's socket fills, usually mid-frame), the log's memory is reused many times over
 * (a 64 KB pool of 4 KB segments, 16 KB of history), then the reader drains: every event it got must be exactly an
 * event that was published under that id. Before segments, a stalled reader let finish "the frame it was in" sent the
 * rest of that frame from memory the writer had since overwritten: one well-framed, corrupted event, then a cut.
 */
class OverwrittenBytesTest
{
    @TempDir
    Path dir;

    private FanoutServer server;
    private SseClient slow;
    private SseClient healthy;

    @AfterEach
    void tearDown() throws Exception
    {
        if (null != slow)
        {
            slow.close();
        }
        if (null != healthy)
        {
            healthy.close();
        }
        if (null != server)
        {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = { "disconnect", "skip" })
    void shouldNeverSendASlowReaderBytesOfAReusedSegment(final String policy) throws IOException
    {
        server = ServerFixture.start(dir, ctx -> ctx.slowConsumerPolicy(policy).engineContext()
            .logSegmentLength(4096).logMemoryMax(16 * 4096).historyBytes(16 * 1024).historyEvents(64).payloadMaxLength(2048));
        slow = SseClient.connect(server.port(), "/sse/t", 2048);
        healthy = SseClient.connect(server.port(), "/sse/t");

        final Map<String, String> published = new HashMap<>();
        int count = 0;
        final TransportCounterDescriptor actedOn = "skip".equals(policy) ?
            TransportCounterDescriptor.LAPPED_SKIPS : TransportCounterDescriptor.LAPPED_DISCONNECTS;
        // publish until the policy acted on the stalled reader, then lap the whole pool a few times more
        int extra = -1;
        while (count < 50_000 && extra != 0)
        {
            final String data = payload(count);
            published.put(Long.toString(publish(server, "t", data)), data);
            count++;
            assertThat(healthy.awaitEvents(count, 5000)).isTrue();
            if (extra < 0 && counter(server, actedOn) > 0)
            {
                extra = 300;
            }
            else if (extra > 0)
            {
                extra--;
            }
        }
        assertThat(counter(server, actedOn)).as("the reader stalled long enough for the %s policy to act", policy)
            .isPositive();
        assertThat(counter(server, EngineCounterDescriptor.FRAMES_APPENDED) * 1000)
            .as("the 64 KB pool was reused several times over").isGreaterThan(5L * 64 * 1024);

        final String lastId = healthy.events().get(healthy.events().size() - 1).lastEventId;
        slow.readUntil(() -> !slow.events().isEmpty() &&
            lastId.equals(slow.events().get(slow.events().size() - 1).lastEventId), 10_000);

        long previousId = -1;
        int received = 0;
        for (final EventStreamParser.Event event : slow.events())
        {
            if ("reset".equals(event.type))
            {
                continue;
            }
            assertThat(published.get(event.lastEventId)).as("event %s arrived intact", event.lastEventId)
                .isEqualTo(event.data);
            final long id = Long.parseLong(event.lastEventId);
            assertThat(id).isGreaterThan(previousId);
            previousId = id;
            received++;
        }
        assertThat(received).isPositive();
        final boolean caughtUp = lastId.equals(slow.events().get(slow.events().size() - 1).lastEventId);
        assertThat(caughtUp || counter(server, TransportCounterDescriptor.LAPPED_DISCONNECTS) > 0)
            .as("the reader caught up, or was cut because the frame it was in left the history").isTrue();
    }

    /** About 1 KB, different in every event, so any byte from another event shows. */
    private static String payload(final int n)
    {
        final StringBuilder data = new StringBuilder(1100).append(n).append(':');
        final char fill = (char)('a' + n % 26);
        for (int i = 0; i < 1000; i++)
        {
            data.append(0 == i % 100 ? (char)('0' + (n / 7 + i) % 10) : fill);
        }
        return data.toString();
    }
}
