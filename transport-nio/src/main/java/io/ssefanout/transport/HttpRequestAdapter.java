package io.ssefanout.transport;

import io.ssefanout.codec.ChunkedBodyDecoder;
import io.ssefanout.codec.HttpMethod;
import io.ssefanout.codec.HttpRequestParser;
import io.ssefanout.codec.HttpStatus;
import io.ssefanout.engine.FanoutEngine;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Turns a connection's inbound bytes into requests: reads into the agent's buffer (keeping an incomplete request in
 * the connection's own, sized by its route), parses each head, finds its body (Content-Length or chunked, decoded in
 * place), routes it, and answers the small routes itself (health, metrics, the index page, preflight); publishes and
 * subscribes go to their handlers. Pipelined requests are handled in order.
 */
final class HttpRequestAdapter
{
    private static final String METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";
    /** The browser helper served at {@code /fanout.js}. */
    private static final byte[] BROWSER_HELPER = browserHelper();
    private static final int READ_BUFFER_LENGTH = 64 * 1024;

    private final FanoutServer.Context ctx;
    private final HttpRequestParser parser;
    private final HttpResponder responder;
    private final PublishHandler publishHandler;
    private final SubscribeHandler subscribeHandler;
    private final ScrapeThread scrapes;
    private final ParkedRequests parked;
    private final ConnectionTable table;
    private final CachedNanoClock clock;
    private final DrainState drainState;
    private final boolean isPublishLogEnabled;
    private final ByteBuffer readByteBuffer;
    private final UnsafeBuffer readBuffer;
    private final ByteBuffer continueResponse;
    private final ResponseWriter response;
    private final int payloadMaxLength;
    private final int publishBatchMaxLength;

    /** After a request handler returned 0 (incomplete): bytes of it to keep, from its start. */
    private int retainedRequestLength;
    /** Body of the request in hand, once complete (decoded when chunked). */
    private int bodyOffset;
    private int bodyLength;

    HttpRequestAdapter(
        final FanoutServer.Context ctx,
        final FanoutEngine engine,
        final HttpRequestParser parser,
        final HttpResponder responder,
        final PublishHandler publishHandler,
        final SubscribeHandler subscribeHandler,
        final ScrapeThread scrapes,
        final ParkedRequests parked,
        final ConnectionTable table,
        final CachedNanoClock clock,
        final DrainState drainState)
    {
        this.ctx = ctx;
        this.parser = parser;
        this.responder = responder;
        this.response = responder.response();
        this.publishHandler = publishHandler;
        this.subscribeHandler = subscribeHandler;
        this.scrapes = scrapes;
        this.parked = parked;
        this.table = table;
        this.clock = clock;
        this.drainState = drainState;
        this.isPublishLogEnabled = ctx.accessLog().isPublishLogEnabled();
        this.readByteBuffer = ByteBuffer.allocateDirect(READ_BUFFER_LENGTH);
        this.readBuffer = new UnsafeBuffer(readByteBuffer);
        this.continueResponse = ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        this.payloadMaxLength = engine.context().payloadMaxLength();
        this.publishBatchMaxLength = ctx.publishBatchMaxLength();
    }

    /**
     * Free the read buffer. Once, when the agent closes.
     */
    void close()
    {
        BufferUtil.free(readByteBuffer);
    }

    void onReadable(final Connection connection) throws IOException
    {
        if (ConnectionState.PARKED == connection.state)
        {
            return;
        }
        if (ConnectionState.READING_REQUESTS != connection.state)
        {
            readByteBuffer.clear();
            if (connection.channel.read(readByteBuffer) < 0)
            {
                table.close(connection, "client-closed");
            }
            return;
        }

        final ByteBuffer target;
        final UnsafeBuffer view;
        if (null != connection.inByteBuffer)
        {
            target = connection.inByteBuffer;
            target.limit(target.capacity()).position(connection.inLength);
            view = connection.inBuffer;
        }
        else
        {
            target = readByteBuffer;
            target.clear();
            view = readBuffer;
        }

        if (!target.hasRemaining())
        {
            // cannot happen while buffers are sized by the limits; if it did, reading would never progress
            responder.respondAndClose(connection, HttpStatus.PAYLOAD_TOO_LARGE, "request larger than its buffer");
            return;
        }
        final int bytesRead = connection.channel.read(target);
        if (bytesRead < 0)
        {
            table.close(connection, "client-closed");
            return;
        }
        if (0 == bytesRead)
        {
            return;
        }
        connection.lastActivityNs = clock.nanoTime();
        if (0 == connection.requestStartNs)
        {
            connection.requestStartNs = clock.nanoTime();
        }

        handleRequests(connection, view, target.position());
    }

