package io.ssefanout.transport;

import org.HdrHistogram.Histogram;

import java.util.concurrent.TimeUnit;

/**
 * Ingest-to-write latency: since start (for the Prometheus histogram, cumulative and aggregatable across nodes) and
 * over a sliding window of the last minute (for exact quantiles that keep moving after a long uptime). Each I/O
 * agent records into its own plain {@link Histogram} (no atomics on the write path) and folds it in here on its
 * periodic sweep; a scrape copies what it needs.
 */
final class LatencyStats
{
    private static final int WINDOW_SLOTS = 6;
    private static final long SLOT_NS = TimeUnit.SECONDS.toNanos(10);
    /** The window's length, for the metric's help text. */
    static final long WINDOW_SECONDS = TimeUnit.NANOSECONDS.toSeconds(WINDOW_SLOTS * SLOT_NS);

    private final Histogram cumulative;
    private final Histogram[] slots = new Histogram[WINDOW_SLOTS];
    private final long[] slotStartNs = new long[WINDOW_SLOTS];
    private int currentSlot;

    LatencyStats(final long highestTrackableValueNs)
    {
        cumulative = new Histogram(highestTrackableValueNs, 3);
        final long nowNs = System.nanoTime();
        for (int i = 0; i < WINDOW_SLOTS; i++)
        {
            slots[i] = new Histogram(highestTrackableValueNs, 3);
            slotStartNs[i] = nowNs - (long)(WINDOW_SLOTS - i) * SLOT_NS;
        }
        currentSlot = WINDOW_SLOTS - 1;
        slotStartNs[currentSlot] = nowNs;
    }

    /**
     * Fold an agent's interval in. Called by the agent, at most every sweep interval.
     */
    synchronized void add(final Histogram interval)
    {
        cumulative.add(interval);
        rotate(System.nanoTime());
        slots[currentSlot].add(interval);
    }

    /**
     * @return a copy of the histogram since start. Control path.
     */
    synchronized Histogram snapshot()
    {
        return cumulative.copy();
    }

    /**
     * @return a copy of the last minute's histogram. Control path.
     */
    synchronized Histogram window()
    {
        final long nowNs = System.nanoTime();
        rotate(nowNs);
        final Histogram window = slots[currentSlot].copy();
        for (int i = 0; i < WINDOW_SLOTS; i++)
        {
            if (i != currentSlot && nowNs - slotStartNs[i] < WINDOW_SLOTS * SLOT_NS)
            {
                window.add(slots[i]);
            }
        }
        return window;
    }

    private void rotate(final long nowNs)
    {
        if (nowNs - slotStartNs[currentSlot] >= SLOT_NS)
        {
            currentSlot = (currentSlot + 1) % WINDOW_SLOTS;
            slots[currentSlot].reset();
            slotStartNs[currentSlot] = nowNs;
        }
    }
}
