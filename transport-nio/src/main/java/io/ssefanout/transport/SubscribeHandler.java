package io.ssefanout.transport;

import io.ssefanout.codec.ChunkFramingStripper;
import io.ssefanout.codec.HttpRequestParser;
import io.ssefanout.codec.HttpStatus;
import io.ssefanout.codec.PercentDecoder;
import io.ssefanout.codec.SseFrameEncoder;
import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.engine.LogReader;
import io.ssefanout.engine.Subscription;
import io.ssefanout.engine.Topic;
import io.ssefanout.engine.TopicRegistry;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * {@code GET /sse/{topic}} and {@code GET /sse?topic=...} (and their HEAD): names checked and authorized before any
 * topic is created, the resume point read, the engine subscription made, the stream's head and preamble (retry hint,
 * reset when history is gone) queued, and the connection put under its topics for the fan-out pass.
 */
final class SubscribeHandler
{
    private static final long MAX_EXACT_JS_INTEGER = (1L << 53) - 1;

    private final FanoutServer.Context ctx;
    private final LogReader logReader;
    private final FanoutEngine engine;
    private final TopicRegistry topicRegistry;
    private final HttpRequestParser parser;
    private final HttpResponder responder;
    private final ResponseWriter response;
    private final RequestAuthorizer authorizer;
    private final TopicSubscriberIndex index;
    private final SubscriberWriter writer;
    private final TransportCounters counters;
    private final CachedNanoClock clock;
    private final DrainState drainState;
    private final boolean isChunked;
    private final UnsafeBuffer scratch;
    private final UnsafeBuffer eventIdScratch = new UnsafeBuffer(new byte[256]);

    SubscribeHandler(
        final FanoutServer.Context ctx,
        final FanoutEngine engine,
        final LogReader logReader,
        final HttpRequestParser parser,
        final HttpResponder responder,
        final RequestAuthorizer authorizer,
        final TopicSubscriberIndex index,
        final SubscriberWriter writer,
        final TransportCounters counters,
        final CachedNanoClock clock,
        final DrainState drainState)
    {
        this.ctx = ctx;
        this.engine = engine;
        this.logReader = logReader;
        this.topicRegistry = engine.topics();
        this.parser = parser;
        this.responder = responder;
        this.response = responder.response();
        this.authorizer = authorizer;
        this.index = index;
        this.writer = writer;
        this.counters = counters;
        this.clock = clock;
        this.drainState = drainState;
        this.isChunked = engine.context().chunked();
        this.scratch = new UnsafeBuffer(new byte[Math.max(ctx.requestLineMaxLength(), TopicRegistry.MAX_TOPIC_NAME_LENGTH)]);
    }