    /**
     * {@link ScrapeThread} rendered a parked scrape: answer it ({@code 503} if rendering failed).
     */
    void answerScrape(
        final Connection connection,
        final boolean keepAlive,
        final boolean isHead,
        final byte[] origin,
        final byte[] body) throws IOException
    {
        final UnsafeBuffer originBuffer = new UnsafeBuffer(null == origin ? new byte[0] : origin);
        responder.onRequest(isHead);
        if (null == body)
        {
            responder.send(connection, response.simple(HttpStatus.SERVICE_UNAVAILABLE, "metrics unavailable\n",
                keepAlive, originBuffer, 0, originBuffer.capacity()), keepAlive);
            return;
        }
        responder.respondBytes(connection, METRICS_CONTENT_TYPE, body, originBuffer, 0, originBuffer.capacity(),
            keepAlive);
    }

    /**
     * A parked connection was let go: handle the requests it sent meanwhile (or the one that waited), kept in its own
     * buffer.
     */
    void onRetainedBytes(final Connection connection) throws IOException
    {
        if (0 == connection.requestStartNs)
        {
            connection.requestStartNs = clock.nanoTime();
        }
        handleRequests(connection, connection.inBuffer, connection.inLength);
    }

    private void handleRequests(final Connection connection, final UnsafeBuffer view, final int bytes)
        throws IOException
    {
        int length = bytes;
        int offset = 0;
        while (offset < length && ConnectionState.READING_REQUESTS == connection.state)
        {
            final int consumed = onRequestBytes(connection, view, offset, length - offset);
            if (consumed <= 0)
            {
                if (0 == consumed)
                {
                    // a chunked body is decoded in place as it arrives: less may be left to keep than was read
                    length = offset + retainedRequestLength;
                }
                break;
            }
            offset += consumed;
            connection.requestStartNs = offset < length ? clock.nanoTime() : 0;
        }

        final int leftover = length - offset;
        if ((ConnectionState.READING_REQUESTS == connection.state || ConnectionState.PARKED == connection.state) &&
            leftover > 0)
        {
            keepRequestBytes(connection, view, offset, leftover);
        }
        else
        {
            connection.inLength = 0;
            if (ConnectionState.STREAMING == connection.state && null != connection.inByteBuffer)
            {
                connection.inByteBuffer = null;
                connection.inBuffer = null;
            }
        }
    }

    /**
     * Keep the start of an incomplete request for the next read, in a buffer that can hold the largest request its
     * route allows (grown for a batch publish). Control path: only for requests split across reads.
     */
    void keepRequestBytes(final Connection connection, final UnsafeBuffer view, final int offset, final int leftover)
    {
        final int capacity = Math.max(
            ctx.headerMaxLength() + payloadMaxLength + 1024, connection.inCapacityNeeded);
        if (null == connection.inByteBuffer || connection.inByteBuffer.capacity() < capacity)
        {
            final ByteBuffer grown = ByteBuffer.allocateDirect(capacity);
            final UnsafeBuffer grownView = new UnsafeBuffer(grown);
            grownView.putBytes(0, view, offset, leftover);
            connection.inByteBuffer = grown;
            connection.inBuffer = grownView;
        }
        else if (view != connection.inBuffer || offset > 0)
        {
            connection.inBuffer.putBytes(0, view, offset, leftover);
        }
        connection.inLength = leftover;
    }

