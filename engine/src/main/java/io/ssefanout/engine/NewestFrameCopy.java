package io.ssefanout.engine;

/**
 * A topic's newest frame, copied out of its history when eviction took the segment that held it, so the topic's
 * current value can still open a snapshot. Immutable once published; its memory is a loose {@link LogSegment} that
 * goes through the same epoch reclamation as the pool's, so a reader that found it may send it until it leaves its
 * epoch.
 */
public final class NewestFrameCopy
{
    final LogSegment segment;
    final long frame;
    final long eventId;
    final long ingestTimeNs;
    final int length;

    NewestFrameCopy(final LogSegment segment, final long frame, final long eventId, final long ingestTimeNs, final int length)
    {
        this.segment = segment;
        this.frame = frame;
        this.eventId = eventId;
        this.ingestTimeNs = ingestTimeNs;
        this.length = length;
    }
}
