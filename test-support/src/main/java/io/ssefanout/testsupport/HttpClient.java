package io.ssefanout.testsupport;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * Sends raw bytes over a real socket and reads until the server closes: for single requests and for malformed
 * input that a well-behaved client library would refuse to send.
 */
public final class HttpClient
{
    private HttpClient()
    {
    }

    public static String exchange(final int port, final String request) throws IOException
    {
        return exchange(port, request.getBytes(StandardCharsets.UTF_8));
    }

    public static String exchange(final int port, final byte[] request) throws IOException
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(request);
            final InputStream in = socket.getInputStream();
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            final byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0)
            {
                out.write(buffer, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        }
    }

    public static int status(final String response)
    {
        return Integer.parseInt(response.substring(9, 12));
    }

    public static String body(final String response)
    {
        return response.substring(response.indexOf("\r\n\r\n") + 4);
    }

    public static String publishRequest(final String topic, final String data, final boolean close)
    {
        final byte[] body = data.getBytes(StandardCharsets.UTF_8);
        return "POST /publish/" + topic + " HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n" +
            (close ? "Connection: close\r\n" : "") + "\r\n" + data;
    }
}
