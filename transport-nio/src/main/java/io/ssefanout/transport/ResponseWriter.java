package io.ssefanout.transport;

import io.ssefanout.codec.HttpStatus;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * Builds HTTP/1.1 responses into one direct buffer owned by an I/O agent, without allocating: status line,
 * headers, optional CORS header and body. Single-threaded.
 */
final class ResponseWriter
{
    private static final byte[] CRLF = { '\r', '\n' };

    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer buffer;
    private final CorsPolicy corsPolicy;
    private int length;
    private int headersLength;

    ResponseWriter(final int capacity, final CorsPolicy corsPolicy)
    {
        this.byteBuffer = ByteBuffer.allocateDirect(capacity);
        this.buffer = new UnsafeBuffer(byteBuffer);
        this.corsPolicy = corsPolicy;
    }

    ResponseWriter begin(final int status)
    {
        length = 0;
        headersLength = 0;
        ascii("HTTP/1.1 ");
        length += buffer.putIntAscii(length, status);
        ascii(" ");
        ascii(HttpStatus.reasonPhrase(status));
        return crlf();
    }

    ResponseWriter header(final String name, final String value)
    {
        ascii(name);
        ascii(": ");
        ascii(value);
        return crlf();
    }

    ResponseWriter header(final String name, final long value)
    {
        ascii(name);
        ascii(": ");
        length += buffer.putLongAscii(length, value);
        return crlf();
    }

    ResponseWriter cors(final DirectBuffer request, final int originOffset, final int originLength)
    {
        length = corsPolicy.putHeaders(buffer, length, request, originOffset, originLength);
        return this;
    }

    ResponseWriter endHeaders()
    {
        crlf();
        headersLength = length;
        return this;
    }

    ResponseWriter body(final String text)
    {
        ascii(text);
        return this;
    }

    ResponseWriter body(final byte[] bytes)
    {
        buffer.putBytes(length, bytes);
        length += bytes.length;
        return this;
    }

    ResponseWriter bodyLong(final long value)
    {
        length += buffer.putLongAscii(length, value);
        return this;
    }

    /**
     * Convenience: a complete small response with a text body.
     */
    ResponseWriter simple(
        final int status,
        final String body,
        final boolean keepAlive,
        final DirectBuffer request,
        final int originOffset,
        final int originLength)
    {
        return simple(status, null, null, body, keepAlive, request, originOffset, originLength);
    }

    /**
     * Convenience: a complete small response with a text body and one extra header (none when its name is null).
     */
    ResponseWriter simple(
        final int status,
        final String headerName,
        final String headerValue,
        final String body,
        final boolean keepAlive,
        final DirectBuffer request,
        final int originOffset,
        final int originLength)
    {
        begin(status);
        if (null != headerName)
        {
            header(headerName, headerValue);
        }
        header("Content-Type", "text/plain; charset=utf-8")
            .header("Content-Length", body.length())
            .header("Cache-Control", "no-store");
        if (!keepAlive)
        {
            header("Connection", "close");
        }
        cors(request, originOffset, originLength);
        endHeaders();
        return body(body);
    }

    int length()
    {
        return length;
    }

    UnsafeBuffer buffer()
    {
        return buffer;
    }

    ByteBuffer byteBuffer()
    {
        byteBuffer.limit(length).position(0);
        return byteBuffer;
    }

    /**
     * @return the response without its body, as a HEAD request is answered.
     */
    ByteBuffer headersByteBuffer()
    {
        byteBuffer.limit(0 == headersLength ? length : headersLength).position(0);
        return byteBuffer;
    }

    void free()
    {
        BufferUtil.free(byteBuffer);
    }

    private void ascii(final String text)
    {
        length += buffer.putStringWithoutLengthAscii(length, text);
    }

    private ResponseWriter crlf()
    {
        buffer.putBytes(length, CRLF);
        length += 2;
        return this;
    }
}
