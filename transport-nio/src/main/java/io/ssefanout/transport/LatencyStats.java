package io.ssefanout.transport;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.SingleWriterRecorder;

import java.util.ArrayList;
import java.util.List;

/**
 * Ingest-to-write latency: one {@link SingleWriterRecorder} per writing thread, merged into a cumulative
 * histogram on scrape.
 */
final class LatencyStats
{
    private final List<SingleWriterRecorder> recorders = new ArrayList<>();
    private final Histogram cumulative;
    private final List<Histogram> intervals = new ArrayList<>();

    LatencyStats(final long highestTrackableValueNs)
    {
        cumulative = new Histogram(highestTrackableValueNs, 3);
    }

    synchronized SingleWriterRecorder newRecorder(final long highestTrackableValueNs)
    {
        final SingleWriterRecorder recorder = new SingleWriterRecorder(highestTrackableValueNs, 3);
        recorders.add(recorder);
        intervals.add(null);
        return recorder;
    }

    /**
     * Fold every recorder's interval into the cumulative histogram and return a copy of it. Control path.
     */
    synchronized Histogram snapshot()
    {
        for (int i = 0; i < recorders.size(); i++)
        {
            final Histogram interval = recorders.get(i).getIntervalHistogram(intervals.get(i));
            intervals.set(i, interval);
            cumulative.add(interval);
        }
        return cumulative.copy();
    }
}
