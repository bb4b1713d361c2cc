package io.ssefanout.transport;

import io.ssefanout.codec.HttpRequestParser;
import io.ssefanout.codec.HttpStatus;
import io.ssefanout.codec.NdjsonEventReader;
import io.ssefanout.codec.PercentDecoder;
import io.ssefanout.codec.SseFrameEncoder;
import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.engine.PublishBatch;
import io.ssefanout.engine.Topic;
import io.ssefanout.engine.TopicRegistry;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;

/**
 * {@code POST /publish/{topic}} (one event) and {@code POST /publish} (an NDJSON batch, all or nothing): names and
 * event types checked, the token's publish rights applied, the events copied into the ingest ring, and the assigned
 * ids answered. Allocation-free per event for topics that exist.
 */
final class PublishHandler
{
    private final FanoutEngine engine;
    private final TopicRegistry topicRegistry;
    private final HttpRequestParser parser;
    private final HttpResponder responder;
    private final ResponseWriter response;
    private final RequestAuthorizer authorizer;
    private final TransportCounters counters;
    private final AccessLog accessLog;
    private final boolean isPublishLogEnabled;
    private final DrainState drainState;
    private final UnsafeBuffer scratch;
    private final UnsafeBuffer eventTypeScratch;
    private final NdjsonEventReader batchReader = new NdjsonEventReader();
    private final PublishBatch publishBatch;
    private final int[] batchTopicSpans;
    private final int payloadMaxLength;
    private final int publishBatchMaxEvents;
    /** Cluster mode: publishes are appended there and answered once it acknowledged them; else null. */
    private final ExternalEventLog externalLog;
    private final ParkedRequests parked;

    PublishHandler(
        final FanoutServer.Context ctx,
        final FanoutEngine engine,
        final HttpRequestParser parser,
        final HttpResponder responder,
        final RequestAuthorizer authorizer,
        final TransportCounters counters,
        final DrainState drainState,
        final ParkedRequests parked)
    {
        this.engine = engine;
        this.externalLog = null == ctx.cluster() ? null : ctx.cluster().eventLog();
        this.parked = parked;
        this.topicRegistry = engine.topics();
        this.parser = parser;
        this.responder = responder;
        this.response = responder.response();
        this.authorizer = authorizer;
        this.counters = counters;
        this.accessLog = ctx.accessLog();
        this.isPublishLogEnabled = accessLog.isPublishLogEnabled();
        this.drainState = drainState;
        this.scratch = new UnsafeBuffer(new byte[Math.max(ctx.requestLineMaxLength(), TopicRegistry.MAX_TOPIC_NAME_LENGTH)]);
        this.eventTypeScratch = new UnsafeBuffer(new byte[ctx.requestLineMaxLength()]);
        this.payloadMaxLength = engine.context().payloadMaxLength();
        this.publishBatchMaxEvents = ctx.publishBatchMaxEvents();
        this.publishBatch = new PublishBatch(publishBatchMaxEvents);
        this.batchTopicSpans = new int[publishBatchMaxEvents * 2];
    }

