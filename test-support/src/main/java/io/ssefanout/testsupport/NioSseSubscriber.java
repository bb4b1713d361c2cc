package io.ssefanout.testsupport;


import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A non-blocking event-stream subscriber for tests with thousands of connections on one selector, read from the
 * test thread: response head, chunked body, WHATWG event parsing.
 */
public final class NioSseSubscriber
{
    public final SocketChannel channel;
    public final EventStreamParser parser = new EventStreamParser();
    private final ChunkedDecoder chunkedDecoder = new ChunkedDecoder();
    private final ByteArrayOutputStream head = new ByteArrayOutputStream();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    public String headText = "";
    public int status;
    public boolean isClosed;

    public NioSseSubscriber(final Selector selector, final int port, final String path, final String lastEventId)
        throws IOException
    {
        channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
        channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n" +
            (null == lastEventId ? "" : "Last-Event-ID: " + lastEventId + "\r\n") + "\r\n")
            .getBytes(StandardCharsets.US_ASCII)));
        channel.configureBlocking(false);
        channel.register(selector, SelectionKey.OP_READ, this);
    }

    public List<String> ids()
    {
        final List<String> ids = new ArrayList<>();
        for (final EventStreamParser.Event event : parser.events())
        {
            ids.add(event.lastEventId);
        }
        return ids;
    }

    /**
     * Read every subscriber on the selector until all satisfy the condition, or fail at the deadline.
     */
    public static void readUntil(
        final Selector selector,
        final List<NioSseSubscriber> subscribers,
        final Predicate<NioSseSubscriber> condition,
        final long timeoutMs) throws IOException
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
        final byte[] bytes = new byte[buffer.capacity()];
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (!subscribers.stream().allMatch(condition))
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("timed out: " + subscribers.stream().filter(condition).count() + " of " +
                    subscribers.size() + " subscribers done");
            }
            selector.select(key ->
            {
                final NioSseSubscriber subscriber = (NioSseSubscriber)key.attachment();
                try
                {
                    buffer.clear();
                    final int n = subscriber.channel.read(buffer);
                    if (n < 0)
                    {
                        subscriber.isClosed = true;
                        key.cancel();
                        subscriber.channel.close();
                        return;
                    }
                    buffer.flip();
                    buffer.get(bytes, 0, n);
                    subscriber.onBytes(bytes, n);
                }
                catch (final IOException ex)
                {
                    subscriber.isClosed = true;
                    key.cancel();
                }
            }, 100);
        }
    }

    private void onBytes(final byte[] bytes, final int length)
    {
        int offset = 0;
        while (0 == status && offset < length)
        {
            head.write(bytes[offset++]);
            final String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n"))
            {
                headText = text;
                status = Integer.parseInt(text.substring(9, 12));
            }
        }
        body.reset();
        chunkedDecoder.onBytes(bytes, offset, length - offset, body);
        final byte[] decoded = body.toByteArray();
        parser.onBytes(decoded, 0, decoded.length);
    }
}
