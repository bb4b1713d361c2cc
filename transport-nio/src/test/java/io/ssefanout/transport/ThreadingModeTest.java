package io.ssefanout.transport;

import io.ssefanout.engine.ThreadingMode;
import io.ssefanout.testsupport.HttpClient;
import io.ssefanout.testsupport.SseClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The same server in both threading modes: events published over HTTP (on the I/O thread) and through the embedded
 * API (on another thread, which must wake a sequencer that may be asleep in select) all arrive, in order, and a
 * shutdown delivers what was accepted.
 */
class ThreadingModeTest
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

    @ParameterizedTest
    @ValueSource(strings = { "dedicated", "shared" })
    void shouldDeliverEveryEventFromEveryKindOfPublisher(final String mode) throws Exception
    {
        server = ServerFixture.start(dir, ctx -> ctx.engineContext().threadingMode(mode));
        assertThat(server.engine().context().threadingMode()).isEqualTo(ThreadingMode.of(mode));
        try (SseClient client = SseClient.connect(server.port(), "/sse?topics=a,b"))
        {
            final List<String> expected = new ArrayList<>();
            for (int i = 0; i < 200; i++)
            {
                if (0 == i % 2)
                {
                    expected.add(Long.toString(publish(server, "a", "embedded " + i)));
                }
                else
                {
                    final String response = HttpClient.exchange(server.port(), HttpClient.publishRequest("b", "http " + i, true));
                    assertThat(HttpClient.status(response)).isEqualTo(200);
                    expected.add(HttpClient.body(response).trim());
                }
            }
            assertThat(client.awaitEvents(200, 10_000)).isTrue();
            assertThat(client.events().stream().map(event -> event.lastEventId).toList()).isEqualTo(expected);

            for (int i = 0; i < 100; i++)
            {
                publish(server, "a", "before shutdown " + i);
            }
            server.close();
            server = null;
            assertThat(client.awaitEof(10_000)).isTrue();
            assertThat(client.events().stream().filter(event -> event.data.startsWith("before shutdown")).count())
                .as("what was accepted before the close is delivered").isEqualTo(100);
        }
    }
}
