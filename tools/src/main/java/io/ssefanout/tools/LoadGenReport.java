package io.ssefanout.tools;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;

/**
 * What a load run published, what should have arrived and what did: the summary lines, the {@code RESULT_JSON} line
 * (appended to {@code --json-out}) and the latency distribution in HdrHistogram's percentile format
 * ({@code --hgrm}, microseconds).
 */
final class LoadGenReport
{
    private static final double NANOS_PER_MICRO = 1000.0;
    private static final int PERCENTILE_TICKS_PER_HALF_DISTANCE = 5;

    private final LoadGenSettings settings;
    private final LoadGenPublisher publisher;
    private final List<SubscriberConnection> connections;
    private final int[] topicOfSeq;

    /**
     * @param topicOfSeq each published event's topic index (-1 for none), filled by the publisher.
     */
    LoadGenReport(
        final LoadGenSettings settings,
        final LoadGenPublisher publisher,
        final List<SubscriberConnection> connections,
        final int[] topicOfSeq)
    {
        this.settings = settings;
        this.publisher = publisher;
        this.connections = connections;
        this.topicOfSeq = topicOfSeq;
    }

    /**
     * What the run measured, gathered from the I/O threads and the server once the run is over.
     */
    static final class Measured
    {
        final Histogram latency;
        final Histogram slowLatency;
        long windowDeliveries;
        long lastDeliveryNs;
        long measureFromNs;
        int established;
        double connectSeconds;
        long cpuMicros = -1;
        long writes = -1;
        long rssPeakKb = -1;

        Measured(final long highestLatencyNs)
        {
            latency = new Histogram(highestLatencyNs, 3);
            slowLatency = new Histogram(highestLatencyNs, 3);
        }
    }

    int publishedCount()
    {
        int count = 0;
        for (final int topic : topicOfSeq)
        {
            count += topic >= 0 ? 1 : 0;
        }
        return count;
    }

    long expectedDeliveries()
    {
        final long[] perTopic = new long[settings.topicCount];
        for (final int topic : topicOfSeq)
        {
            if (topic >= 0)
            {
                perTopic[topic]++;
            }
        }
        long expected = 0;
        for (final SubscriberConnection connection : connections)
        {
            if (200 == connection.status)
            {
                for (final int topic : connection.topics)
                {
                    expected += perTopic[topic];
                }
            }
        }
        return expected;
    }

