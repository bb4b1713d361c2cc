package io.ssefanout.transport;

import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.engine.Topic;
import io.ssefanout.engine.TopicFrameLog;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Cluster mode: decides when a resume is older than this node's memory of the stream's topics and starts a replay
 * from the external log for it ({@link LogCatchUp}); the stream's request runs again when the replay ends, from
 * where it stopped. Memory is complete after {@code max(history floor, each topic's newest dropped id)}; that point
 * moves while a replay runs (eviction goes on), so a stream may need a few rounds, at most {@link #ROUNDS_MAX}.
 */
final class LogCatchUps
{
    /** Replays per request before the stream takes what memory has (and {@code reset} if that is not enough). */
    static final int ROUNDS_MAX = 8;

    private final LogCatchUp catchUp;
    private final FanoutEngine engine;
    private final ParkedRequests parked;
    /** Set by {@link #isBehind}, for {@link #start}. */
    private long completeAfter;

    LogCatchUps(final LogCatchUp catchUp, final FanoutEngine engine, final ParkedRequests parked)
    {
        this.catchUp = catchUp;
        this.engine = engine;
        this.parked = parked;
    }

    /**
     * Is the stream's resume point older than what memory has for its topics, with a replay still to try?
     */
    boolean isBehind(final Connection connection, final Topic[] topics, final long lastEventId)
    {
        if (null == catchUp || lastEventId < 0 || Long.MAX_VALUE == lastEventId ||
            connection.catchUpRounds >= ROUNDS_MAX || connection.hasPendingOut())
        {
            // (bytes still pending would be written by the agent while the replay writes: never both)
            return false;
        }
        completeAfter = completeAfterEventId(topics);
        return lastEventId < completeAfter;
    }

    /**
     * Start the replay {@link #isBehind} found needed; the connection is parked until it ends.
     *
     * @param head the response head and preamble for the replay to write first (if not sent yet).
     */
    void start(
        final Connection connection,
        final Set<String> names,
        final List<String> patterns,
        final long lastEventId,
        final ByteBuffer head)
    {
        connection.catchUpRounds++;
        parked.park(connection);
        final String[] patternArray = patterns.toArray(new String[0]);
        final Predicate<String> accepts = name -> names.contains(name) || PatternSubscriptions.matchesAny(patternArray, name);
        catchUp.replay(connection.channel, connection.isHeadSent ? null : head, accepts, connection.isChunkedBody,
            lastEventId, completeAfter, parked.catchUpDoneFor(connection, completeAfter));
    }

    /**
     * @return the id after which this node has every event of these topics in memory.
     */
    private long completeAfterEventId(final Topic[] topics)
    {
        long completeAfter = engine.sequencer().historyFloorEventId();
        for (final Topic topic : topics)
        {
            completeAfter = Math.max(completeAfter, topic.forgottenEventId());
            final TopicFrameLog log = topic.log();
            if (null != log)
            {
                completeAfter = Math.max(completeAfter, log.droppedEventId());
            }
        }
        return completeAfter;
    }
}
