package io.ssefanout.transport;

import io.ssefanout.engine.Topic;

import java.util.ArrayList;
import java.util.List;

/**
 * What one connection did, reported to the {@link AccessLog} when it ends. Immutable.
 */
public final class ConnectionRecord
{
    /** Server-unique connection number. */
    public final long connectionId;
    /** Client address and port. */
    public final String clientAddress;
    /** {@code clientId} query parameter or X-Client-ID header of the stream request, or null. */
    public final String clientId;
    /** X-Request-ID of the stream request, or one generated from the connection id. */
    public final String traceId;
    /** Patterns, then the first topics streamed and "+N more"; empty for request/response connections. */
    public final List<String> topics;
    /** How long the connection was open. */
    public final long durationNs;
    /** Events delivered. */
    public final long eventsSent;
    /** Frames a slow subscriber was spared under conflation (each topic's intermediate frames). */
    public final long conflatedFrames;
    /** Bytes written. */
    public final long bytesSent;
    /** Requests handled on a request/response connection. */
    public final long requestCount;
    /**
     * Why it ended: client-closed, slow-consumer, request-timeout, idle-timeout, token-expired, response-complete,
     * unauthorized, forbidden, rejected, over-limit, shutdown, io-error, error.
     */
    public final String closeReason;

    /** Topics named in one record; more are counted. */
    static final int TOPICS_LOGGED_MAX = 16;

    ConnectionRecord(
        final long connectionId,
        final String clientAddress,
        final String clientId,
        final String traceId,
        final List<String> topics,
        final long durationNs,
        final long eventsSent,
        final long conflatedFrames,
        final long bytesSent,
        final long requestCount,
        final String closeReason)
    {
        this.conflatedFrames = conflatedFrames;
        this.connectionId = connectionId;
        this.clientAddress = clientAddress;
        this.clientId = clientId;
        this.traceId = traceId;
        this.topics = topics;
        this.durationNs = durationNs;
        this.eventsSent = eventsSent;
        this.bytesSent = bytesSent;
        this.requestCount = requestCount;
        this.closeReason = closeReason;
    }

    /**
     * What a connection did, as it ends. Control path.
     *
     * @param connection the connection ending.
     * @param nowNs      current {@link System#nanoTime()}.
     * @return its record.
     */
    static ConnectionRecord of(final Connection connection, final long nowNs)
    {
        final List<String> topicNames = new ArrayList<>();
        if (null != connection.subscription)
        {
            if (null != connection.topicPatterns)
            {
                topicNames.addAll(List.of(connection.topicPatterns));
            }
            // a watchlist or a pattern can hold thousands of topics: the line names the first few and counts the rest
            final Topic[] topics = connection.subscription.topics();
            final int count = connection.subscription.topicCount();
            for (int i = 0; i < Math.min(count, TOPICS_LOGGED_MAX); i++)
            {
                topicNames.add(topics[i].name());
            }
            if (count > TOPICS_LOGGED_MAX)
            {
                topicNames.add("+" + (count - TOPICS_LOGGED_MAX) + " more");
            }
        }
        final String reason = null != connection.closeReason ? connection.closeReason :
            ConnectionState.STREAMING == connection.state ? "closed" : "response-complete";
        return new ConnectionRecord(
            connection.connectionId,
            String.valueOf(connection.remoteAddress),
            connection.clientId,
            null != connection.requestId ? connection.requestId : "fanout-" + connection.connectionId,
            List.copyOf(topicNames),
            nowNs - connection.acceptedNs,
            connection.eventsSent,
            connection.conflatedFrames,
            connection.bytesSent,
            connection.requestCount,
            reason);
    }

    @Override
    public String toString()
    {
        return "conn=" + connectionId +
            " client=" + clientAddress +
            " clientId=" + (null == clientId ? "-" : clientId) +
            " traceId=" + traceId +
            " topics=" + (topics.isEmpty() ? "-" : String.join(",", topics)) +
            " durationMs=" + durationNs / 1_000_000 +
            " events=" + eventsSent +
            " conflated=" + conflatedFrames +
            " bytes=" + bytesSent +
            " requests=" + requestCount +
            " reason=" + closeReason;
    }
}
