package io.ssefanout.transport;

import io.ssefanout.codec.HttpRequestParser;
import io.ssefanout.codec.HttpStatus;
import io.ssefanout.codec.SseFrameEncoder;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Every answer to a request: the status responses and rejections (each counted by status), CORS and preflight,
 * small bodies, and writing them in order behind whatever a connection has pending. A HEAD request gets the same
 * head without the body. Owns the agent's {@link ResponseWriter}; request handlers build larger answers in it
 * ({@link #response()}) and hand them to {@link #send}. Closes a connection through the {@link ConnectionTable}
 * once a non-keep-alive answer is out.
 */
final class HttpResponder
{
    private final FanoutServer.Context ctx;
    private final HttpRequestParser parser;
    private final ResponseWriter response;
    private final ConnectionTable table;
    private final TransportCounters counters;
    private final CachedNanoClock clock;
    private final UnsafeBuffer emptyRequest = new UnsafeBuffer(new byte[0]);
    private boolean isHeadRequest;

    HttpResponder(
        final FanoutServer.Context ctx,
        final HttpRequestParser parser,
        final ResponseWriter response,
        final ConnectionTable table,
        final TransportCounters counters,
        final CachedNanoClock clock)
    {
        this.ctx = ctx;
        this.parser = parser;
        this.response = response;
        this.table = table;
        this.counters = counters;
        this.clock = clock;
    }

    /**
     * A new request is in hand: whether its answers carry a body.
     */
    void onRequest(final boolean isHead)
    {
        isHeadRequest = isHead;
    }

    boolean isHeadRequest()
    {
        return isHeadRequest;
    }

    ResponseWriter response()
    {
        return response;
    }

    int respondPreflight(
        final Connection connection, final DirectBuffer request, final boolean keepAlive, final int headLength)
        throws IOException
    {
        response.begin(HttpStatus.NO_CONTENT)
            .header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            .header("Access-Control-Allow-Headers", "Last-Event-ID, Content-Type, Authorization, X-Request-ID")
            .header("Access-Control-Max-Age", 86400);
        if (!keepAlive)
        {
            response.header("Connection", "close");
        }
        response.cors(request, parser.originOffset(), parser.originLength()).endHeaders();
        send(connection, response, keepAlive);
        return keepAlive ? headLength : -1;
    }

    void respondBytes(
        final Connection connection,
        final String contentType,
        final byte[] body,
        final DirectBuffer request,
        final boolean keepAlive) throws IOException
    {
        respondBytes(connection, contentType, body, request, parser.originOffset(), parser.originLength(), keepAlive);
    }

    /**
     * Answer {@code 200} with a body, the request's Origin given apart (a request answered after the parser moved on).
     */
    void respondBytes(
        final Connection connection,
        final String contentType,
        final byte[] body,
        final DirectBuffer origin,
        final int originOffset,
        final int originLength,
        final boolean keepAlive) throws IOException
    {
        response.begin(HttpStatus.OK)
            .header("Content-Type", contentType)
            .header("Content-Length", body.length)
            .header("Cache-Control", "no-store");
        if (!keepAlive)
        {
            response.header("Connection", "close");
        }
        response.cors(origin, originOffset, originLength).endHeaders();
        connection.appendPendingOut(response.byteBuffer());
        if (!isHeadRequest)
        {
            connection.appendPendingOut(ByteBuffer.wrap(body));
        }
        if (!keepAlive)
        {
            connection.state = ConnectionState.CLOSING;
        }
        if (!connection.isWriteBlocked && flushPendingOut(connection) && !keepAlive)
        {
            table.close(connection);
        }
    }

    void rejectMethod(
        final Connection connection, final String allow, final DirectBuffer request, final boolean keepAlive)
        throws IOException
    {
        counters.get(TransportCounterDescriptor.REJECTS_METHOD_NOT_ALLOWED).increment();
        send(connection, response.simple(HttpStatus.METHOD_NOT_ALLOWED, "Allow", allow, "method not allowed\n",
            keepAlive, request, parser.originOffset(), parser.originLength()), keepAlive);
    }

    void rejectUnauthorized(
        final Connection connection, final String reason, final DirectBuffer request, final boolean keepAlive)
        throws IOException
    {
        counters.get(TransportCounterDescriptor.REJECTS_UNAUTHORIZED).increment();
        if (!keepAlive)
        {
            connection.closeReason = "unauthorized";
        }
        final String challenge = null == reason ? "Bearer realm=\"fanout\"" :
            "Bearer realm=\"fanout\", error=\"invalid_token\", error_description=\"" + reason + "\"";
        send(connection, response.simple(HttpStatus.UNAUTHORIZED, "WWW-Authenticate", challenge,
            (null == reason ? "token required" : reason) + "\n",
            keepAlive, request, parser.originOffset(), parser.originLength()), keepAlive);
    }

    void rejectForbidden(final Connection connection, final DirectBuffer request, final boolean keepAlive)
        throws IOException
    {
        counters.get(TransportCounterDescriptor.REJECTS_FORBIDDEN).increment();
        if (!keepAlive)
        {
            connection.closeReason = "forbidden";
        }
        send(connection, response.simple(HttpStatus.FORBIDDEN, "token does not cover this topic\n", keepAlive,
            request, parser.originOffset(), parser.originLength()), keepAlive);
    }

    /**
     * Past a connection limit. Any answer but 200 stops a browser's EventSource for good, so an event-stream client
     * gets 200 with a jittered retry: and a close, and comes back later; other clients get 503.
     */
    void rejectOverLimit(final Connection connection, final DirectBuffer request) throws IOException
    {
        counters.get(TransportCounterDescriptor.REJECTS_OVER_LIMIT).increment();
        if (parser.acceptsEventStream())
        {
            response.begin(HttpStatus.OK)
                .header("Content-Type", "text/event-stream; charset=utf-8")
                .header("Cache-Control", "no-cache")
                .header("Connection", "close")
                .cors(request, parser.originOffset(), parser.originLength())
                .endHeaders();
            final long retryMs = ctx.retryHintMs() + ThreadLocalRandom.current().nextLong(ctx.retryHintMs() * 4 + 1);
            final int length = response.length() +
                SseFrameEncoder.encodeRetry(response.buffer(), response.length(), false, retryMs);
            final ByteBuffer bytes = response.byteBuffer();
            bytes.limit(length);
            connection.appendPendingOut(bytes);
            connection.state = ConnectionState.CLOSING;
            if (flushPendingOut(connection))
            {
                table.close(connection);
            }
            return;
        }
        rejectUnavailable(connection, "connection limit reached", request, false);
    }

    void rejectUnavailable(
        final Connection connection, final String reason, final DirectBuffer request, final boolean keepAlive)
        throws IOException
    {
        counters.get(TransportCounterDescriptor.REJECTS_UNAVAILABLE).increment();
        send(connection, response.simple(HttpStatus.SERVICE_UNAVAILABLE, "Retry-After", "1", reason + "\n",
            keepAlive, request, parser.originOffset(), parser.originLength()), keepAlive);
    }

    void reject(
        final Connection connection,
        final int status,
        final String reason,
        final DirectBuffer request,
        final boolean keepAlive) throws IOException
    {
        counters.onReject(status);
        if (!keepAlive && null == connection.closeReason)
        {
            connection.closeReason = "rejected";
        }
        final boolean hasOrigin = HttpStatus.BAD_REQUEST != status || parser.originLength() >= 0;
        send(connection, response.simple(
            status, reason + "\n", keepAlive, request,
            hasOrigin ? parser.originOffset() : 0, hasOrigin ? parser.originLength() : -1), keepAlive);
    }

    void respondAndClose(final Connection connection, final int status, final String reason)
    {
        isHeadRequest = false;
        try
        {
            send(connection, response.simple(status, reason + "\n", false, emptyRequest, 0, -1), false);
        }
        catch (final IOException ex)
        {
            table.close(connection, "io-error");
        }
    }

    /**
     * Send a response built in {@link #response}; keeps order behind anything pending. When not keep-alive the
     * connection closes once the bytes are out.
     */
    void send(final Connection connection, final ResponseWriter writer, final boolean keepAlive)
        throws IOException
    {
        writeInOrder(connection, isHeadRequest ? writer.headersByteBuffer() : writer.byteBuffer());
        if (!keepAlive)
        {
            connection.state = ConnectionState.CLOSING;
            if (!connection.hasPendingOut())
            {
                table.close(connection);
            }
        }
    }

    /**
     * Write now if nothing is pending, and keep what the socket does not take behind anything that is.
     */
    void writeInOrder(final Connection connection, final ByteBuffer bytes) throws IOException
    {
        if (!connection.hasPendingOut())
        {
            connection.channel.write(bytes);
            counters.pendingWrites++;
        }
        if (bytes.hasRemaining())
        {
            connection.appendPendingOut(bytes);
            if (!connection.isWriteBlocked)
            {
                connection.awaitWritable();
            }
        }
    }

    /**
     * @return true when nothing is left pending.
     */
    boolean flushPendingOut(final Connection connection) throws IOException
    {
        final ByteBuffer pending = connection.pendingOut;
        if (null == pending)
        {
            return true;
        }
        final int bytesWritten = connection.channel.write(pending);
        counters.pendingWrites++;
        counters.pendingBytes += bytesWritten;
        connection.bytesSent += bytesWritten;
        if (pending.hasRemaining())
        {
            counters.pendingShortWrites++;
            connection.awaitWritable();
            return false;
        }
        connection.pendingOut = null;
        connection.lastWriteNs = clock.nanoTime();
        return true;
    }
}
