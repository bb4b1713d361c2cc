package io.ssefanout.transport;

import io.ssefanout.codec.ChunkedDecoder;
import io.ssefanout.codec.EventStreamParser;
import io.ssefanout.engine.CounterDescriptor;
import io.ssefanout.engine.FanoutEngine;
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
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.counter;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A graceful restart under 5,000 subscribers: each is sent a jittered {@code retry:} and closed; all reconnect at once
 * to the new server with their Last-Event-ID; none has lost an event and every later event reaches every one.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ReconnectStormTest
{
    private static final int SUBSCRIBERS = 5000;
    private static final long RETRY_HINT_MS = 1000;

    @TempDir
    Path dir;

    @Test
    void shouldAbsorbAllSubscribersReconnectingTogetherAfterARestartWithoutLoss() throws Exception
    {
        final List<Client> clients = new ArrayList<>();
        final int port;
        final List<String> beforeIds = new ArrayList<>();
        final FanoutServer first = start(0);
        try (Selector selector = Selector.open())
        {
            port = first.port();
            for (int i = 0; i < SUBSCRIBERS; i++)
            {
                clients.add(new Client(selector, port, null));
            }
            readUntil(selector, clients, c -> c.parser.retryMs() > 0, 60_000);
            await(() -> counter(first, CounterDescriptor.SUBSCRIBERS_OPEN) == SUBSCRIBERS, 20_000, "subscribed");
            for (int i = 0; i < 10; i++)
            {
                beforeIds.add(Long.toString(publish(first, "storm", "before " + i)));
            }
            readUntil(selector, clients, c -> c.parser.events().size() >= 10, 60_000);
            first.close();
            readUntil(selector, clients, c -> c.isClosed, 30_000);
        }
        finally
        {
            first.close();
        }

        final Set<Long> goodbyeRetries = new HashSet<>();
        for (final Client client : clients)
        {
            assertThat(ids(client)).isEqualTo(beforeIds);
            assertThat(client.parser.retryMs()).isBetween(RETRY_HINT_MS, 2 * RETRY_HINT_MS);
            goodbyeRetries.add(client.parser.retryMs());
        }
        assertThat(goodbyeRetries).as("reconnects spread over a window").hasSizeGreaterThan(100);

        try (FanoutServer second = start(port); Selector selector = Selector.open())
        {
            final List<Client> reconnected = new ArrayList<>();
            for (final Client client : clients)
            {
                reconnected.add(new Client(selector, port, beforeIds.get(beforeIds.size() - 1)));
            }
            readUntil(selector, reconnected, c -> c.parser.retryMs() > 0, 60_000);
            await(() -> counter(second, CounterDescriptor.SUBSCRIBERS_OPEN) == SUBSCRIBERS, 20_000, "resubscribed");
            final List<String> afterIds = new ArrayList<>();
            for (int i = 0; i < 10; i++)
            {
                afterIds.add(Long.toString(publish(second, "storm", "after " + i)));
            }
            readUntil(selector, reconnected, c -> c.parser.events().size() >= 10, 60_000);
            for (final Client client : reconnected)
            {
                assertThat(client.status).isEqualTo(200);
                assertThat(client.parser.events()).noneMatch(event -> "reset".equals(event.type));
                assertThat(ids(client)).isEqualTo(afterIds);
            }
            assertThat(counter(second, CounterDescriptor.RESETS_SENT)).isZero();
            for (final Client client : reconnected)
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

    private static List<String> ids(final Client client)
    {
        final List<String> ids = new ArrayList<>();
        for (final EventStreamParser.Event event : client.parser.events())
        {
            ids.add(event.lastEventId);
        }
        return ids;
    }

    private static void readUntil(
        final Selector selector, final List<Client> clients, final Predicate<Client> condition, final long timeoutMs)
        throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        final byte[] bytes = new byte[buffer.capacity()];
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!clients.stream().allMatch(condition))
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("timed out: " + clients.stream().filter(condition).count() + " of " +
                    clients.size());
            }
            selector.select(key ->
            {
                final Client client = (Client)key.attachment();
                try
                {
                    buffer.clear();
                    final int n = client.channel.read(buffer);
                    if (n < 0)
                    {
                        client.isClosed = true;
                        key.cancel();
                        client.channel.close();
                        return;
                    }
                    buffer.flip();
                    buffer.get(bytes, 0, n);
                    client.onBytes(bytes, n);
                }
                catch (final IOException ex)
                {
                    client.isClosed = true;
                    key.cancel();
                }
            }, 100);
        }
    }

    private static final class Client
    {
        final SocketChannel channel;
        final EventStreamParser parser = new EventStreamParser();
        final ChunkedDecoder chunkedDecoder = new ChunkedDecoder();
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        final ByteArrayOutputStream body = new ByteArrayOutputStream();
        int status;
        boolean isClosed;

        Client(final Selector selector, final int port, final String lastEventId) throws IOException
        {
            channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.write(ByteBuffer.wrap(("GET /sse/storm HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n" +
                (null == lastEventId ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n")
                .getBytes(StandardCharsets.US_ASCII)));
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_READ, this);
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
                }
            }
            body.reset();
            chunkedDecoder.onBytes(bytes, offset, length - offset, body);
            final byte[] decoded = body.toByteArray();
            parser.onBytes(decoded, 0, decoded.length);
        }
    }
}