    /**
     * Handle one complete request if the bytes hold one.
     *
     * @return bytes consumed, 0 when more are needed, -1 when the connection is done with requests.
     */
    int onRequestBytes(final Connection connection, final UnsafeBuffer buffer, final int offset, final int length)
        throws IOException
    {
        responder.onRequest(false);
        retainedRequestLength = length;
        if (connection.pendingHeadLength > 0 && isBodyStillArriving(connection, buffer, offset, length))
        {
            return 0;
        }
        final int headLength = parser.parse(buffer, offset, length);
        if (HttpRequestParser.NEED_MORE == headLength)
        {
            return 0;
        }
        if (HttpRequestParser.ERROR == headLength)
        {
            responder.reject(connection, parser.errorStatus(), parser.errorReason(), buffer, false);
            return -1;
        }

        connection.requestCount++;
        connection.requestId = parser.requestIdLength() > 0 && (isPublishLogEnabled || !isPublishPath(buffer)) ?
            buffer.getStringWithoutLengthAscii(parser.requestIdOffset(), Math.min(parser.requestIdLength(), 128)) :
            null;
        final int targetOffset = parser.targetOffset();
        final int targetLength = parser.targetLength();
        int pathLength = targetLength;
        for (int i = 0; i < targetLength; i++)
        {
            if ('?' == buffer.getByte(targetOffset + i))
            {
                pathLength = i;
                break;
            }
        }
        final boolean isOperatorPath = RequestTarget.pathEquals(buffer, targetOffset, pathLength, "/health") ||
            RequestTarget.pathEquals(buffer, targetOffset, pathLength, "/metrics");
        if (connection.isOverLimit && !isOperatorPath)
        {
            connection.closeReason = "over-limit";
            responder.rejectOverLimit(connection, buffer);
            return -1;
        }

        // past a connection limit, health and metrics are still answered (an operator needs them most then), once
        final boolean keepAlive = parser.isKeepAlive() && !drainState.isDraining() && !connection.isOverLimit;
        final int queryOffset = targetOffset + pathLength + 1;
        final int queryLength = Math.max(0, targetLength - pathLength - 1);
        final HttpMethod method = parser.method();

        responder.onRequest(HttpMethod.HEAD == method);
        final boolean isHeadRequest = responder.isHeadRequest();
        final boolean isBatchPublish = RequestTarget.pathEquals(buffer, targetOffset, pathLength, "/publish");
        if (isBatchPublish || RequestTarget.startsWith(buffer, targetOffset, pathLength, "/publish/"))
        {
            if (HttpMethod.OPTIONS == method)
            {
                return responder.respondPreflight(connection, buffer, keepAlive, headLength);
            }
            if (HttpMethod.POST != method)
            {
                responder.rejectMethod(connection, "POST, OPTIONS", buffer, keepAlive);
                return keepAlive ? headLength : -1;
            }
            final int requestLength = readBody(
                connection, buffer, offset, headLength, length, isBatchPublish ? publishBatchMaxLength : payloadMaxLength);
            if (requestLength <= 0)
            {
                return requestLength;
            }
            if (isBatchPublish)
            {
                publishHandler.onPublishBatch(connection, buffer, queryOffset, queryLength, bodyOffset, bodyLength, keepAlive);
            }
            else
            {
                publishHandler.onPublish(
                    connection, buffer, targetOffset + 9, pathLength - 9, queryOffset, queryLength,
                    bodyOffset, bodyLength, keepAlive);
            }
            return ConnectionState.CLOSING == connection.state ? -1 : requestLength;
        }

        if (parser.contentLength() > 0 || parser.isChunked())
        {
            responder.reject(connection, HttpStatus.BAD_REQUEST, "unexpected request body", buffer, false);
            return -1;
        }

        if (RequestTarget.pathEquals(buffer, targetOffset, pathLength, "/sse") || RequestTarget.startsWith(buffer, targetOffset, pathLength, "/sse/"))
        {
            if (HttpMethod.OPTIONS == method)
            {
                return responder.respondPreflight(connection, buffer, keepAlive, headLength);
            }
            if (HttpMethod.GET != method && !isHeadRequest)
            {
                responder.rejectMethod(connection, "GET, HEAD, OPTIONS", buffer, keepAlive);
                return keepAlive ? headLength : -1;
            }
            subscribeHandler.onSubscribe(connection, buffer, targetOffset, pathLength, queryOffset, queryLength, keepAlive);
            if (ConnectionState.PARKED == connection.state)
            {
                // waits for this node's log to reach its resume point: kept whole, handled again when let go
                retainedRequestLength = length;
                return 0;
            }
            return ConnectionState.STREAMING == connection.state || (isHeadRequest && keepAlive &&
                ConnectionState.READING_REQUESTS == connection.state) ? headLength : -1;
        }

        if (RequestTarget.pathEquals(buffer, targetOffset, pathLength, "/health"))
        {
            if (HttpMethod.GET != method && !isHeadRequest)
            {
                responder.rejectMethod(connection, "GET, HEAD", buffer, keepAlive);
                return keepAlive ? headLength : -1;
            }
            final String problem = drainState.isDraining() ? "draining" :
                null == ctx.cluster() ? null : ctx.cluster().healthProblem();
            responder.send(connection, response.simple(
                null == problem ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE, null == problem ? "ok\n" : problem + "\n",
                keepAlive, buffer, parser.originOffset(), parser.originLength()),
                keepAlive);
            return keepAlive ? headLength : -1;
        }

        if (RequestTarget.pathEquals(buffer, targetOffset, pathLength, "/metrics"))
        {
            if (HttpMethod.GET != method && !isHeadRequest)
            {
                responder.rejectMethod(connection, "GET, HEAD", buffer, keepAlive);
                return keepAlive ? headLength : -1;
            }
            if (!scrapes.offer(parked.scrapeDoneFor(connection, keepAlive, isHeadRequest, parser.originBytes(buffer))))
            {
                responder.rejectUnavailable(connection, "too many scrapes at once", buffer, keepAlive);
                return keepAlive ? headLength : -1;
            }
            // answered from the agent's completions, which it polls after this: parking now is in time
            parked.park(connection);
            return headLength;
        }

        if (RequestTarget.pathEquals(buffer, targetOffset, pathLength, "/fanout.js"))
        {
            if (HttpMethod.GET != method && !isHeadRequest)
            {
                responder.rejectMethod(connection, "GET, HEAD", buffer, keepAlive);
                return keepAlive ? headLength : -1;
            }
            responder.respondBytes(connection, "text/javascript; charset=utf-8", BROWSER_HELPER, buffer, keepAlive);
            return keepAlive ? headLength : -1;
        }

        if (RequestTarget.pathEquals(buffer, targetOffset, pathLength, "/") && null != ctx.indexPage())
        {
            if (HttpMethod.GET != method && !isHeadRequest)
            {
                responder.rejectMethod(connection, "GET, HEAD", buffer, keepAlive);
                return keepAlive ? headLength : -1;
            }
            responder.respondBytes(connection, "text/html; charset=utf-8", ctx.indexPage(), buffer, keepAlive);
            return keepAlive ? headLength : -1;
        }

        if (HttpMethod.OTHER == method)
        {
            responder.reject(connection, HttpStatus.METHOD_NOT_ALLOWED, "unknown method", buffer, false);
            return -1;
        }
        responder.reject(connection, HttpStatus.NOT_FOUND, "no such path", buffer, keepAlive);
        return keepAlive ? headLength : -1;
    }

