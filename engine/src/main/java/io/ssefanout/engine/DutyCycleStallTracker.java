package io.ssefanout.engine;

import org.agrona.concurrent.status.AtomicCounter;

/**
 * Where a latency tail comes from, in production: the longest duty cycle of a thread since start and how many cycles
 * took longer than a threshold, as counters read from outside the process (as Aeron's duty-cycle stall tracking).
 * One per thread that runs cycles; several may share the counters (the max is proposed, the count added).
 * Hot path: allocation-free, a counter write only when a cycle sets a new maximum or stalls.
 */
public final class DutyCycleStallTracker
{
    private final AtomicCounter maxCycleNs;
    private final AtomicCounter stalls;
    private final long thresholdNs;
    private long localMaxNs;

    /**
     * @param maxCycleNs  longest cycle since start, in nanoseconds.
     * @param stalls      cycles longer than {@code thresholdNs}.
     * @param thresholdNs what counts as a stall.
     */
    public DutyCycleStallTracker(final AtomicCounter maxCycleNs, final AtomicCounter stalls, final long thresholdNs)
    {
        this.maxCycleNs = maxCycleNs;
        this.stalls = stalls;
        this.thresholdNs = thresholdNs;
    }

    /**
     * @param cycleNs how long the cycle that just ended took.
     */
    public void onCycle(final long cycleNs)
    {
        if (cycleNs > localMaxNs)
        {
            localMaxNs = cycleNs;
            maxCycleNs.proposeMaxRelease(cycleNs);
        }
        if (cycleNs > thresholdNs)
        {
            stalls.incrementRelease();
        }
    }
}
