package io.ssefanout.testsupport;


import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * A blocking event-stream client over a real socket: sends the GET, reads the response head, then decodes the
 * chunked (or close-delimited) body into a WHATWG parser. Every wait has a deadline.
 */
public final class SseClient implements AutoCloseable
{
    public final Socket socket;
    public final Map<String, String> headers = new LinkedHashMap<>();
    public final EventStreamParser parser = new EventStreamParser();
    public int status;
    private final InputStream in;
    private final ChunkedDecoder chunkedDecoder = new ChunkedDecoder();
    private final ByteArrayOutputStream body = new ByteArrayOutputStream();
    private final byte[] readBuffer = new byte[64 * 1024];
    private boolean isChunked;
    private boolean isEof;
    public String eofReason = "open";

    private SseClient(final Socket socket) throws IOException
    {
        this.socket = socket;
        this.in = socket.getInputStream();
    }

    public static SseClient connect(final int port, final String path, final String... extraHeaders) throws IOException
    {
        return connect(port, path, -1, extraHeaders);
    }

    public static SseClient connect(final int port, final String path, final int receiveBufferSize, final String... extraHeaders)
        throws IOException
    {
        final Socket socket = new Socket();
        if (receiveBufferSize > 0)
        {
            socket.setReceiveBufferSize(receiveBufferSize);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(50);
        final SseClient client = new SseClient(socket);
        final StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" +
            "Accept: text/event-stream\r\n");
        for (final String header : extraHeaders)
        {
            request.append(header).append("\r\n");
        }
        socket.getOutputStream().write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
        client.readHead();
        return client;
    }

    private void readHead() throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        final long deadlineNs = System.nanoTime() + 5_000_000_000L;
        while (true)
        {
            final int b;
            try
            {
                b = in.read();
            }
            catch (final SocketTimeoutException ex)
            {
                if (System.nanoTime() > deadlineNs)
                {
                    throw new IOException("no response head in time");
                }
                continue;
            }
            if (b < 0)
            {
                throw new IOException("closed before response head: " + head);
            }
            head.write(b);
            final String text = head.toString(StandardCharsets.ISO_8859_1);
            if (text.endsWith("\r\n\r\n"))
            {
                final String[] lines = text.split("\r\n");
                status = Integer.parseInt(lines[0].split(" ")[1]);
                for (int i = 1; i < lines.length; i++)
                {
                    final int colon = lines[i].indexOf(':');
                    headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
                }
                isChunked = "chunked".equalsIgnoreCase(headers.get("transfer-encoding"));
                return;
            }
        }
    }

    public List<EventStreamParser.Event> events()
    {
        return parser.events();
    }

    /**
     * Read until the condition holds or the deadline passes.
     */
    public boolean readUntil(final BooleanSupplier condition, final long timeoutMs) throws IOException
    {
        final long deadlineNs = System.nanoTime() + timeoutMs * 1_000_000L;
        while (!condition.getAsBoolean())
        {
            if (isEof || System.nanoTime() > deadlineNs)
            {
                return condition.getAsBoolean();
            }
            readOnce();
        }
        return true;
    }

    public boolean awaitEvents(final int count, final long timeoutMs) throws IOException
    {
        return readUntil(() -> parser.events().size() >= count, timeoutMs);
    }

    public boolean awaitEof(final long timeoutMs) throws IOException
    {
        readUntil(() -> isEof, timeoutMs);
        return isEof;
    }

    public boolean isChunkedBodyComplete()
    {
        return chunkedDecoder.isComplete();
    }

    private void readOnce() throws IOException
    {
        final int n;
        try
        {
            n = in.read(readBuffer);
        }
        catch (final SocketTimeoutException ex)
        {
            return;
        }
        catch (final IOException ex)
        {
            isEof = true;
            eofReason = ex.toString();
            return;
        }
        if (n < 0)
        {
            isEof = true;
            eofReason = "closed by server";
            return;
        }
        if (isChunked)
        {
            body.reset();
            chunkedDecoder.onBytes(readBuffer, 0, n, body);
            final byte[] bytes = body.toByteArray();
            parser.onBytes(bytes, 0, bytes.length);
        }
        else
        {
            parser.onBytes(readBuffer, 0, n);
        }
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
