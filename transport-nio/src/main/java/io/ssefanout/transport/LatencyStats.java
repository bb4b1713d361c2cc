package io.ssefanout.transport;

import io.ssefanout.engine.FanoutCounters;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.concurrent.TimeUnit;

/**
 * Ingest-to-write latency: since start (for the Prometheus histogram, cumulative and aggregatable across nodes) and
 * over a sliding window of the last minute (for exact quantiles that keep moving after a long uptime). Each I/O
 * agent records into its own {@link LatencyRecorder} and hands intervals over; {@link #collect()} folds them here, on
 * the scrape thread (every scrape and once a second), never on an I/O thread. The window is kept as a running sum of
 * its slots (a slot that expires is subtracted), so that its percentiles go to the counters file for
 * {@code fanout stat} once a second without merging six histograms each time.
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
    private final long highestTrackableValueNs;
    private LatencyRecorder[] recorders = new LatencyRecorder[0];
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
        this.highestTrackableValueNs = highestTrackableValueNs;
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
     * A recorder for one I/O agent, folded by {@link #collect()} from now on. Control path.
     */
    synchronized LatencyRecorder newRecorder()
    {
        final LatencyRecorder recorder = new LatencyRecorder(highestTrackableValueNs);
        recorders = java.util.Arrays.copyOf(recorders, recorders.length + 1);
        recorders[recorders.length - 1] = recorder;
        return recorder;
    }

    /**
     * Fold in what the agents handed over, and once a second put the window's percentiles in the counters. Not on an
     * I/O thread.
     */
    synchronized void collect()
    {
        final long nowNs = nanoClock.nanoTime();
        rotate(nowNs);
        for (final LatencyRecorder recorder : recorders)
        {
            final Histogram interval = recorder.take();
            if (null != interval)
            {
                cumulative.add(interval);
                slots[currentSlot].add(interval);
                window.add(interval);
                recorder.giveBack(interval);
            }
        }
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
        collect();
        return cumulative.copy();
    }

    /**
     * @return a copy of the last minute's histogram. Control path.
     */
    synchronized Histogram window()
    {
        collect();
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
