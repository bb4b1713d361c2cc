package io.ssefanout.transport;

import io.ssefanout.engine.CounterDescriptor;
import io.ssefanout.engine.FanoutCounters;
import io.ssefanout.engine.EngineCounterDescriptor;
import io.ssefanout.engine.FanoutEngine;
import org.HdrHistogram.Histogram;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.ssefanout.transport.ProcessMetrics.family;

/**
 * Renders {@code /metrics} in the Prometheus text exposition format: the counters (a family's labelled samples
 * together, e.g. {@code fanout_rejects_total{code="400"}}), ring and build gauges, the ingest-to-write latency as a
 * histogram since start (cumulative buckets: aggregatable across nodes, {@code histogram_quantile} over any range)
 * and as exact quantiles over the last minute (a summary), and the JVM's and process's figures. Control path:
 * allocates; called on scrape.
 */
final class MetricsRenderer
{
    private static final String LATENCY = "fanout_delivery_latency_seconds";
    private static final String WINDOW_LATENCY = "fanout_delivery_latency_window_seconds";
    private static final double[] QUANTILES = { 0.5, 0.9, 0.99, 0.999 };
    /** Bucket upper bounds: 50 µs to 10 s, in seconds as written in {@code le}. */
    private static final String[] BUCKETS = {
        "0.00005", "0.0001", "0.00025", "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05", "0.1",
        "0.25", "0.5", "1", "2.5", "5", "10" };

    private final FanoutCounters counters;
    private final LatencyStats latencyStats;
    private final FanoutEngine engine;

    MetricsRenderer(final FanoutEngine engine, final LatencyStats latencyStats)
    {
        this.engine = engine;
        this.counters = engine.counters();
        this.latencyStats = latencyStats;
    }

    String render()
    {
        final StringBuilder out = new StringBuilder(8192);
        renderCounters(out);

        family(out, "fanout_ring_backlog", "gauge", "Events in the ingest ring not sequenced yet");
        out.append("fanout_ring_backlog ").append(engine.ingestBacklog()).append('\n');
        family(out, "fanout_ring_capacity", "gauge", "Slots of the ingest ring");
        out.append("fanout_ring_capacity ").append(engine.context().ringSize()).append('\n');
        family(out, "fanout_log_memory_max_bytes", "gauge", "The log memory budget, fanout.log.memory.max");
        out.append("fanout_log_memory_max_bytes ").append(engine.context().logMemoryMax()).append('\n');
        renderStallTracking(out);
        family(out, "fanout_build_info", "gauge", "Version and git commit of the running build");
        out.append("fanout_build_info{version=\"").append(BuildInfo.version()).append("\",commit=\"")
            .append(BuildInfo.commit()).append("\"} 1\n");

        renderHistogram(out, latencyStats.snapshot());
        renderWindow(out, latencyStats.window());
        ProcessMetrics.render(out);
        return out.toString();
    }

    private void renderCounters(final StringBuilder out)
    {
        final Map<String, List<CounterDescriptor>> families = new LinkedHashMap<>();
        for (final CounterDescriptor descriptor : counters.descriptors())
        {
            if (CounterDescriptor.STAT_ONLY.equals(descriptor.metricType()))
            {
                continue;
            }
            final String name = descriptor.metricName();
            final int labels = name.indexOf('{');
            families.computeIfAbsent(labels < 0 ? name : name.substring(0, labels), family -> new ArrayList<>())
                .add(descriptor);
        }
        for (final Map.Entry<String, List<CounterDescriptor>> family : families.entrySet())
        {
            final CounterDescriptor first = family.getValue().get(0);
            family(out, family.getKey(), first.metricType(), first.label());
            for (final CounterDescriptor descriptor : family.getValue())
            {
                out.append(descriptor.metricName()).append(' ').append(counters.get(descriptor).get()).append('\n');
            }
        }
    }

    /**
     * The duty-cycle stall tracking kept as nanosecond counters in counters.dat, here in seconds by thread.
     */
    private void renderStallTracking(final StringBuilder out)
    {
        family(out, "fanout_duty_cycle_max_seconds", "gauge", "Longest duty cycle since start, by thread");
        out.append("fanout_duty_cycle_max_seconds{thread=\"io\"} ")
            .append(seconds(counters.get(TransportCounterDescriptor.IO_CYCLE_MAX_NS).get())).append('\n');
        out.append("fanout_duty_cycle_max_seconds{thread=\"sequencer\"} ")
            .append(seconds(counters.get(EngineCounterDescriptor.SEQUENCER_CYCLE_MAX_NS).get())).append('\n');
        family(out, "fanout_duty_cycle_stalls_total", "counter",
            "Duty cycles longer than fanout.duty.cycle.threshold, by thread");
        out.append("fanout_duty_cycle_stalls_total{thread=\"io\"} ")
            .append(counters.get(TransportCounterDescriptor.IO_CYCLE_STALLS).get()).append('\n');
        out.append("fanout_duty_cycle_stalls_total{thread=\"sequencer\"} ")
            .append(counters.get(EngineCounterDescriptor.SEQUENCER_CYCLE_STALLS).get()).append('\n');
        family(out, "fanout_ring_wait_max_seconds", "gauge", "Longest an event waited in the ingest ring, since start");
        out.append("fanout_ring_wait_max_seconds ")
            .append(seconds(counters.get(EngineCounterDescriptor.RING_WAIT_MAX_NS).get())).append('\n');
    }

    private static void renderHistogram(final StringBuilder out, final Histogram histogram)
    {
        family(out, LATENCY, "histogram", "Ingest to socket write latency per delivery, since start");
        for (final String bucket : BUCKETS)
        {
            final long upperNs = (long)(Double.parseDouble(bucket) * 1e9);
            out.append(LATENCY).append("_bucket{le=\"").append(bucket).append("\"} ")
                .append(histogram.getCountBetweenValues(0, upperNs)).append('\n');
        }
        final long count = histogram.getTotalCount();
        out.append(LATENCY).append("_bucket{le=\"+Inf\"} ").append(count).append('\n');
        out.append(LATENCY).append("_sum ").append(seconds(histogram.getMean() * count)).append('\n');
        out.append(LATENCY).append("_count ").append(count).append('\n');
    }

    private static void renderWindow(final StringBuilder out, final Histogram window)
    {
        family(out, WINDOW_LATENCY, "summary",
            "Ingest to socket write latency per delivery, exact quantiles over the last " +
            LatencyStats.WINDOW_SECONDS + " s");
        for (final double quantile : QUANTILES)
        {
            out.append(WINDOW_LATENCY).append("{quantile=\"").append(quantile).append("\"} ")
                .append(seconds(window.getValueAtPercentile(quantile * 100.0))).append('\n');
        }
        final long count = window.getTotalCount();
        out.append(WINDOW_LATENCY).append("_sum ").append(seconds(window.getMean() * count)).append('\n');
        out.append(WINDOW_LATENCY).append("_count ").append(count).append('\n');
    }

    private static String seconds(final double nanos)
    {
        return Double.toString(nanos / 1e9);
    }
}
