package io.ssefanout.transport;

import org.agrona.concurrent.ManyToOneConcurrentLinkedQueue;

import java.io.IOException;
import java.nio.channels.SelectionKey;
import java.util.Arrays;

/**
 * Requests that wait on something outside the agent, with their connections parked (not read) meanwhile, so
 * pipelined requests behind them keep their order: a publish waits for the external event log to acknowledge it; a
 * resume waits, up to a deadline, for this node's ingest to reach the client's {@code Last-Event-ID} (a client that
 * moved from a node that was ahead); a scrape waits for {@link ScrapeThread} to render it. Completions arrive from other threads through a queue; the agent answers them,
 * unparks the connection and goes on with the bytes it kept. One per I/O agent.
 */
final class ParkedRequests
{
    private final ManyToOneConcurrentLinkedQueue<Completion> completions = new ManyToOneConcurrentLinkedQueue<>();
    private final Runnable wake;
    private PublishHandler publishHandler;
    private HttpRequestAdapter adapter;
    private Connection[] awaitingLog = new Connection[16];
    private int awaitingLogCount;

    /**
     * @param wake wakes the agent when a completion arrives; any thread.
     */
    ParkedRequests(final Runnable wake)
    {
        this.wake = wake;
    }

    void rooms(final PublishHandler publishHandler, final HttpRequestAdapter adapter)
    {
        this.publishHandler = publishHandler;
        this.adapter = adapter;
    }

    /**
     * Stop reading the connection until its request is answered; what it sent after the request is kept.
     */
    void park(final Connection connection)
    {
        connection.state = ConnectionState.PARKED;
        connection.key.interestOps(connection.isWriteBlocked ? SelectionKey.OP_WRITE : 0);
    }

    /**
     * The callback for an append by a parked connection: queues the outcome for the agent. Control path (allocates).
     */
    ExternalEventLog.AppendCallback completionFor(
        final Connection connection, final boolean isBatch, final boolean keepAlive, final byte[] origin,
        final int bodyLength)
    {
        return (eventIds, failure) ->
        {
            completions.offer(new AppendCompletion(
                connection, isBatch, keepAlive, origin, bodyLength, eventIds, failure));
            wake.run();
        };
    }

    /**
     * The callback for a replay from the log by a parked stream: queues the outcome for the agent. Control path.
     *
     * @param throughEventId the last id the replay covers: the stream subscribes after it.
     */
    LogCatchUp.Done catchUpDoneFor(final Connection connection, final long throughEventId)
    {
        return (isHeadSent, bytesWritten, failure) ->
        {
            completions.offer(new CatchUpCompletion(connection, throughEventId, isHeadSent, bytesWritten, failure));
            wake.run();
        };
    }

    /**
     * The callback for a {@code /metrics} scrape of a parked connection: queues the body for the agent. Control path.
     *
     * @param origin the request's Origin value, or null.
     */
    ScrapeThread.Rendered scrapeDoneFor(
        final Connection connection, final boolean keepAlive, final boolean isHead, final byte[] origin)
    {
        return (body) ->
        {
            completions.offer(new ScrapeCompletion(connection, keepAlive, isHead, origin, body));
            wake.run();
        };
    }

    /**
     * Park a resume until the sequencer's watermark reaches {@code eventId} or the connection's
     * {@link Connection#parkDeadlineNs} passes; then its request is handled again.
     */
    void awaitLog(final Connection connection, final long eventId)
    {
        park(connection);
        connection.awaitedEventId = eventId;
        if (awaitingLogCount == awaitingLog.length)
        {
            awaitingLog = Arrays.copyOf(awaitingLog, awaitingLogCount * 2);
        }
        awaitingLog[awaitingLogCount++] = connection;
    }

    /**
     * @return true if an outcome waits to be answered.
     */
    boolean hasCompletions()
    {
        return !completions.isEmpty();
    }

