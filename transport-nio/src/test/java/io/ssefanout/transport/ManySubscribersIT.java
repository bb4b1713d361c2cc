package io.ssefanout.transport;

import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.NioSseSubscriber;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.counter;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManySubscribersIT
{
    private static final int SUBSCRIBERS = 1000;
    private static final int EVENTS = 200;

    @TempDir
    Path dir;

    @Test
    void shouldDeliverEveryEventExactlyOnceInOrderToThousandConcurrentSubscribers() throws IOException
    {
        try (FanoutServer server = ServerFixture.start(dir, ctx -> ctx.ioThreads(2));
            Selector selector = Selector.open())
        {
            final List<NioSseSubscriber> subscribers = new ArrayList<>();
            for (int i = 0; i < SUBSCRIBERS; i++)
            {
                subscribers.add(new NioSseSubscriber(selector, server.port(), "/sse/fan", null));
            }
            try
            {
                NioSseSubscriber.readUntil(selector, subscribers, s -> s.parser.retryMs() > 0, 30_000);
                await(() -> counter(server, TransportCounterDescriptor.SUBSCRIBERS_OPEN) == SUBSCRIBERS, 10_000, "subscribed");

                final List<String> ids = new ArrayList<>();
                for (int i = 0; i < EVENTS; i++)
                {
                    ids.add(Long.toString(publish(server, "fan", "{\"seq\":" + i + "}")));
                }
                NioSseSubscriber.readUntil(selector, subscribers, s -> s.parser.events().size() >= EVENTS, 60_000);

                for (final NioSseSubscriber subscriber : subscribers)
                {
                    assertThat(subscriber.status).isEqualTo(200);
                    assertThat(subscriber.headText).contains("Transfer-Encoding: chunked");
                    assertThat(subscriber.isClosed).isFalse();
                    final List<EventStreamParser.Event> events = subscriber.parser.events();
                    assertThat(events).hasSize(EVENTS);
                    for (int i = 0; i < EVENTS; i++)
                    {
                        assertThat(events.get(i).lastEventId).isEqualTo(ids.get(i));
                        assertThat(events.get(i).data).isEqualTo("{\"seq\":" + i + "}");
                    }
                }
                await(() -> counter(server, TransportCounterDescriptor.DELIVERIES) == (long)SUBSCRIBERS * EVENTS, 10_000,
                    "deliveries counted");
                assertThat(counter(server, TransportCounterDescriptor.LAPPED_DISCONNECTS)).isZero();
            }
            finally
            {
                for (final NioSseSubscriber subscriber : subscribers)
                {
                    subscriber.channel.close();
                }
            }
        }
    }
}
