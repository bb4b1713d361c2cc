package io.ssefanout.transport;

import io.ssefanout.testsupport.FreePort;
import io.ssefanout.testsupport.HttpClient;
import io.ssefanout.testsupport.SseClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code /metrics} as Prometheus itself reads it: Debian's {@code promtool check metrics} finds nothing wrong in a
 * live scrape, and a real Prometheus scraping the server answers a PromQL quantile over the latency histogram.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class PrometheusIT
{
    private static final Path PROMTOOL = Path.of("/usr/bin/promtool");
    private static final Path PROMETHEUS = Path.of("/usr/bin/prometheus");
    private static final Pattern PANEL_EXPRESSION = Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern VALUE = Pattern.compile("\"value\":\\[[0-9.]+,\"([^\"]+)\"\\]");

    @TempDir
    Path dir;

    private FanoutServer server;
    private Process prometheus;

    @AfterEach
    void tearDown() throws InterruptedException
    {
        if (null != prometheus)
        {
            prometheus.destroy();
            prometheus.waitFor(10, TimeUnit.SECONDS);
        }
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldPassPromtoolAnswerAQuantileQueryAndFillEveryDashboardPanelFromARealPrometheus() throws Exception
    {
        assumeTrue(Files.isExecutable(PROMTOOL) && Files.isExecutable(PROMETHEUS),
            "needs Debian's prometheus package (apt-get install prometheus; .ci/run installs it)");
        server = ServerFixture.start(dir.resolve("server"), ctx -> { });
        try (SseClient client = SseClient.connect(server.port(), "/sse/m"))
        {
            int published = 0;
            publish(server, "m", "event " + published++);
            assertThat(client.awaitEvents(published, 5000)).isTrue();
            final String[] scrape = new String[1];
            await(() ->
            {
                scrape[0] = scrape();
                return scrape[0].contains("fanout_delivery_latency_seconds_count 1");
            }, 5000, "latency in the scrape");

            final Process check = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics")
                .redirectErrorStream(true).start();
            check.getOutputStream().write(scrape[0].getBytes(StandardCharsets.UTF_8));
            check.getOutputStream().close();
            final String findings = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(findings).as("promtool check metrics").isEmpty();
            assertThat(check.exitValue()).isZero();

            final int prometheusPort = FreePort.next();
            final Path config = dir.resolve("prometheus.yml");
            Files.writeString(config, "global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\n" +
                "scrape_configs:\n  - job_name: fanout\n    static_configs:\n      - targets: ['127.0.0.1:" +
                server.port() + "']\n");
            prometheus = new ProcessBuilder(PROMETHEUS.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"), "--web.listen-address=127.0.0.1:" + prometheusPort,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();

            final String query = "histogram_quantile(0.99, sum(rate(fanout_delivery_latency_seconds_bucket[5s])) by (le))";
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            String answer = "";
            double p99 = Double.NaN;
            while (Double.isNaN(p99))
            {
                assertThat(System.nanoTime()).as("Prometheus answered %s; last: %s", query, answer)
                    .isLessThan(deadlineNs);
                // deliveries keep the histogram moving between scrapes, paced by the subscriber receiving each
                publish(server, "m", "event " + published++);
                assertThat(client.awaitEvents(published, 5000)).isTrue();
                if (0 == published % 50)
                {
                    answer = queryPrometheus(prometheusPort, query);
                    final Matcher matcher = VALUE.matcher(answer);
                    p99 = matcher.find() ? Double.parseDouble(matcher.group(1)) : Double.NaN;
                }
            }
            assertThat(p99).as("p99 latency in seconds from the histogram").isPositive().isLessThan(10);

            // the dashboard fills: every panel's query has a series in the real Prometheus
            final List<String> empty = new ArrayList<>(panelExpressions());
            assertThat(empty).hasSizeGreaterThan(10);
            while (!empty.isEmpty())
            {
                assertThat(System.nanoTime()).as("dashboard queries without data: %s", empty).isLessThan(deadlineNs);
                publish(server, "m", "event " + published++);
                assertThat(client.awaitEvents(published, 5000)).isTrue();
                if (0 == published % 50)
                {
                    empty.removeIf(expression -> VALUE.matcher(queryPrometheus(prometheusPort, expression)).find());
                }
            }
        }
    }

    @Test
    void shouldPassTheAlertRulesUnitTestsAndNameOnlyMetricsThatExistInTheDashboardAndTheRules() throws Exception
    {
        assumeTrue(Files.isExecutable(PROMTOOL), "needs Debian's prometheus package (promtool)");
        final Path deploy = Path.of("..", "deploy").toAbsolutePath().normalize();
        final Path rules = deploy.resolve("prometheus").resolve("fanout-rules.yml");
        final Process check = new ProcessBuilder(PROMTOOL.toString(), "check", "rules", rules.toString())
            .redirectErrorStream(true).start();
        final String output = new String(check.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(check.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(check.exitValue()).as(output).isZero();
        final Process unitTests = new ProcessBuilder(PROMTOOL.toString(), "test", "rules",
            rules.resolveSibling("fanout-rules.test.yml").toString()).redirectErrorStream(true).start();
        final String results = new String(unitTests.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(unitTests.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(unitTests.exitValue()).as(results).isZero();
        assertThat(results).contains("SUCCESS");

        server = ServerFixture.start(dir.resolve("server"), ctx -> { });
        final String scrape = scrape();
        final java.util.Set<String> exposed = new java.util.TreeSet<>();
        for (final String line : scrape.split("\n"))
        {
            if (!line.startsWith("#") && !line.isEmpty())
            {
                exposed.add(line.split("[{ ]", 2)[0]);
            }
        }
        final Pattern metricName = Pattern.compile("\\b((?:fanout|jvm|process)_[a-z_]+)\\b");
        for (final Path file : new Path[]{ rules, deploy.resolve("grafana").resolve("fanout-dashboard.json") })
        {
            final Matcher matcher = metricName.matcher(Files.readString(file));
            int named = 0;
            while (matcher.find())
            {
                named++;
                assertThat(exposed).as("%s names %s", file.getFileName(), matcher.group(1)).contains(matcher.group(1));
            }
            assertThat(named).as("metrics named in %s", file.getFileName()).isGreaterThan(5);
        }
    }

    private static List<String> panelExpressions() throws IOException
    {
        final String dashboard = Files.readString(
            Path.of("..", "deploy", "grafana", "fanout-dashboard.json").toAbsolutePath().normalize());
        final List<String> expressions = new ArrayList<>();
        final Matcher matcher = PANEL_EXPRESSION.matcher(dashboard);
        while (matcher.find())
        {
            expressions.add(matcher.group(1).replace("\\\"", "\"").replace("\\\\", "\\"));
        }
        return expressions;
    }

    private String scrape()
    {
        try
        {
            return HttpClient.body(HttpClient.exchange(server.port(),
                "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static String queryPrometheus(final int port, final String query)
    {
        try
        {
            return HttpClient.body(HttpClient.exchange(port, "GET /api/v1/query?query=" +
                URLEncoder.encode(query, StandardCharsets.UTF_8) + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
        }
        catch (final IOException ex)
        {
            return ex.toString();   // not up yet
        }
    }
}