    /**
     * Print the summary and the result line, append it to {@code --json-out} and write {@code --hgrm}.
     */
    void print(final Measured measured) throws IOException
    {
        final Histogram latency = measured.latency;
        final Histogram slowLatency = measured.slowLatency;
        final long windowDeliveries = measured.windowDeliveries;
        final long measureFromNs = measured.measureFromNs;
        final long lastDeliveryNs = measured.lastDeliveryNs;
        final long cpuMicros = measured.cpuMicros;
        final long writes = measured.writes;
        final int established = measured.established;
        final int totalEvents = topicOfSeq.length;

        long missing = 0;
        long duplicates = 0;
        long deliveries = 0;
        int closedByServer = 0;
        int connectionsWithLoss = 0;
        int slowConnections = 0;
        int slowClosedByServer = 0;
        long slowDeliveries = 0;
        for (final SubscriberConnection connection : connections)
        {
            duplicates += connection.duplicates;
            if (connection.isSlow)
            {
                // a slow reader's losses are the policy's doing (conflate, skip, disconnect): reported apart
                slowConnections++;
                slowDeliveries += connection.deliveries;
                slowClosedByServer += connection.isClosedByServer ? 1 : 0;
                continue;
            }
            deliveries += connection.deliveries;
            closedByServer += connection.isClosedByServer ? 1 : 0;
            if (200 != connection.status)
            {
                continue;
            }
            final long lost = connection.missing(topicOfSeq, totalEvents);
            missing += lost;
            connectionsWithLoss += lost > 0 ? 1 : 0;
        }

        final double windowSeconds = lastDeliveryNs > measureFromNs ? (lastDeliveryNs - measureFromNs) / 1e9 : 0;
        final double deliveriesPerSecond = windowSeconds > 0 ? windowDeliveries / windowSeconds : 0;
        final int published = publishedCount();
        final long expected = expectedDeliveries();

        final StringBuilder json = new StringBuilder("{");
        JsonText.field(json, "label", settings.label);
        JsonText.field(json, "tool", "fanout-loadgen");
        JsonText.field(json, "sub_url", settings.subUrl);
        JsonText.field(json, "pub_url", settings.pubUrl);
        JsonText.field(json, "topics", settings.topicCount);
        JsonText.field(json, "topics_per_conn", settings.minTopicsPerConnection + "-" + settings.maxTopicsPerConnection);
        JsonText.field(json, "zipf", settings.zipfExponent);
        JsonText.field(json, "conns_target", settings.connections);
        JsonText.field(json, "conns_established", established);
        JsonText.field(json, "conns_closed_by_server", closedByServer);
        JsonText.field(json, "slow_conns", slowConnections);
        JsonText.field(json, "slow_rate_bytes_per_s", settings.slowBytesPerSecond);
        JsonText.field(json, "slow_closed_by_server", slowClosedByServer);
        JsonText.field(json, "slow_deliveries", slowDeliveries);
        JsonText.field(json, "slow_staleness_p50_us", slowLatency.getValueAtPercentile(50) / 1000);
        JsonText.field(json, "slow_staleness_p99_us", slowLatency.getValueAtPercentile(99) / 1000);
        JsonText.field(json, "connect_s", round(measured.connectSeconds));
        JsonText.field(json, "rate_target", settings.ratePerSecond);
        JsonText.field(json, "size", settings.size);
        JsonText.field(json, "warmup_s", settings.warmupSeconds);
        JsonText.field(json, "duration_s", settings.durationSeconds);
        JsonText.field(json, "published", published);
        JsonText.field(json, "pub_errors", publisher.errorCount());
        JsonText.field(json, "pub_lag_p50_us", publisher.publishLag().getValueAtPercentile(50) / 1000);
        JsonText.field(json, "pub_lag_p99_us", publisher.publishLag().getValueAtPercentile(99) / 1000);
        JsonText.field(json, "expected_deliveries", expected);
        JsonText.field(json, "deliveries", deliveries);
        JsonText.field(json, "missing", missing);
        JsonText.field(json, "duplicates", duplicates);
        JsonText.field(json, "conns_with_missing", connectionsWithLoss);
        JsonText.field(json, "window_s", round(windowSeconds));
        JsonText.field(json, "window_deliveries", windowDeliveries);
        JsonText.field(json, "deliveries_per_s", Math.round(deliveriesPerSecond));
        JsonText.field(json, "target_deliveries_per_s", expected * settings.ratePerSecond / Math.max(1, totalEvents));
        JsonText.field(json, "lat_p50_us", latency.getValueAtPercentile(50) / 1000);
        JsonText.field(json, "lat_p90_us", latency.getValueAtPercentile(90) / 1000);
        JsonText.field(json, "lat_p99_us", latency.getValueAtPercentile(99) / 1000);
        JsonText.field(json, "lat_p999_us", latency.getValueAtPercentile(99.9) / 1000);
        JsonText.field(json, "lat_max_us", latency.getMaxValue() / 1000);
        JsonText.field(json, "server_cpu_ms", cpuMicros >= 0 ? cpuMicros / 1000 : -1);
        JsonText.field(json, "server_cpu_util", cpuMicros >= 0 && windowSeconds > 0 ? round(cpuMicros / 1e6 / windowSeconds) : -1);
        JsonText.field(json, "server_cpu_us_per_1k", cpuMicros >= 0 && windowDeliveries > 0 ?
            round(cpuMicros * 1000.0 / windowDeliveries) : -1);
        JsonText.field(json, "server_write_syscalls_per_delivery", writes >= 0 && windowDeliveries > 0 ?
            round((double)writes / windowDeliveries) : -1);
        JsonText.field(json, "server_writes_source", null != settings.serverMetricsUrl ? "metrics" : "proc");
        JsonText.field(json, "server_rss_peak_kb", measured.rssPeakKb);
        JsonText.field(json, "first_error", publisher.firstError());
        json.setLength(json.length() - 1);
        json.append('}');

        System.out.printf(Locale.ROOT, "connections %d/%d, published %d, deliveries %d of %d expected, missing %d," +
            " duplicates %d%n", established, settings.connections, published, deliveries, expected, missing, duplicates);
        System.out.printf(Locale.ROOT, "deliveries/s %.0f; latency us p50 %d p90 %d p99 %d p99.9 %d max %d%n",
            deliveriesPerSecond, latency.getValueAtPercentile(50) / 1000, latency.getValueAtPercentile(90) / 1000,
            latency.getValueAtPercentile(99) / 1000, latency.getValueAtPercentile(99.9) / 1000,
            latency.getMaxValue() / 1000);
        System.out.println("RESULT_JSON " + json);
        if (null != settings.jsonOut)
        {
            Files.writeString(Paths.get(settings.jsonOut), json + "\n", StandardOpenOption.CREATE,
                StandardOpenOption.APPEND);
        }
        if (null != settings.hgrmOut)
        {
            writePercentiles(latency, Paths.get(settings.hgrmOut));
        }
    }

    /**
     * The distribution as HdrHistogram prints it (value, percentile, count, 1/(1-percentile); then mean, deviation,
     * max and totals), values in microseconds: what its plotter and {@code bench/plot.py} read.
     */
    static void writePercentiles(final Histogram latency, final Path file) throws IOException
    {
        try (PrintStream out = new PrintStream(Files.newOutputStream(file), false, StandardCharsets.US_ASCII))
        {
            latency.outputPercentileDistribution(out, PERCENTILE_TICKS_PER_HALF_DISTANCE, NANOS_PER_MICRO);
        }
    }

    private static double round(final double value)
    {
        return Math.round(value * 1000) / 1000.0;
    }

}
