package io.ssefanout.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One keep-alive connection over a real socket that writes exactly the bytes given (split and flushed as the test
 * says) and reads responses one at a time by their framing: for pipelining, HEAD and {@code 100 Continue}.
 */
public final class RawHttpConnection implements AutoCloseable
{
    /** One response as read off the wire. */
    public static final class Response
    {
        public final int status;
        public final Map<String, String> headers;
        public final String body;

        Response(final int status, final Map<String, String> headers, final String body)
        {
            this.status = status;
            this.headers = headers;
            this.body = body;
        }

        public String header(final String name)
        {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        @Override
        public String toString()
        {
            return status + " " + headers + " " + body;
        }
    }

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawHttpConnection(final int port) throws IOException
    {
        socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setTcpNoDelay(true);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
    }

    public RawHttpConnection write(final String text) throws IOException
    {
        return write(text.getBytes(StandardCharsets.UTF_8));
    }

    public RawHttpConnection write(final byte[] bytes) throws IOException
    {
        out.write(bytes);
        out.flush();
        return this;
    }

    /**
     * Read one response; its body by Content-Length, none when {@code isHead} or for an interim 1xx.
     */
    public Response read(final boolean isHead) throws IOException
    {
        final ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (true)
        {
            final int b = in.read();
            if (b < 0)
            {
                throw new IOException("closed after " + head.toString(StandardCharsets.ISO_8859_1));
            }
            head.write(b);
            final byte[] bytes = head.toByteArray();
            final int n = bytes.length;
            if (n >= 4 && '\r' == bytes[n - 4] && '\n' == bytes[n - 3] && '\r' == bytes[n - 2] && '\n' == bytes[n - 1])
            {
                break;
            }
        }
        final String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
        final int status = Integer.parseInt(lines[0].substring(9, 12));
        final Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++)
        {
            final int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = "";
        if (!isHead && status >= 200 && headers.containsKey("content-length"))
        {
            final byte[] bytes = in.readNBytes(Integer.parseInt(headers.get("content-length")));
            body = new String(bytes, StandardCharsets.UTF_8);
        }
        return new Response(status, headers, body);
    }

    public Response read() throws IOException
    {
        return read(false);
    }

    /**
     * @return true when the server closed the connection (end of stream) before the deadline.
     */
    public boolean isClosedByServer() throws IOException
    {
        try
        {
            return in.read() < 0;
        }
        catch (final IOException ex)
        {
            return true;
        }
    }

    @Override
    public void close() throws IOException
    {
        socket.close();
    }
}
