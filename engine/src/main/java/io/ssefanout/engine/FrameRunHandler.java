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
     * @param segment the log segment holding the run, {@code [offset, offset + length)}; intact until the reader
     *                leaves its epoch.
     * @param offset  of the run in the segment.
     * @param length bytes in the run.
     * @return bytes of the run consumed (0 to {@code length}; fewer when the client cannot take more now), or
     * {@link Subscription#RUN_FAILED} when sending failed and the subscription must not move.
     */
    int onFrameRun(Topic topic, LogSegment segment, int offset, int length);
}