    /**
     * Find the request's body, framed by Content-Length or chunked. A chunked body is decoded in place across reads;
     * either framing may wait for {@code Expect: 100-continue} to be answered.
     *
     * @return length of the whole request once its body is complete ({@link #bodyOffset} and {@link #bodyLength}
     * set), 0 while incomplete ({@link #retainedRequestLength} set), -1 after a rejection that closes.
     */
    int readBody(
        final Connection connection,
        final UnsafeBuffer buffer,
        final int offset,
        final int headLength,
        final int length,
        final int bodyMaxLength) throws IOException
    {
        final int bodyStart = offset + headLength;
        if (parser.isChunked())
        {
            ChunkedBodyDecoder decoder = connection.chunkedBodyDecoder;
            if (null == decoder)
            {
                decoder = new ChunkedBodyDecoder();
                connection.chunkedBodyDecoder = decoder;
            }
            if (!connection.isDecodingChunkedBody)
            {
                decoder.reset(bodyMaxLength, ctx.headerMaxLength() - headLength, ctx.headerMaxCount() - parser.headerCount());
                connection.isDecodingChunkedBody = true;
            }
            int result = connection.chunkedBodyResult;
            if (ChunkedBodyDecoder.NEED_MORE == result)
            {
                result = decoder.decode(buffer, bodyStart, length - headLength);
            }
            connection.chunkedBodyResult = ChunkedBodyDecoder.NEED_MORE;
            if (ChunkedBodyDecoder.NEED_MORE == result)
            {
                retainedRequestLength = headLength + decoder.retainedLength();
                // the head and the trailers together stay within the header limit; one partial size line at most
                return awaitBody(connection, headLength, 0,
                    ctx.headerMaxLength() + bodyMaxLength + ChunkedBodyDecoder.SIZE_LINE_MAX_LENGTH);
            }
            connection.pendingHeadLength = 0;
            connection.isDecodingChunkedBody = false;
            connection.isContinueSent = false;
            if (ChunkedBodyDecoder.ERROR == result)
            {
                responder.reject(connection, decoder.errorStatus(), decoder.errorReason(), buffer, false);
                return -1;
            }
            bodyOffset = bodyStart;
            bodyLength = decoder.decodedLength();
            return headLength + result;
        }

        final long contentLength = parser.contentLength();
        if (contentLength < 0)
        {
            responder.reject(connection, HttpStatus.LENGTH_REQUIRED, "Content-Length or a chunked body required", buffer, false);
            return -1;
        }
        if (contentLength > bodyMaxLength)
        {
            responder.reject(connection, HttpStatus.PAYLOAD_TOO_LARGE, "payload larger than limit", buffer, false);
            return -1;
        }
        if (length < headLength + contentLength)
        {
            retainedRequestLength = length;
            return awaitBody(connection, headLength, headLength + (int)contentLength, headLength + (int)contentLength);
        }
        connection.pendingHeadLength = 0;
        connection.isContinueSent = false;
        bodyOffset = bodyStart;
        bodyLength = (int)contentLength;
        return headLength + (int)contentLength;
    }