    /**
     * Answer what was acknowledged and retry the resumes whose point the log reached (or whose wait ran out).
     *
     * @return requests resumed.
     */
    int poll(final long nowNs, final long watermark) throws IOException
    {
        int work = 0;
        Completion completion;
        while (null != (completion = completions.poll()))
        {
            final Connection connection = completion.connection;
            if (connection.agentIndex < 0 || ConnectionState.PARKED != connection.state)
            {
                continue;
            }
            unpark(connection);
            completion.complete(this);
            resume(connection);
            work++;
        }
        for (int i = awaitingLogCount - 1; i >= 0; i--)
        {
            final Connection connection = awaitingLog[i];
            final boolean isClosed = connection.agentIndex < 0 || ConnectionState.PARKED != connection.state;
            if (isClosed || watermark >= connection.awaitedEventId || nowNs >= connection.parkDeadlineNs)
            {
                awaitingLog[i] = awaitingLog[--awaitingLogCount];
                awaitingLog[awaitingLogCount] = null;
                if (!isClosed)
                {
                    unpark(connection);
                    resume(connection);
                    work++;
                }
            }
        }
        return work;
    }

    private static void unpark(final Connection connection)
    {
        connection.state = ConnectionState.READING_REQUESTS;
        connection.key.interestOps(
            connection.isWriteBlocked ? SelectionKey.OP_READ | SelectionKey.OP_WRITE : SelectionKey.OP_READ);
    }

    private void resume(final Connection connection) throws IOException
    {
        if (ConnectionState.READING_REQUESTS == connection.state && connection.inLength > 0)
        {
            adapter.onRetainedBytes(connection);
        }
    }

    /**
     * An outcome from another thread, for the agent to act on.
     */
    private abstract static class Completion
    {
        final Connection connection;

        Completion(final Connection connection)
        {
            this.connection = connection;
        }

        abstract void complete(ParkedRequests parked) throws IOException;
    }

    private static final class AppendCompletion extends Completion
    {
        final boolean isBatch;
        final boolean keepAlive;
        final byte[] origin;
        final int bodyLength;
        final long[] eventIds;
        final String failure;

        AppendCompletion(
            final Connection connection,
            final boolean isBatch,
            final boolean keepAlive,
            final byte[] origin,
            final int bodyLength,
            final long[] eventIds,
            final String failure)
        {
            super(connection);
            this.isBatch = isBatch;
            this.keepAlive = keepAlive;
            this.origin = origin;
            this.bodyLength = bodyLength;
            this.eventIds = eventIds;
            this.failure = failure;
        }

        @Override
        void complete(final ParkedRequests parked) throws IOException
        {
            parked.publishHandler.answerAppended(
                connection, isBatch, keepAlive, origin, bodyLength, eventIds, failure);
        }
    }

    private static final class ScrapeCompletion extends Completion
    {
        final boolean keepAlive;
        final boolean isHead;
        final byte[] origin;
        final byte[] body;

        ScrapeCompletion(
            final Connection connection,
            final boolean keepAlive,
            final boolean isHead,
            final byte[] origin,
            final byte[] body)
        {
            super(connection);
            this.keepAlive = keepAlive;
            this.isHead = isHead;
            this.origin = origin;
            this.body = body;
        }

        @Override
        void complete(final ParkedRequests parked) throws IOException
        {
            parked.adapter.answerScrape(connection, keepAlive, isHead, origin, body);
        }
    }

    /**
     * A replay from the log ended: the stream's request runs again, now from where the replay stopped (or, when
     * there was none to make, from its own resume point, which gets {@code reset}).
     */
    private static final class CatchUpCompletion extends Completion
    {
        final long throughEventId;
        final boolean isHeadSent;
        final long bytesWritten;
        final String failure;

        CatchUpCompletion(
            final Connection connection,
            final long throughEventId,
            final boolean isHeadSent,
            final long bytesWritten,
            final String failure)
        {
            super(connection);
            this.throughEventId = throughEventId;
            this.isHeadSent = isHeadSent;
            this.bytesWritten = bytesWritten;
            this.failure = failure;
        }

        @Override
        void complete(final ParkedRequests parked)
        {
            connection.isHeadSent |= isHeadSent;
            connection.bytesSent += bytesWritten;
            if (null == failure)
            {
                connection.resumeOverrideEventId = throughEventId;
            }
            else
            {
                connection.catchUpRounds = LogCatchUps.ROUNDS_MAX;
            }
        }
    }
}
