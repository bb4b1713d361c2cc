package io.ssefanout.transport;

import io.ssefanout.engine.FanoutCounters;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.TimeUnit;

/**
 * Ingest-to-write latency: since start (for the Prometheus histogram, cumulative and aggregatable across nodes) and
 * over a sliding window of the last minute (for exact quantiles that keep moving after a long uptime). Each I/O
 * agent records into its own plain {@link Histogram} (no atomics on the write path) and folds it in here on its
 * periodic sweep; a scrape copies what it needs. The window is kept as a running sum of its slots (a slot that
 * expires is subtracted), so that its percentiles can go to the counters file for {@code fanout stat} once a second
 * without merging six histograms each time.
 */
final class LatencyStats
{
    private static final int WINDOW_SLOTS = 6;
    private static final long SLOT_NS = TimeUnit.SECONDS.toNanos(10);
    private static final long COUNTERS_INTERVAL_NS = TimeUnit.SECONDS.toNanos(1);
    /** The window's length, for the metric's help text. */
    static final long WINDOW_SECONDS = TimeUnit.NANOSECONDS.toSeconds(WINDOW_SLOTS * SLOT_NS);

    private final Histogram cumulative;
    private final Histogram window;
    private final Histogram[] slots = new Histogram[WINDOW_SLOTS];
    private final NanoClock nanoClock;
    private final AtomicCounter p50Us;
    private final AtomicCounter p99Us;
    private final AtomicCounter p999Us;
    private final AtomicCounter maxUs;
    private long currentSlotStartNs;
    private long nextCountersNs;
    private int currentSlot;

    /**
     * @param highestTrackableValueNs the longest latency recorded as itself.
     * @param counters                where the window's percentiles go.
     * @param nanoClock               the clock the window slides by.
     */
    LatencyStats(final long highestTrackableValueNs, final FanoutCounters counters, final NanoClock nanoClock)
    {
        this.nanoClock = nanoClock;
        cumulative = new Histogram(highestTrackableValueNs, 3);
        window = new Histogram(highestTrackableValueNs, 3);
        for (int i = 0; i < WINDOW_SLOTS; i++)
        {
            slots[i] = new Histogram(highestTrackableValueNs, 3);
        }
        currentSlotStartNs = nanoClock.nanoTime();
        nextCountersNs = currentSlotStartNs;
        counters.register(TransportCounterDescriptor.values());
        p50Us = counters.get(TransportCounterDescriptor.LATENCY_WINDOW_P50_US);
        p99Us = counters.get(TransportCounterDescriptor.LATENCY_WINDOW_P99_US);
        p999Us = counters.get(TransportCounterDescriptor.LATENCY_WINDOW_P999_US);
        maxUs = counters.get(TransportCounterDescriptor.LATENCY_WINDOW_MAX_US);
    }

    /**
     * Fold an agent's interval in. Called by the agent, at most every sweep interval.
     */
    synchronized void add(final Histogram interval)
    {
        final long nowNs = nanoClock.nanoTime();
        cumulative.add(interval);
        rotate(nowNs);
        slots[currentSlot].add(interval);
        window.add(interval);
        if (nowNs - nextCountersNs >= 0)
        {
            nextCountersNs = nowNs + COUNTERS_INTERVAL_NS;
            p50Us.setOrdered(micros(window.getValueAtPercentile(50)));
            p99Us.setOrdered(micros(window.getValueAtPercentile(99)));
            p999Us.setOrdered(micros(window.getValueAtPercentile(99.9)));
            maxUs.setOrdered(micros(window.getMaxValue()));
        }
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
        rotate(nanoClock.nanoTime());
        return window.copy();
    }

    private void rotate(final long nowNs)
    {
        if (nowNs - currentSlotStartNs >= WINDOW_SLOTS * SLOT_NS)
        {
            // idle for a whole window: nothing in it is recent
            for (final Histogram slot : slots)
            {
                slot.reset();
            }
            window.reset();
            currentSlotStartNs = nowNs;
            return;
        }
        while (nowNs - currentSlotStartNs >= SLOT_NS)
        {
            currentSlot = (currentSlot + 1) % WINDOW_SLOTS;
            window.subtract(slots[currentSlot]);
            slots[currentSlot].reset();
            currentSlotStartNs += SLOT_NS;
        }
    }

    private static long micros(final long nanos)
    {
        return TimeUnit.NANOSECONDS.toMicros(nanos);
    }
}
