package io.ssefanout.transport;

import io.ssefanout.codec.ChunkedDecoder;
import io.ssefanout.codec.EventStreamParser;
import io.ssefanout.engine.CounterDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.counter;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ManySubscribersTest
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
            final List<NioSubscriber> subscribers = new ArrayList<>();
            final byte[] request = ("GET /sse/fan HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
            for (int i = 0; i < SUBSCRIBERS; i++)
            {
                final SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", server.port()));
                channel.write(ByteBuffer.wrap(request));
                channel.configureBlocking(false);
                final NioSubscriber subscriber = new NioSubscriber(channel);
                channel.register(selector, SelectionKey.OP_READ, subscriber);
                subscribers.add(subscriber);
            }
            try
            {
                readUntil(selector, subscribers, s -> s.parser.retryMs() > 0, 30_000);
                await(() -> counter(server, CounterDescriptor.SUBSCRIBERS_OPEN) == SUBSCRIBERS, 10_000, "subscribed");

                final List<String> ids = new ArrayList<>();
                for (int i = 0; i < EVENTS; i++)
                {
                    ids.add(Long.toString(publish(server, "fan", "{\"seq\":" + i + "}")));
                }
                readUntil(selector, subscribers, s -> s.parser.events().size() >= EVENTS, 60_000);

                for (final NioSubscriber subscriber : subscribers)
                {
                    assertThat(subscriber.status).isEqualTo(200);
                    final List<EventStreamParser.Event> events = subscriber.parser.events();
                    assertThat(events).hasSize(EVENTS);
                    for (int i = 0; i < EVENTS; i++)
                    {
                        assertThat(events.get(i).lastEventId).isEqualTo(ids.get(i));
                        assertThat(events.get(i).data).isEqualTo("{\"seq\":" + i + "}");
                    }
                }
                await(() -> counter(server, CounterDescriptor.DELIVERIES) == (long)SUBSCRIBERS * EVENTS, 10_000,
                    "deliveries counted");
                assertThat(counter(server, CounterDescriptor.LAPPED_DISCONNECTS)).isZero();
            }
            finally
            {
                for (final NioSubscriber subscriber : subscribers)
                {
                    subscriber.channel.close();
                }
            }
        }
    }

    private static void readUntil(
        final Selector selector,
        final List<NioSubscriber> subscribers,
        final Predicate<NioSubscriber> condition,
        final long timeoutMs) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        final byte[] bytes = new byte[64 * 1024];
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!subscribers.stream().allMatch(condition))
        {
            if (System.nanoTime() > deadlineNs)
            {
                final long done = subscribers.stream().filter(condition).count();
                throw new AssertionError("timed out: " + done + " of " + subscribers.size() + " subscribers done");
            }
            selector.select(key ->
            {
                final NioSubscriber subscriber = (NioSubscriber)key.attachment();
                try
                {
                    buffer.clear();
                    final int n = subscriber.channel.read(buffer);
                    if (n < 0)
                    {
                        key.cancel();
                        throw new AssertionError("server closed a subscriber");
                    }
                    buffer.flip();
                    buffer.get(bytes, 0, n);
                    subscriber.onBytes(bytes, n);
                }
                catch (final IOException ex)
                {
                    throw new AssertionError(ex);
                }
            }, 100);
        }
    }

    private static final class NioSubscriber
    {
        final SocketChannel channel;
        final EventStreamParser parser = new EventStreamParser();
        final ChunkedDecoder chunkedDecoder = new ChunkedDecoder();
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int status;

        NioSubscriber(final SocketChannel channel)
        {
            this.channel = channel;
        }

        void onBytes(final byte[] bytes, final int length)
        {
            int offset = 0;
            while (0 == status && offset < length)
            {
                head.write(bytes[offset++]);
                final String text = head.toString(StandardCharsets.ISO_8859_1);
                if (text.endsWith("\r\n\r\n"))
                {
                    status = Integer.parseInt(text.substring(9, 12));
                    assertThat(text).contains("Transfer-Encoding: chunked");
                }
            }
            body.reset();
            chunkedDecoder.onBytes(bytes, offset, length - offset, body);
            final byte[] decoded = body.toByteArray();
            parser.onBytes(decoded, 0, decoded.length);
        }
    }
}
