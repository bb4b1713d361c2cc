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
import java.net.StandardSocketOptions;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * {@code GET /sse/{topic}} and {@code GET /sse?topic=...} (and their HEAD): names checked and authorized before any
 * topic is created, the resume point read, the engine subscription made, the stream's head and preamble (retry hint,
 * reset when history is gone) queued, and the connection put under its topics for the fan-out pass.
 */
final class SubscribeHandler
{
    private static final long MAX_EXACT_JS_INTEGER = (1L << 53) - 1;

    private final FanoutServer.Context ctx;
    private final UnsafeBuffer listScratch;
    private final PatternSubscriptions patterns;
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
    private final ParkedRequests parked;
    private final LogCatchUps catchUps;
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
        final PatternSubscriptions patterns,
        final SubscriberWriter writer,
        final TransportCounters counters,
        final CachedNanoClock clock,
        final DrainState drainState,
        final ParkedRequests parked)
    {
        this.ctx = ctx;
        this.parked = parked;
        this.catchUps = new LogCatchUps(null == ctx.cluster() ? null : ctx.cluster().catchUp(), engine, parked);
        this.engine = engine;
        this.logReader = logReader;
        this.topicRegistry = engine.topics();
        this.parser = parser;
        this.responder = responder;
        this.response = responder.response();
        this.authorizer = authorizer;
        this.index = index;
        this.patterns = patterns;
        this.writer = writer;
        this.counters = counters;
        this.clock = clock;
        this.drainState = drainState;
        this.isChunked = engine.context().chunked();
        this.scratch = new UnsafeBuffer(new byte[Math.max(ctx.requestLineMaxLength(), TopicRegistry.MAX_TOPIC_NAME_LENGTH)]);
        this.listScratch = new UnsafeBuffer(new byte[Math.max(ctx.requestLineMaxLength(), TopicRegistry.MAX_TOPIC_NAME_LENGTH)]);
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
        // the path's topic and the query's topic= and topics= values make one stream together
        final SubscribeTargets targets = new SubscribeTargets();
        if (pathLength > 5)
        {
            if (!addTarget(targets, buffer, pathOffset + 5, pathLength - 5, false))
            {
                responder.reject(connection, HttpStatus.BAD_REQUEST, "invalid topic name", buffer, false);
                return;
            }
        }
        final int queryEnd = queryOffset + queryLength;
        int from = 0;
        int valueOffset;
        while ((valueOffset = RequestTarget.findQueryParameter(buffer, queryOffset, queryLength, "topic", from)) >= 0)
        {
            final int valueLength = RequestTarget.queryValueLength(buffer, valueOffset, queryEnd);
            if (!addTarget(targets, buffer, valueOffset, valueLength, true))
            {
                responder.reject(connection, HttpStatus.BAD_REQUEST, "invalid topic name", buffer, false);
                return;
            }
            from = valueOffset + valueLength - queryOffset;
        }
        from = 0;
        while ((valueOffset = RequestTarget.findQueryParameter(buffer, queryOffset, queryLength, "topics", from)) >= 0)
        {
            final int valueLength = RequestTarget.queryValueLength(buffer, valueOffset, queryEnd);
            if (!addTargetList(targets, buffer, valueOffset, valueLength))
            {
                responder.reject(connection, HttpStatus.BAD_REQUEST, "invalid topic name", buffer, false);
                return;
            }
            from = valueOffset + valueLength - queryOffset;
        }
        if (targets.isEmpty())
        {
            responder.reject(connection, HttpStatus.BAD_REQUEST,
                "no topic: use /sse/{topic}, /sse?topic=a&topic=b or /sse?topics=a,b", buffer, false);
            return;
        }
        if (targets.size() > ctx.topicsPerSubscriptionMax())
        {
            responder.reject(connection, HttpStatus.BAD_REQUEST,
                "too many topics (fanout.subscription.topics.max=" + ctx.topicsPerSubscriptionMax() + ")", buffer, false);
            return;
        }

        long expiresAtMs = Long.MAX_VALUE;
        if (authorizer.isEnabled())
        {
            final TopicRights rights = authorizer.authorize(connection, buffer, queryOffset, queryLength, false);
            if (null == rights)
            {
                return;
            }
            if (!targets.isAuthorized(rights))
            {
                responder.rejectForbidden(connection, buffer, false);
                return;
            }
            expiresAtMs = rights.expiresAtMs();
        }

        final int requestedRate = queryInt(buffer, queryOffset, queryLength, "maxRate");
        if (requestedRate < -1)
        {
            responder.reject(connection, HttpStatus.BAD_REQUEST, "maxRate must be a whole number of events per second",
                buffer, false);
            return;
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

        if (connection.resumeOverrideEventId >= 0)
        {
            // a replay from the log brought the stream this far
            lastEventId = connection.resumeOverrideEventId;
        }
        if (isAheadOfThisNode(connection, lastEventId))
        {
            return;
        }

        if (responder.isHeadRequest())
        {
            // the answer a GET would start with, and no stream
            eventStreamHeaders(buffer, isChunked && 1 == parser.minorVersion(), keepAlive);
            responder.send(connection, response, keepAlive);
            return;
        }

        final Set<Topic> subscribed = new LinkedHashSet<>();
        for (final String name : targets.names)
        {
            final Topic topic = engine.topic(name);
            if (null == topic)
            {
                responder.rejectUnavailable(connection, "topic limit reached", buffer, false);
                return;
            }
            subscribed.add(topic);
        }
        int patternSnapshotCount = 0;
        if (!targets.patterns.isEmpty())
        {
            // topics that exist now; the ones created from here on reach the stream through the agent's patterns
            patternSnapshotCount = topicRegistry.idCount();
            final Topic[] existing = topicRegistry.topics(patternSnapshotCount);
            final String[] patternArray = targets.patterns.toArray(new String[0]);
            for (final Topic topic : existing)
            {
                if (PatternSubscriptions.matchesAny(patternArray, topic.name()))
                {
                    subscribed.add(topic);
                }
            }
        }
        final Topic[] topics = subscribed.toArray(new Topic[0]);
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

        final boolean isSnapshot = isTrue(buffer, queryOffset, queryLength, "snapshot");
        connection.slowConsumerPolicy = isTrue(buffer, queryOffset, queryLength, "conflate") ?
            SlowConsumerPolicy.CONFLATE : ctx.slowConsumerPolicy();
        if (ctx.streams().sendBuffer() > 0)
        {
            // what a slow client has not taken stays bounded, and the policy acts on what it really took
            connection.channel.setOption(StandardSocketOptions.SO_SNDBUF, ctx.streams().sendBuffer());
        }
        final int conflateUnsentMax = ctx.streams().conflateUnsentMax();
        if (SlowConsumerPolicy.CONFLATE == connection.slowConsumerPolicy && conflateUnsentMax > 0 && connection.fd >= 0)
        {
            // full sooner than the send buffer: a slow client's next values are conflated, not queued behind old ones
            NativeSend.notSentLowWatermark(connection.fd, conflateUnsentMax);
        }
        if (catchUps.isBehind(connection, topics, lastEventId))
        {
            catchUps.start(connection, targets.names, targets.patterns, lastEventId,
                streamHead(buffer, connection.isChunkedBody));
            return;
        }
        final Subscription subscription = engine.subscribe(logReader, topics, lastEventId, isSnapshot);
        final int maxRate = ctx.streams().effectiveMaxRate(Math.max(0, requestedRate));
        if (maxRate > 0)
        {
            subscription.maxRate(maxRate);
        }
        connection.subscription = subscription;
        if (!targets.patterns.isEmpty())
        {
            subscription.mergeInIdOrder();
            connection.topicPatterns = targets.patterns.toArray(new String[0]);
            connection.patternSnapshotCount = patternSnapshotCount;
        }
        connection.state = ConnectionState.STREAMING;
        connection.requestStartNs = 0;
        connection.lastWriteNs = clock.nanoTime();

        int length = 0;
        if (!connection.isHeadSent)
        {
            eventStreamHeaders(buffer, connection.isChunkedBody, false);
            length = response.length();
            length += SseFrameEncoder.encodeRetry(response.buffer(), length, connection.isChunkedBody, ctx.retryHintMs());
        }
        if (subscription.isResetRequired())
        {
            length += SseFrameEncoder.encodeControlEvent(
                response.buffer(), length, connection.isChunkedBody, "reset", resetData(subscription));
            connection.lastResetEventId = subscription.lastDeliveredEventId();
            counters.resetsSent.increment();
        }
        final ByteBuffer preamble = response.byteBuffer();
        preamble.limit(length).position(0);
        connection.appendPendingOut(preamble);

        index.add(connection);
        if (null != connection.topicPatterns)
        {
            patterns.add(connection);
        }
        counters.subscribersOpen.increment();
        writer.writeSubscriber(connection);
    }

    /**
     * The head and retry hint a stream starts with, copied, for a replay from the log to write first. Control path.
     */
    private ByteBuffer streamHead(final DirectBuffer request, final boolean isChunkedBody)
    {
        eventStreamHeaders(request, isChunkedBody, false);
        int length = response.length();
        length += SseFrameEncoder.encodeRetry(response.buffer(), length, isChunkedBody, ctx.retryHintMs());
        final byte[] head = new byte[length];
        response.buffer().getBytes(0, head);
        return ByteBuffer.wrap(head);
    }

    /**
     * Cluster mode: a client that comes from a node that was ahead resumes from an id this node has not read yet.
     * Its request waits (parked, up to {@code fanout.cluster.resume.wait}) for this node's ingest to get there, then
     * runs again; past the wait it goes on, and the client is told {@code reset}.
     *
     * @return true if the request was parked.
     */
    private boolean isAheadOfThisNode(final Connection connection, final long lastEventId)
    {
        final long deadlineNs = connection.parkDeadlineNs;
        connection.parkDeadlineNs = 0;
        if (!engine.sequencer().isExternalIds() || lastEventId < 0 || Long.MAX_VALUE == lastEventId ||
            lastEventId <= engine.sequencer().publishedEventId())
        {
            return false;
        }
        final long nowNs = clock.nanoTime();
        if (0 != deadlineNs && nowNs >= deadlineNs)
        {
            return false;
        }
        final long waitNs = null == ctx.cluster() ? TransportConfiguration.resumeWaitNs() : ctx.cluster().resumeWaitNs();
        connection.parkDeadlineNs = 0 == deadlineNs ? nowNs + waitNs : deadlineNs;
        parked.awaitLog(connection, lastEventId);
        return true;
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
     * One {@code topic=} value or {@code /sse/} path: a name, or a pattern when it holds {@code *} or {@code ?}.
     *
     * @return false when it is not a valid name or pattern.
     */
    private boolean addTarget(
        final SubscribeTargets targets,
        final DirectBuffer buffer,
        final int offset,
        final int length,
        final boolean plusAsSpace)
    {
        final int decodedLength = PercentDecoder.decode(buffer, offset, length, plusAsSpace, scratch, 0);
        return decodedLength >= 0 && addDecodedTarget(targets, scratch, 0, decodedLength);
    }

    /**
     * A {@code topics=a,b,c} value: names and patterns separated by commas (a name holding a comma needs
     * {@code topic=}).
     */
    private boolean addTargetList(final SubscribeTargets targets, final DirectBuffer buffer, final int offset, final int length)
    {
        final int decodedLength = PercentDecoder.decode(buffer, offset, length, true, listScratch, 0);
        if (decodedLength < 0)
        {
            return false;
        }
        int start = 0;
        for (int i = 0; i <= decodedLength; i++)
        {
            if (i == decodedLength || ',' == listScratch.getByte(i))
            {
                if (!addDecodedTarget(targets, listScratch, start, i - start))
                {
                    return false;
                }
                start = i + 1;
            }
        }
        return true;
    }

    private boolean addDecodedTarget(final SubscribeTargets targets, final DirectBuffer name, final int offset, final int length)
    {
        if (TopicRegistry.isValidName(name, offset, length))
        {
            final Topic existing = topicRegistry.find(name, offset, length);
            targets.addName(null != existing ? existing.name() : name.getStringWithoutLengthUtf8(offset, length));
            return true;
        }
        if (TopicRegistry.isValidPattern(name, offset, length))
        {
            targets.addPattern(name.getStringWithoutLengthUtf8(offset, length));
            return true;
        }
        return false;
    }

    /**
     * @return the query parameter's value as a non-negative number, -1 if absent, -2 if not a number (or too large).
     */
    private static int queryInt(final DirectBuffer buffer, final int queryOffset, final int queryLength, final String name)
    {
        final int value = RequestTarget.findQueryParameter(buffer, queryOffset, queryLength, name, 0);
        if (value < 0)
        {
            return -1;
        }
        final int length = RequestTarget.queryValueLength(buffer, value, queryOffset + queryLength);
        if (length < 1 || length > 9)
        {
            return -2;
        }
        int number = 0;
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(value + i);
            if (b < '0' || b > '9')
            {
                return -2;
            }
            number = number * 10 + (b - '0');
        }
        return number;
    }

    /**
     * @return true if the query parameter is {@code true} or {@code 1}.
     */
    private static boolean isTrue(
        final DirectBuffer buffer, final int queryOffset, final int queryLength, final String name)
    {
        final int value = RequestTarget.findQueryParameter(buffer, queryOffset, queryLength, name, 0);
        if (value < 0)
        {
            return false;
        }
        final int length = RequestTarget.queryValueLength(buffer, value, queryOffset + queryLength);
        return (1 == length && '1' == buffer.getByte(value)) ||
            (4 == length && 't' == buffer.getByte(value) && 'r' == buffer.getByte(value + 1) &&
            'u' == buffer.getByte(value + 2) && 'e' == buffer.getByte(value + 3));
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
