package io.ssefanout.transport;

import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.function.Predicate;

/**
 * Cluster mode: replays a stream's events from the external log for a resume point older than this node's memory.
 * While it runs the connection is parked: the I/O agent leaves the socket to it, and takes it back afterwards to
 * subscribe from the last id replayed.
 */
public interface LogCatchUp
{
    /**
     * Write {@code head} (unless null), then every event after {@code afterEventId} up to and including
     * {@code throughEventId} whose topic {@code topics} accepts, as SSE frames, to the channel. Any thread; runs
     * elsewhere and calls {@code done} once.
     *
     * @param channel        the client's socket (non-blocking); nobody else writes to it meanwhile.
     * @param head           the response head and preamble, or null when already sent.
     * @param topics         which of the log's topics the stream has.
     * @param isChunked      frames carry chunk framing.
     * @param afterEventId   the resume point.
     * @param throughEventId the last id to replay: from the next one on, this node's memory has every event.
     * @param done           called once with the outcome.
     */
    void replay(
        SocketChannel channel,
        ByteBuffer head,
        Predicate<String> topics,
        boolean isChunked,
        long afterEventId,
        long throughEventId,
        Done done);

    /**
     * The outcome of a {@link #replay}.
     */
    @FunctionalInterface
    interface Done
    {
        /**
         * @param isHeadSent   the head was written.
         * @param bytesWritten bytes written to the channel.
         * @param failure      why the replay could not be made (the resume point is older than the log), or null.
         */
        void onReplayed(boolean isHeadSent, long bytesWritten, String failure);
    }
}
