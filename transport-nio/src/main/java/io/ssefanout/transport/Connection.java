package io.ssefanout.transport;

import io.ssefanout.codec.ChunkFramingStripper;
import io.ssefanout.codec.ChunkedBodyDecoder;
import io.ssefanout.engine.Subscription;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * One client connection, owned by one {@link IoAgent}: either an HTTP request/response connection (publishers,
 * health, metrics) or, after a successful subscribe, an event stream. Idle subscribers hold no buffers: reads go
 * through the agent's scratch buffer, frames are written from the shared logs.
 */
final class Connection
{
    final SocketChannel channel;
    /** The socket's descriptor for {@link NativeSend}, -1 to write through the channel (and once closed). */
    int fd = -1;
    final java.net.InetAddress address;
    final boolean isOverLimit;
    final long connectionId;
    SelectionKey key;
    ConnectionState state = ConnectionState.READING_REQUESTS;
    int agentIndex = -1;

    /** Bytes of an incomplete request kept between reads; allocated on first need. */
    ByteBuffer inByteBuffer;
    UnsafeBuffer inBuffer;
    int inLength;
    /** Capacity the request being read needs at most, when larger than the default (a batch publish). */
    int inCapacityNeeded;
    /** Decodes this connection's chunked request bodies; allocated on first need. */
    ChunkedBodyDecoder chunkedBodyDecoder;
    boolean isDecodingChunkedBody;
    /** Head length of the request whose body is still arriving, 0 when none: later reads need not parse it again. */
    int pendingHeadLength;
    /** That request's whole length when its body has a Content-Length, else 0. */
    int pendingRequestLength;
    /** The decoder's verdict on a chunked body finished before its head was parsed again, NEED_MORE (0) if none. */
    int chunkedBodyResult;
    /** {@code 100 Continue} was sent for the request being read. */
    boolean isContinueSent;
    long requestStartNs;
    long lastActivityNs;
    /** A parked resume waits until the sequencer reaches this id ... */
    long awaitedEventId;
    /** ... or until this time; 0 when the request has not been parked. */
    long parkDeadlineNs;
    /** After a replay from the log: the stream resumes from here instead of the id the client sent; else -1. */
    long resumeOverrideEventId = -1;
    /** Replays from the log made for this stream's request. */
    int catchUpRounds;
    /** The stream's response head went out already (written by a replay from the log). */
    boolean isHeadSent;

    /** Bytes that must go out before anything else (response remainder, stream preamble, control frames). */
    ByteBuffer pendingOut;
    boolean isWriteBlocked;
    boolean isInBacklog;

    final long acceptedNs;
    java.net.SocketAddress remoteAddress;
    String requestId;
    String clientId;
    long eventsSent;
    /** When a topic this stream's maxRate holds back may send again; valid while {@link #isThrottleQueued}. */
    long throttleReleaseNs;
    boolean isThrottleQueued;
    /** Frames conflated away for this stream. */
    long conflatedFrames;
    /** What happens when this stream falls behind: the server's policy, or the stream's own ({@code conflate=true}). */
    SlowConsumerPolicy slowConsumerPolicy = SlowConsumerPolicy.DISCONNECT;
    long bytesSent;
    long requestCount;
    String closeReason;

    byte[] cachedToken;
    TopicRights cachedRights;

    Subscription subscription;
    /** The stream is chunked (HTTP/1.1); an HTTP/1.0 stream is close-delimited. */
    boolean isChunkedBody = true;
    /** Set for a close-delimited stream when the logs hold chunked frames. */
    ChunkFramingStripper chunkFramingStripper;
    /** When the stream's token expires (epoch ms, leeway included); the sweep ends the stream then. */
    long expiresAtMs = Long.MAX_VALUE;
    /** Last event id announced in a skip's reset, so one gap is announced once. */
    long lastResetEventId = Long.MIN_VALUE;
    int[] topicSlots;
    /** Topic patterns the stream subscribed with, or null. */
    String[] topicPatterns;
    /** Topics with an id below this existed when the stream matched its patterns. */
    int patternSnapshotCount;
    long lastWriteNs;

    Connection(
        final SocketChannel channel,
        final java.net.InetAddress address,
        final boolean isOverLimit,
        final long connectionId,
        final long nowNs)
    {
        this.channel = channel;
        this.address = address;
        this.isOverLimit = isOverLimit;
        this.connectionId = connectionId;
        this.acceptedNs = nowNs;
        this.lastActivityNs = nowNs;
        this.lastWriteNs = nowNs;
    }

    /**
     * The socket took less than offered: stop writing to it until the selector says it drains.
     */
    void awaitWritable()
    {
        isWriteBlocked = true;
        key.interestOps(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
    }

    /**
     * The selector said the socket drains: writable again, read interest only.
     */
    void resumeWrites()
    {
        isWriteBlocked = false;
        key.interestOps(SelectionKey.OP_READ);
    }

    boolean hasPendingOut()
    {
        return null != pendingOut && pendingOut.hasRemaining();
    }

    /**
     * Queue bytes behind whatever is pending. Control path.
     */
    void appendPendingOut(final ByteBuffer src)
    {
        if (!src.hasRemaining())
        {
            return;
        }
        if (null == pendingOut || !pendingOut.hasRemaining())
        {
            pendingOut = ByteBuffer.allocate(src.remaining());
            pendingOut.put(src).flip();
            return;
        }
        final ByteBuffer merged = ByteBuffer.allocate(pendingOut.remaining() + src.remaining());
        merged.put(pendingOut).put(src).flip();
        pendingOut = merged;
    }
}
