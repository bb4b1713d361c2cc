package io.ssefanout.tools;

import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.transport.FanoutServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fanout loadgen} against a real server in the market-data shape (topics drawn by a Zipf law, several topics
 * per stream through a {@code {topics}} URL template): every event arrives once, and the latency distribution it
 * writes is HdrHistogram's percentile format counting exactly the measured deliveries.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class LoadGeneratorIT
{
    // value, percentile, count, 1/(1-percentile); the 100 % line has no fourth column
    private static final Pattern PERCENTILE_LINE =
        Pattern.compile("^\\s+([0-9.]+)\\s+([0-9.]+)\\s+(\\d+)(\\s+[0-9.]+)?$");
    private static final Pattern TOTAL_COUNT = Pattern.compile("Total count\\s*=\\s*(\\d+)");

    @TempDir
    Path dir;

    private FanoutServer server;

    @AfterEach
    void tearDown()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldDeliverEveryEventOnceAndWriteTheMeasuredDistribution() throws Exception
    {
        server = FanoutServer.launch(new FanoutServer.Context()
            .port(0)
            .bindAddress("127.0.0.1")
            .engineContext(new FanoutEngine.Context().dir(dir.resolve("server"))));
        final String base = "http://127.0.0.1:" + server.port();
        final Path json = dir.resolve("result.jsonl");
        final Path hgrm = dir.resolve("latency.hgrm");

        LoadGenerator.run(new String[]{
            "--sub-url", base + "/sse?topics={topics}", "--pub-url", base + "/publish/{topic}",
            "--topics", "40", "--topics-per-conn", "5-10", "--zipf", "1.0", "--conns", "30",
            "--rate", "300", "--warmup", "1", "--duration", "2", "--drain-idle", "2",
            "--json-out", json.toString(), "--hgrm", hgrm.toString(), "--label", "it", "--quiet" });

        final String result = Files.readString(json);
        assertThat(result).contains("\"conns_established\":30", "\"published\":900", "\"missing\":0",
            "\"duplicates\":0", "\"pub_errors\":0", "\"zipf\":1.0");
        assertThat(number(result, "deliveries")).isEqualTo(number(result, "expected_deliveries")).isPositive();

        final List<String> lines = Files.readAllLines(hgrm);
        assertThat(lines.get(0)).containsSubsequence("Value", "Percentile", "TotalCount", "1/(1-Percentile)");
        double lastValue = 0;
        double lastPercentile = -1;
        long lastCount = 0;
        int points = 0;
        for (final String line : lines)
        {
            final Matcher point = PERCENTILE_LINE.matcher(line);
            if (point.matches())
            {
                points++;
                assertThat(Double.parseDouble(point.group(1))).isGreaterThanOrEqualTo(lastValue);
                assertThat(Double.parseDouble(point.group(2))).isGreaterThan(lastPercentile);
                assertThat(Long.parseLong(point.group(3))).isGreaterThanOrEqualTo(lastCount);
                lastValue = Double.parseDouble(point.group(1));
                lastPercentile = Double.parseDouble(point.group(2));
                lastCount = Long.parseLong(point.group(3));
            }
        }
        assertThat(points).isGreaterThan(10);
        assertThat(lastPercentile).isEqualTo(1.0);
        final Matcher total = TOTAL_COUNT.matcher(String.join("\n", lines));
        assertThat(total.find()).isTrue();
        assertThat(Long.parseLong(total.group(1))).isEqualTo(lastCount).isEqualTo(number(result, "window_deliveries"));
        // microseconds: a loopback delivery takes more than one and, here, far less than ten seconds
        assertThat(lastValue).isBetween(1.0, 10_000_000.0);
    }

    private static long number(final String json, final String field)
    {
        final Matcher matcher = Pattern.compile("\"" + field + "\":(-?\\d+)").matcher(json);
        assertThat(matcher.find()).as(field).isTrue();
        return Long.parseLong(matcher.group(1));
    }
}