    void onPublish(
        final Connection connection,
        final UnsafeBuffer buffer,
        final int topicOffset,
        final int topicLength,
        final int queryOffset,
        final int queryLength,
        final int bodyOffset,
        final int bodyLength,
        final boolean keepAlive) throws IOException
    {
        final int nameLength = PercentDecoder.decode(buffer, topicOffset, topicLength, false, scratch, 0);
        if (nameLength < 0 || !TopicRegistry.isValidName(scratch, 0, nameLength))
        {
            responder.reject(connection, HttpStatus.BAD_REQUEST, "invalid topic name", buffer, keepAlive);
            return;
        }

        int eventTypeLength = 0;
        final int eventParam = RequestTarget.findQueryParameter(buffer, queryOffset, queryLength, "event", 0);
        if (eventParam >= 0)
        {
            eventTypeLength = PercentDecoder.decode(
                buffer, eventParam, RequestTarget.queryValueLength(buffer, eventParam, queryOffset + queryLength), true,
                eventTypeScratch, 0);
            if (eventTypeLength < 0 || !SseFrameEncoder.isValidEventType(eventTypeScratch, 0, eventTypeLength))
            {
                responder.reject(connection, HttpStatus.BAD_REQUEST, "invalid event type", buffer, keepAlive);
                return;
            }
        }

        if (drainState.isDraining())
        {
            responder.rejectUnavailable(connection, "shutting down", buffer, false);
            return;
        }

        if (authorizer.isEnabled())
        {
            final TopicRights rights = authorizer.authorize(connection, buffer, queryOffset, queryLength, keepAlive);
            if (null == rights)
            {
                return;
            }
            final Topic existing = topicRegistry.find(scratch, 0, nameLength);
            final String name = null != existing ? existing.name() : scratch.getStringWithoutLengthUtf8(0, nameLength);
            if (!rights.canPublish(name))
            {
                responder.rejectForbidden(connection, buffer, keepAlive);
                return;
            }
        }

        if (null != externalLog)
        {
            final byte[] data = new byte[bodyLength];
            buffer.getBytes(bodyOffset, data);
            appendExternally(connection,
                new String[]{ scratch.getStringWithoutLengthUtf8(0, nameLength) },
                new String[]{ eventTypeLength > 0 ? eventTypeScratch.getStringWithoutLengthAscii(0, eventTypeLength) : null },
                new byte[][]{ data }, false, buffer, keepAlive, bodyLength);
            return;
        }

        Topic topic = topicRegistry.find(scratch, 0, nameLength);
        if (null == topic)
        {
            if (!engine.hasIngestCapacity(1))
            {
                // refused before anything is made: a publish the ring cannot take creates no topic
                rejectPublishFailure(connection, FanoutEngine.RING_FULL, buffer, keepAlive);
                return;
            }
            topic = topicRegistry.findOrCreate(scratch, 0, nameLength);
            if (null == topic)
            {
                responder.rejectUnavailable(connection, "topic limit reached", buffer, keepAlive);
                return;
            }
        }

        final long eventId = engine.tryPublish(
            topic, eventTypeScratch, 0, eventTypeLength, buffer, bodyOffset, bodyLength);
        if (isPublishLogEnabled)
        {
            accessLog.onPublish(connection.connectionId, String.valueOf(connection.remoteAddress), connection.requestId,
                eventId >= 0 ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE, eventId, bodyLength);
        }
        if (eventId >= 0)
        {
            counters.publishRequests.increment();
            response.begin(HttpStatus.OK)
                .header("Content-Type", "text/plain; charset=utf-8")
                .header("Content-Length", SseFrameEncoder.digitCount(eventId));
            if (!keepAlive)
            {
                response.header("Connection", "close");
            }
            response.cors(buffer, parser.originOffset(), parser.originLength()).endHeaders().bodyLong(eventId);
            responder.send(connection, response, keepAlive);
        }
        else
        {
            rejectPublishFailure(connection, eventId, buffer, keepAlive);
        }
    }