    void onSubscribe(
        final Connection connection,
        final UnsafeBuffer buffer,
        final int pathOffset,
        final int pathLength,
        final int queryOffset,
        final int queryLength,
        final boolean keepAlive) throws IOException
    {
        if (drainState.isDraining())
        {
            responder.rejectUnavailable(connection, "shutting down", buffer, false);
            return;
        }

        // names first, checked and authorized before any topic is created: a refused request leaves nothing behind
        String[] names;
        if (pathLength > 5)
        {
            final String name = topicName(buffer, pathOffset + 5, pathLength - 5, false);
            if (null == name)
            {
                responder.reject(connection, HttpStatus.BAD_REQUEST, "invalid topic name", buffer, false);
                return;
            }
            names = new String[]{ name };
        }
        else
        {
            names = new String[0];
            final int queryEnd = queryOffset + queryLength;
            int from = 0;
            int valueOffset;
            while ((valueOffset = RequestTarget.findQueryParameter(buffer, queryOffset, queryLength, "topic", from)) >= 0)
            {
                final int valueLength = RequestTarget.queryValueLength(buffer, valueOffset, queryEnd);
                final String name = topicName(buffer, valueOffset, valueLength, true);
                if (null == name)
                {
                    responder.reject(connection, HttpStatus.BAD_REQUEST, "invalid topic name", buffer, false);
                    return;
                }
                if (!Arrays.asList(names).contains(name))
                {
                    if (names.length >= ctx.topicsPerSubscriptionMax())
                    {
                        responder.reject(connection, HttpStatus.BAD_REQUEST, "too many topics", buffer, false);
                        return;
                    }
                    names = Arrays.copyOf(names, names.length + 1);
                    names[names.length - 1] = name;
                }
                from = valueOffset + valueLength - queryOffset;
            }
            if (0 == names.length)
            {
                responder.reject(connection, HttpStatus.BAD_REQUEST, "no topic: use /sse/{topic} or /sse?topic=a&topic=b", buffer, false);
                return;
            }
        }

        long expiresAtMs = Long.MAX_VALUE;
        if (authorizer.isEnabled())
        {
            final TopicRights rights = authorizer.authorize(connection, buffer, queryOffset, queryLength, false);
            if (null == rights)
            {
                return;
            }
            for (final String name : names)
            {
                if (!rights.canSubscribe(name))
                {
                    responder.rejectForbidden(connection, buffer, false);
                    return;
                }
            }
            expiresAtMs = rights.expiresAtMs();
        }

        long lastEventId = -1;
        if (parser.lastEventIdLength() >= 0)
        {
            lastEventId = parseEventId(buffer, parser.lastEventIdOffset(), parser.lastEventIdLength());
        }
        else
        {
            final int idParam = RequestTarget.findQueryParameter(buffer, queryOffset, queryLength, "lastEventId", 0);
            if (idParam >= 0)
            {
                final int valueLength = RequestTarget.queryValueLength(buffer, idParam, queryOffset + queryLength);
                final int idLength = valueLength > eventIdScratch.capacity() ? -1 :
                    PercentDecoder.decode(buffer, idParam, valueLength, true, eventIdScratch, 0);
                lastEventId = idLength < 0 ? Long.MAX_VALUE : parseEventId(eventIdScratch, 0, idLength);
            }
        }

        if (responder.isHeadRequest())
        {
            // the answer a GET would start with, and no stream
            eventStreamHeaders(buffer, isChunked && 1 == parser.minorVersion(), keepAlive);
            responder.send(connection, response, keepAlive);
            return;
        }

        final Topic[] topics = new Topic[names.length];
        for (int i = 0; i < names.length; i++)
        {
            topics[i] = engine.topic(names[i]);
            if (null == topics[i])
            {
                responder.rejectUnavailable(connection, "topic limit reached", buffer, false);
                return;
            }
        }
        connection.expiresAtMs = expiresAtMs;
        // HTTP/1.0 has no chunked coding (RFC 9112 §6.1): its stream is close-delimited, its frames stripped of framing
        connection.isChunkedBody = isChunked && 1 == parser.minorVersion();
        if (isChunked && !connection.isChunkedBody)
        {
            connection.chunkFramingStripper = new ChunkFramingStripper();
        }

        final int clientIdParam = RequestTarget.findQueryParameter(buffer, queryOffset, queryLength, "clientId", 0);
        if (clientIdParam >= 0)
        {
            final int length = Math.min(128, RequestTarget.queryValueLength(buffer, clientIdParam, queryOffset + queryLength));
            connection.clientId = buffer.getStringWithoutLengthAscii(clientIdParam, length);
        }

        final Subscription subscription = engine.subscribe(logReader, topics, lastEventId);
        connection.subscription = subscription;
        connection.state = ConnectionState.STREAMING;
        connection.requestStartNs = 0;
        connection.lastWriteNs = clock.nanoTime();

        eventStreamHeaders(buffer, connection.isChunkedBody, false);
        int length = response.length();
        length += SseFrameEncoder.encodeRetry(response.buffer(), length, connection.isChunkedBody, ctx.retryHintMs());
        if (subscription.isResetRequired())
        {
            length += SseFrameEncoder.encodeControlEvent(
                response.buffer(), length, connection.isChunkedBody, "reset", resetData(subscription));
            connection.lastResetEventId = subscription.lastDeliveredEventId();
            counters.resetsSent.increment();
        }
        final ByteBuffer preamble = response.byteBuffer();
        preamble.limit(length);
        connection.appendPendingOut(preamble);

        index.add(connection);
        counters.subscribersOpen.increment();
        writer.writeSubscriber(connection);
    }

    /**
     * The head of an event stream; for HEAD a keep-alive answer may leave the connection open (it has no body).
     */
    void eventStreamHeaders(final DirectBuffer request, final boolean isChunkedBody, final boolean isHeadKeepAlive)
    {
        response.begin(HttpStatus.OK)
            .header("Content-Type", "text/event-stream; charset=utf-8")
            .header("Cache-Control", "no-cache")
            .header("X-Accel-Buffering", "no");
        if (isChunkedBody)
        {
            response.header("Transfer-Encoding", "chunked");
        }
        if (!isChunkedBody || (responder.isHeadRequest() && !isHeadKeepAlive))
        {
            response.header("Connection", "close");
        }
        response.cors(request, parser.originOffset(), parser.originLength()).endHeaders();
    }

    /**
     * The reset event's data: the client's last id, or null when what it sent is not an id (JavaScript reads
     * numbers exactly only up to 2^53).
     */
    private static String resetData(final Subscription subscription)
    {
        final long fromEventId = subscription.resetFromEventId();
        return "{\"lastEventId\":" + (fromEventId >= 0 && fromEventId <= MAX_EXACT_JS_INTEGER ? fromEventId : "null") + "}";
    }

    /**
     * Decode and check a topic name. Control path.
     *
     * @return the name, or null when it is not a valid name.
     */
    String topicName(final DirectBuffer buffer, final int offset, final int length, final boolean plusAsSpace)
    {
        final int nameLength = PercentDecoder.decode(buffer, offset, length, plusAsSpace, scratch, 0);
        if (nameLength < 0 || !TopicRegistry.isValidName(scratch, 0, nameLength))
        {
            return null;
        }
        final Topic existing = topicRegistry.find(scratch, 0, nameLength);
        return null != existing ? existing.name() : scratch.getStringWithoutLengthUtf8(0, nameLength);
    }

    private static long parseEventId(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length <= 0 || length > 18)
        {
            return Long.MAX_VALUE;
        }
        long value = 0;
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if (b < '0' || b > '9')
            {
                return Long.MAX_VALUE;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }
}
