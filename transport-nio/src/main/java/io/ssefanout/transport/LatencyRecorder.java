package io.ssefanout.transport;

import org.HdrHistogram.Histogram;

import java.util.concurrent.atomic.AtomicReference;

/**
 * One I/O agent's delivery latencies. The agent records into a plain histogram (no atomics per delivery) and, every
 * interval, hands the whole histogram over and goes on with an empty one; {@link LatencyStats#collect()} folds it on
 * another thread and hands it back reset. The agent never adds histograms itself: folding tens of thousands of
 * counts into the totals took it 0.3-4 ms every 50 ms, a stall paid by every delivery queued behind it.
 */
final class LatencyRecorder
{
    private final AtomicReference<Histogram> handedOver = new AtomicReference<>();
    private final AtomicReference<Histogram> returned;
    private Histogram active;

    LatencyRecorder(final long highestTrackableValueNs)
    {
        active = new Histogram(highestTrackableValueNs, 3);
        returned = new AtomicReference<>(new Histogram(highestTrackableValueNs, 3));
    }

    /**
     * @return the histogram deliveries are recorded into now. Agent thread.
     */
    Histogram active()
    {
        return active;
    }

    /**
     * Hand what was recorded over, if the last interval has been taken; otherwise keep recording into it. Agent
     * thread, constant time.
     *
     * @return true if handed over.
     */
    boolean handOver()
    {
        if (0 == active.getTotalCount() || null != handedOver.get())
        {
            return false;
        }
        // the folder returns the previous one before it clears handedOver: while handedOver is null, returned is set
        final Histogram next = returned.get();
        returned.lazySet(null);
        handedOver.set(active);
        active = next;
        return true;
    }

    /**
     * The interval handed over, if any. The folding thread.
     *
     * @return the interval to fold, or null; {@link #giveBack(Histogram)} it once folded.
     */
    Histogram take()
    {
        return handedOver.get();
    }

    /**
     * Give a folded interval back, reset, so the agent can hand over the next one. The folding thread.
     *
     * @param interval what {@link #take()} returned, folded.
     */
    void giveBack(final Histogram interval)
    {
        interval.reset();
        returned.set(interval);
        handedOver.set(null);
    }
}