    /**
     * {@code POST /publish} with an NDJSON body: every line one event. All or nothing: each line is read and checked
     * (and authorized) before any topic is created or any event enters the ring; then the events are published as
     * one batch with consecutive ids, answered one id per line. Allocation-free per event for topics that exist.
     */
    void onPublishBatch(
        final Connection connection,
        final UnsafeBuffer buffer,
        final int queryOffset,
        final int queryLength,
        final int bodyOffset,
        final int bodyLength,
        final boolean keepAlive) throws IOException
    {
        if (!parser.hasContentType(buffer, "application/x-ndjson") && !parser.hasContentType(buffer, "application/ndjson"))
        {
            responder.reject(connection, HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "a batch is Content-Type: application/x-ndjson, one JSON event per line; one event goes to " +
                "/publish/{topic}", buffer, keepAlive);
            return;
        }
        if (drainState.isDraining())
        {
            responder.rejectUnavailable(connection, "shutting down", buffer, false);
            return;
        }
        TopicRights rights = null;
        if (authorizer.isEnabled())
        {
            rights = authorizer.authorize(connection, buffer, queryOffset, queryLength, keepAlive);
            if (null == rights)
            {
                return;
            }
        }

        final NdjsonEventReader reader = batchReader.wrap(buffer, bodyOffset, bodyLength);
        final PublishBatch batch = publishBatch.clear(buffer);
        int result;
        while (NdjsonEventReader.EVENT == (result = reader.next()))
        {
            final int count = batch.count();
            if (count == publishBatchMaxEvents)
            {
                responder.reject(connection, HttpStatus.PAYLOAD_TOO_LARGE, "more than " + publishBatchMaxEvents +
                    " events in a batch (fanout.publish.batch.max.events)", buffer, keepAlive);
                return;
            }
            final int topicOffset = reader.topicOffset();
            final int topicLength = reader.topicLength();
            if (!TopicRegistry.isValidName(buffer, topicOffset, topicLength))
            {
                rejectBatchLine(connection, HttpStatus.BAD_REQUEST, "invalid topic name", buffer, keepAlive);
                return;
            }
            if (reader.eventTypeLength() > 0 &&
                !SseFrameEncoder.isValidEventType(buffer, reader.eventTypeOffset(), reader.eventTypeLength()))
            {
                rejectBatchLine(connection, HttpStatus.BAD_REQUEST, "invalid event type", buffer, keepAlive);
                return;
            }
            if (reader.dataLength() > payloadMaxLength)
            {
                rejectBatchLine(connection, HttpStatus.PAYLOAD_TOO_LARGE,
                    "data larger than fanout.payload.max.length", buffer, keepAlive);
                return;
            }
            final Topic topic = topicRegistry.find(buffer, topicOffset, topicLength);
            if (null != rights && !rights.canPublish(
                null != topic ? topic.name() : buffer.getStringWithoutLengthUtf8(topicOffset, topicLength)))
            {
                responder.rejectForbidden(connection, buffer, keepAlive);
                return;
            }
            batchTopicSpans[count * 2] = topicOffset;
            batchTopicSpans[count * 2 + 1] = topicLength;
            batch.add(topic, reader.eventTypeOffset(), reader.eventTypeLength(), reader.dataOffset(), reader.dataLength());
        }
        if (NdjsonEventReader.ERROR == result)
        {
            final String reason = reader.errorReason();
            rejectBatchLine(connection, HttpStatus.BAD_REQUEST, NdjsonEventReader.TEXT_AFTER_OBJECT.equals(reason) ?
                reason + " (one event per line: were the line breaks stripped? curl -d does; use --data-binary)" :
                reason, buffer, keepAlive);
            return;
        }
        final int count = batch.count();
        if (0 == count)
        {
            responder.reject(connection, HttpStatus.BAD_REQUEST, "empty batch: no event lines", buffer, keepAlive);
            return;
        }
        if (null != externalLog)
        {
            appendBatchExternally(connection, batch, buffer, keepAlive, bodyLength);
            return;
        }
        if (!engine.hasIngestCapacity(count))
        {
            // refused before any topic is made: a batch the ring cannot take creates none
            rejectPublishFailure(connection, FanoutEngine.RING_FULL, buffer, keepAlive);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            if (null == batch.topic(i))
            {
                final Topic created = topicRegistry.findOrCreate(buffer, batchTopicSpans[i * 2], batchTopicSpans[i * 2 + 1]);
                if (null == created)
                {
                    responder.rejectUnavailable(connection, "topic limit reached", buffer, keepAlive);
                    return;
                }
                batch.topic(i, created);
            }
        }

        final long firstEventId = engine.tryPublish(batch);
        if (isPublishLogEnabled)
        {
            accessLog.onPublish(connection.connectionId, String.valueOf(connection.remoteAddress), connection.requestId,
                firstEventId >= 0 ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE, firstEventId, bodyLength);
        }
        if (firstEventId < 0)
        {
            rejectPublishFailure(connection, firstEventId, buffer, keepAlive);
            return;
        }
        counters.publishRequests.increment();
        int contentLength = 0;
        for (int i = 0; i < count; i++)
        {
            contentLength += SseFrameEncoder.digitCount(firstEventId + i) + 1;
        }
        response.begin(HttpStatus.OK)
            .header("Content-Type", "text/plain; charset=utf-8")
            .header("Content-Length", contentLength);
        if (!keepAlive)
        {
            response.header("Connection", "close");
        }
        response.cors(buffer, parser.originOffset(), parser.originLength()).endHeaders();
        for (int i = 0; i < count; i++)
        {
            response.bodyLong(firstEventId + i).body("\n");
        }
        responder.send(connection, response, keepAlive);
    }

