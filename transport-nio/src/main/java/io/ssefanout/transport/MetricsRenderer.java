package io.ssefanout.transport;

import io.ssefanout.engine.CounterDescriptor;
import io.ssefanout.engine.FanoutCounters;
import org.HdrHistogram.Histogram;

/**
 * Renders the counters and the ingest-to-write latency histogram in the Prometheus text exposition format.
 * Control path: allocates; called on scrape.
 */
final class MetricsRenderer
{
    private static final double[] QUANTILES = { 0.5, 0.9, 0.99, 0.999 };

    private final FanoutCounters counters;
    private final LatencyStats latencyStats;

    MetricsRenderer(final FanoutCounters counters, final LatencyStats latencyStats)
    {
        this.counters = counters;
        this.latencyStats = latencyStats;
    }

    String render()
    {
        final StringBuilder out = new StringBuilder(4096);
        for (final CounterDescriptor descriptor : counters.descriptors())
        {
            out.append("# HELP ").append(descriptor.metricName()).append(' ').append(descriptor.label()).append('\n');
            out.append("# TYPE ").append(descriptor.metricName()).append(' ').append(descriptor.metricType()).append('\n');
            out.append(descriptor.metricName()).append(' ').append(counters.get(descriptor).get()).append('\n');
        }

        final Histogram histogram = latencyStats.snapshot();
        final String name = "fanout_delivery_latency_seconds";
        out.append("# HELP ").append(name).append(" Ingest to socket write latency per delivery, since start\n");
        out.append("# TYPE ").append(name).append(" summary\n");
        for (final double quantile : QUANTILES)
        {
            out.append(name).append("{quantile=\"").append(quantile).append("\"} ")
                .append(seconds(histogram.getValueAtPercentile(quantile * 100.0))).append('\n');
        }
        out.append(name).append("{quantile=\"1.0\"} ").append(seconds(histogram.getMaxValue())).append('\n');
        out.append(name).append("_count ").append(histogram.getTotalCount()).append('\n');
        out.append(name).append("_sum ")
            .append(seconds((long)(histogram.getMean() * histogram.getTotalCount()))).append('\n');
        return out.toString();
    }

    private static String seconds(final long nanos)
    {
        return Double.toString(nanos / 1e9);
    }
}
