package io.ssefanout.engine;

/**
 * Sends one run of contiguous, already encoded frame bytes that {@link Subscription#poll} hands out: the whole
 * exchange between a subscription and whatever writes it to a client.
 */
@FunctionalInterface
public interface FrameRunHandler
{
    /**
     * Send a run. Hot path: must not allocate.
     *
     * @param topic  the topic the run belongs to.
     * @param log    the topic's frame log; the run is {@code [offset, offset + length)} of {@link TopicFrameLog#data()}.
     * @param offset of the run in the log's data.
     * @param length bytes in the run.
     * @return bytes of the run consumed (0 to {@code length}; fewer when the client cannot take more now), or
     * {@link Subscription#RUN_FAILED} when sending failed and the subscription must not move.
     */
    int onFrameRun(Topic topic, TopicFrameLog log, int offset, int length);
}