    private void appendBatchExternally(
        final Connection connection,
        final PublishBatch batch,
        final UnsafeBuffer buffer,
        final boolean keepAlive,
        final int bodyLength)
    {
        final int count = batch.count();
        final String[] topics = new String[count];
        final String[] eventTypes = new String[count];
        final byte[][] data = new byte[count][];
        for (int i = 0; i < count; i++)
        {
            topics[i] = buffer.getStringWithoutLengthUtf8(batchTopicSpans[i * 2], batchTopicSpans[i * 2 + 1]);
            final int eventTypeLength = batch.eventTypeLength(i);
            eventTypes[i] = eventTypeLength > 0 ?
                buffer.getStringWithoutLengthAscii(batch.eventTypeOffset(i), eventTypeLength) : null;
            data[i] = new byte[batch.dataLength(i)];
            buffer.getBytes(batch.dataOffset(i), data[i]);
        }
        appendExternally(connection, topics, eventTypes, data, true, buffer, keepAlive, bodyLength);
    }

    /**
     * Cluster mode: hand the events to the external log and park the connection until it answers. Control path
     * (allocates: the log's client copies the events anyway).
     */
    private void appendExternally(
        final Connection connection,
        final String[] topics,
        final String[] eventTypes,
        final byte[][] data,
        final boolean isBatch,
        final DirectBuffer request,
        final boolean keepAlive,
        final int bodyLength)
    {
        final byte[] origin = parser.originBytes(request);
        parked.park(connection);
        externalLog.append(topics, eventTypes, data, parked.completionFor(connection, isBatch, keepAlive, origin, bodyLength));
    }

    /**
     * The external log answered a parked publish: the ids, one per line for a batch, or {@code 503}.
     */
    void answerAppended(
        final Connection connection,
        final boolean isBatch,
        final boolean keepAlive,
        final byte[] origin,
        final int bodyLength,
        final long[] eventIds,
        final String failure) throws IOException
    {
        final UnsafeBuffer originBuffer = new UnsafeBuffer(null == origin ? new byte[0] : origin);
        responder.onRequest(false);
        if (isPublishLogEnabled)
        {
            accessLog.onPublish(connection.connectionId, String.valueOf(connection.remoteAddress), connection.requestId,
                null != eventIds ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE,
                null != eventIds ? eventIds[0] : -1, bodyLength);
        }
        if (null == eventIds)
        {
            counters.get(TransportCounterDescriptor.REJECTS_UNAVAILABLE).increment();
            responder.send(connection, response.simple(HttpStatus.SERVICE_UNAVAILABLE, "Retry-After", "1",
                "event log unavailable: " + failure + "\n", keepAlive, originBuffer, 0, originBuffer.capacity()),
                keepAlive);
            return;
        }
        counters.publishRequests.increment();
        int contentLength = 0;
        for (final long eventId : eventIds)
        {
            contentLength += SseFrameEncoder.digitCount(eventId) + (isBatch ? 1 : 0);
        }
        response.begin(HttpStatus.OK)
            .header("Content-Type", "text/plain; charset=utf-8")
            .header("Content-Length", contentLength);
        if (!keepAlive)
        {
            response.header("Connection", "close");
        }
        response.cors(originBuffer, 0, originBuffer.capacity()).endHeaders();
        for (final long eventId : eventIds)
        {
            response.bodyLong(eventId);
            if (isBatch)
            {
                response.body("\n");
            }
        }
        responder.send(connection, response, keepAlive);
    }

    void rejectBatchLine(
        final Connection connection,
        final int status,
        final String reason,
        final DirectBuffer request,
        final boolean keepAlive) throws IOException
    {
        responder.reject(connection, status, "line " + batchReader.lineNumber() + ": " + reason, request, keepAlive);
    }

    void rejectPublishFailure(
        final Connection connection, final long result, final DirectBuffer request, final boolean keepAlive)
        throws IOException
    {
        if (FanoutEngine.RING_FULL == result)
        {
            responder.rejectUnavailable(connection, "ingest ring full", request, keepAlive);
        }
        else if (FanoutEngine.CLOSED == result)
        {
            responder.rejectUnavailable(connection, "shutting down", request, false);
        }
        else
        {
            responder.reject(connection, HttpStatus.BAD_REQUEST, "invalid event", request, keepAlive);
        }
    }
}
