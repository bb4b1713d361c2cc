package io.ssefanout.transport;

import io.ssefanout.codec.HttpStatus;
import io.ssefanout.codec.SseFrameEncoder;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * The agent's timers, walked as rarely as they allow: a heartbeat comment on streams idle for the interval, the end
 * of a stream whose token expired, 408 for a request not received in time, the close of an idle keep-alive
 * connection, and while draining whether every subscriber has received what was encoded.
 */
final class ConnectionSweeper
{
    private final FanoutServer.Context ctx;
    private final ConnectionTable table;
    private final HttpResponder responder;
    private final SubscriberWriter writer;
    private final TransportCounters counters;
    private final CachedNanoClock clock;
    private final EpochClock epochClock;
    private final DrainState drainState;
    private final ByteBuffer heartbeat;
    private final ByteBuffer tokenExpiredFrame;
    /** The same frames for close-delimited (HTTP/1.0) streams. */
    private final ByteBuffer plainHeartbeat;
    private final ByteBuffer plainTokenExpiredFrame;
    private volatile long drainedGeneration = -1;

    ConnectionSweeper(
        final FanoutServer.Context ctx,
        final boolean isChunked,
        final ConnectionTable table,
        final HttpResponder responder,
        final SubscriberWriter writer,
        final TransportCounters counters,
        final CachedNanoClock clock,
        final EpochClock epochClock,
        final DrainState drainState)
    {
        this.ctx = ctx;
        this.table = table;
        this.responder = responder;
        this.writer = writer;
        this.counters = counters;
        this.clock = clock;
        this.epochClock = epochClock;
        this.drainState = drainState;
        this.heartbeat = heartbeatFrame(isChunked);
        this.plainHeartbeat = heartbeatFrame(false);
        this.tokenExpiredFrame = tokenExpiredFrame(isChunked);
        this.plainTokenExpiredFrame = tokenExpiredFrame(false);
    }

    /**
     * @return true once a sweep while draining found nothing left to send.
     */
    boolean isDrained()
    {
        return drainState.isDraining() && drainedGeneration == drainState.generation();
    }

    int sweep()
    {
        // read first: this sweep may only vouch for the generation that was current before it looked at anything
        final long generation = drainState.generation();
        int workCount = 0;
        int busy = 0;
        final long nowMs = epochClock.time();
        final long nowNs = clock.nanoTime();
        for (int i = table.count() - 1; i >= 0; i--)
        {
            if (i >= table.count())
            {
                continue;
            }
            final Connection connection = table.get(i);
            if (ConnectionState.STREAMING == connection.state)
            {
                if (connection.expiresAtMs < nowMs)
                {
                    endExpiredStream(connection);
                    workCount++;
                }
                else if (connection.isWriteBlocked || connection.hasPendingOut() || connection.isInBacklog)
                {
                    busy++;
                }
                else if (nowNs - connection.lastWriteNs >= ctx.heartbeatIntervalNs() &&
                    !connection.subscription.isMidFrame())
                {
                    workCount += sendHeartbeat(connection);
                }
                else if (drainState.isDraining() && connection.subscription.nextRun(1) > 0)
                {
                    busy++;
                }
            }
            else if (ConnectionState.READING_REQUESTS == connection.state)
            {
                if (0 != connection.requestStartNs && nowNs - connection.requestStartNs > ctx.requestTimeoutNs())
                {
                    counters.get(TransportCounterDescriptor.REJECTS_TIMEOUT).increment();
                    connection.closeReason = "request-timeout";
                    responder.respondAndClose(connection, HttpStatus.REQUEST_TIMEOUT, "request not received in time");
                    workCount++;
                }
                else if (0 == connection.requestStartNs &&
                    nowNs - connection.lastActivityNs > ctx.keepAliveTimeoutNs())
                {
                    table.close(connection, "idle-timeout");
                    workCount++;
                }
            }
        }
        if (drainState.isDraining())
        {
            drainedGeneration = 0 == busy && 0 == writer.backlogCount() ? generation : -1;
        }
        return workCount;
    }

    /**
     * A stream lives no longer than the token it was opened with: end it cleanly between frames (a comment saying
     * why, then the end of the body), so the client reconnects and must present a fresh token. A client that is
     * blocked or mid-frame is simply closed.
     */
    void endExpiredStream(final Connection connection)
    {
        counters.streamsExpired.increment();
        if (!connection.isWriteBlocked && !connection.hasPendingOut() && !connection.subscription.isMidFrame())
        {
            try
            {
                connection.channel.write(
                    (connection.isChunkedBody ? tokenExpiredFrame : plainTokenExpiredFrame).duplicate());
                counters.pendingWrites++;
            }
            catch (final IOException ignore)
            {
                // closing anyway
            }
        }
        table.close(connection, "token-expired");
    }

    int sendHeartbeat(final Connection connection)
    {
        try
        {
            final ByteBuffer frame = (connection.isChunkedBody ? heartbeat : plainHeartbeat).duplicate();
            connection.channel.write(frame);
            counters.pendingWrites++;
            counters.heartbeatsSent.increment();
            connection.lastWriteNs = clock.nanoTime();
            if (frame.hasRemaining())
            {
                counters.pendingShortWrites++;
                connection.appendPendingOut(frame);
                connection.awaitWritable();
            }
            return 1;
        }
        catch (final IOException ex)
        {
            table.close(connection, "io-error");
            return 1;
        }
    }

    private static ByteBuffer heartbeatFrame(final boolean isChunkedBody)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final int length = SseFrameEncoder.encodeComment(buffer, 0, isChunkedBody, "");
        final ByteBuffer frame = ByteBuffer.allocateDirect(length);
        buffer.getBytes(0, frame, length);
        return frame.flip();
    }

    private static ByteBuffer tokenExpiredFrame(final boolean isChunkedBody)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        int length = SseFrameEncoder.encodeComment(buffer, 0, isChunkedBody, "token expired");
        length += SseFrameEncoder.encodeEndOfBody(buffer, length, isChunkedBody);
        return ByteBuffer.wrap(buffer.byteArray(), 0, length);
    }
}