    /**
     * For a request whose head was read and whose body is still arriving: feed a chunked body to its decoder, or
     * count a fixed one's bytes, without parsing the head again on every read (a slow body would otherwise cost a
     * head parse per read). When the body is complete (or broken), the head is parsed once more and the request goes
     * the usual way, the decoder's result kept for it.
     *
     * @return true while more is needed; {@link #retainedRequestLength} says what to keep.
     */
    private boolean isBodyStillArriving(
        final Connection connection, final UnsafeBuffer buffer, final int offset, final int length)
    {
        final int headLength = connection.pendingHeadLength;
        if (connection.isDecodingChunkedBody)
        {
            final ChunkedBodyDecoder decoder = connection.chunkedBodyDecoder;
            final int result = decoder.decode(buffer, offset + headLength, length - headLength);
            if (ChunkedBodyDecoder.NEED_MORE == result)
            {
                retainedRequestLength = headLength + decoder.retainedLength();
                return true;
            }
            connection.chunkedBodyResult = result;
            return false;
        }
        return length < connection.pendingRequestLength;
    }

    /**
     * The body is incomplete: remember where it starts (so the next reads skip the head), make room for it and, once
     * per request, tell a client that waits for it to send it.
     *
     * @param requestLength the whole request's length when known (Content-Length), else 0.
     */
    int awaitBody(
        final Connection connection, final int headLength, final int requestLength, final int requestMaxLength)
        throws IOException
    {
        connection.pendingHeadLength = headLength;
        connection.pendingRequestLength = requestLength;
        connection.inCapacityNeeded = Math.max(connection.inCapacityNeeded, requestMaxLength + 1024);
        if (parser.expectsContinue() && !connection.isContinueSent)
        {
            connection.isContinueSent = true;
            responder.writeInOrder(connection, continueResponse.duplicate());
        }
        return 0;
    }

    boolean isPublishPath(final DirectBuffer buffer)
    {
        return RequestTarget.startsWith(buffer, parser.targetOffset(), parser.targetLength(), "/publish/");
    }

    private static byte[] browserHelper()
    {
        try (java.io.InputStream in = HttpRequestAdapter.class.getResourceAsStream("fanout.js"))
        {
            return null == in ? new byte[0] : in.readAllBytes();
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }
}
