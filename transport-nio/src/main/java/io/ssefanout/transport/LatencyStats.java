package io.ssefanout.transport;

import org.HdrHistogram.Histogram;

/**
 * Ingest-to-write latency since start. Each I/O agent records into its own plain {@link Histogram} (no atomics on
 * the write path) and folds it in here on its periodic sweep; a scrape copies the cumulative histogram.
 */
final class LatencyStats
{
    private final Histogram cumulative;

    LatencyStats(final long highestTrackableValueNs)
    {
        cumulative = new Histogram(highestTrackableValueNs, 3);
    }

    /**
     * Fold an agent's interval into the cumulative histogram. Called by the agent, at most every sweep interval.
     */
    synchronized void add(final Histogram interval)
    {
        cumulative.add(interval);
    }

    /**
     * @return a copy of the cumulative histogram. Control path.
     */
    synchronized Histogram snapshot()
    {
        return cumulative.copy();
    }
}
