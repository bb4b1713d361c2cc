package io.ssefanout.transport;

import io.ssefanout.testsupport.NioSseSubscriber;
import io.ssefanout.engine.FanoutEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.counter;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A graceful restart under 5,000 subscribers: each is sent a jittered {@code retry:} and closed; all reconnect at once
 * to the new server with their Last-Event-ID; none has lost an event and every later event reaches every one.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReconnectStormIT
{
    private static final int SUBSCRIBERS = 5000;
    private static final long RETRY_HINT_MS = 1000;

    @TempDir
    Path dir;

    @Test
    void shouldAbsorbAllSubscribersReconnectingTogetherAfterARestartWithoutLoss() throws Exception
    {
        final List<NioSseSubscriber> clients = new ArrayList<>();
        final int port;
        final List<String> beforeIds = new ArrayList<>();
        final FanoutServer first = start(0);
        try (Selector selector = Selector.open())
        {
            port = first.port();
            for (int i = 0; i < SUBSCRIBERS; i++)
            {
                clients.add(new NioSseSubscriber(selector, port, "/sse/storm", null));
            }
            NioSseSubscriber.readUntil(selector, clients, c -> c.parser.retryMs() > 0, 60_000);
            await(() -> counter(first, TransportCounterDescriptor.SUBSCRIBERS_OPEN) == SUBSCRIBERS, 20_000, "subscribed");
            for (int i = 0; i < 10; i++)
            {
                beforeIds.add(Long.toString(publish(first, "storm", "before " + i)));
            }
            NioSseSubscriber.readUntil(selector, clients, c -> c.parser.events().size() >= 10, 60_000);
            first.close();
            NioSseSubscriber.readUntil(selector, clients, c -> c.isClosed, 30_000);
        }
        finally
        {
            first.close();
        }

        final Set<Long> goodbyeRetries = new HashSet<>();
        for (final NioSseSubscriber client : clients)
        {
            assertThat(client.ids()).isEqualTo(beforeIds);
            assertThat(client.parser.retryMs()).isBetween(RETRY_HINT_MS, 2 * RETRY_HINT_MS);
            goodbyeRetries.add(client.parser.retryMs());
        }
        assertThat(goodbyeRetries).as("reconnects spread over a window").hasSizeGreaterThan(100);

        try (FanoutServer second = start(port); Selector selector = Selector.open())
        {
            final List<NioSseSubscriber> reconnected = new ArrayList<>();
            for (final NioSseSubscriber client : clients)
            {
                reconnected.add(new NioSseSubscriber(selector, port, "/sse/storm", beforeIds.get(beforeIds.size() - 1)));
            }
            NioSseSubscriber.readUntil(selector, reconnected, c -> c.parser.retryMs() > 0, 60_000);
            await(() -> counter(second, TransportCounterDescriptor.SUBSCRIBERS_OPEN) == SUBSCRIBERS, 20_000, "resubscribed");
            final List<String> afterIds = new ArrayList<>();
            for (int i = 0; i < 10; i++)
            {
                afterIds.add(Long.toString(publish(second, "storm", "after " + i)));
            }
            NioSseSubscriber.readUntil(selector, reconnected, c -> c.parser.events().size() >= 10, 60_000);
            for (final NioSseSubscriber client : reconnected)
            {
                assertThat(client.status).isEqualTo(200);
                assertThat(client.parser.events()).noneMatch(event -> "reset".equals(event.type));
                assertThat(client.ids()).isEqualTo(afterIds);
            }
            assertThat(counter(second, TransportCounterDescriptor.RESETS_SENT)).isZero();
            for (final NioSseSubscriber client : reconnected)
            {
                client.channel.close();
            }
        }
    }

    private FanoutServer start(final int port)
    {
        return ServerFixture.start(dir, ctx -> ctx.port(port).retryHintMs(RETRY_HINT_MS).ioThreads(2)
            .engineContext(new FanoutEngine.Context().dir(dir)));
    }
}
