package io.ssefanout.tools;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

import javax.xml.parsers.DocumentBuilderFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code bench/plot.py} (Python 3) on the distributions the load generator writes: one line per server in an SVG
 * that parses, points rising along the percentiles, the legend's percentiles read from the files; a file that is
 * not a distribution is refused with its name.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PercentilePlotIT
{
    private static final Path PLOT = Paths.get("..", "bench", "plot.py");

    @TempDir
    Path dir;

    @Test
    void shouldDrawOneRisingLinePerDistributionWithItsPercentilesInTheLegend() throws Exception
    {
        final Path fast = distribution("fast.hgrm", 1);
        final Path slow = distribution("slow.hgrm", 10);
        final Path svg = dir.resolve("plot.svg");

        final String output = plot("--out", svg.toString(), "--title", "1000x100 <broadcast>",
            "project=" + fast, "peer=" + slow);
        assertThat(output).startsWith("0:");

        final Document document = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(svg.toFile());
        final NodeList lines = document.getElementsByTagName("polyline");
        assertThat(lines.getLength()).isEqualTo(2);
        final List<String> labels = new ArrayList<>();
        for (int i = 0; i < lines.getLength(); i++)
        {
            final Element line = (Element)lines.item(i);
            labels.add(line.getAttribute("data-label"));
            double lastY = Double.MAX_VALUE;
            double lastX = -1;
            for (final String point : line.getAttribute("points").split(" "))
            {
                final double x = Double.parseDouble(point.split(",")[0]);
                final double y = Double.parseDouble(point.split(",")[1]);
                // SVG's y grows downwards: a higher latency is drawn higher up
                assertThat(x).isGreaterThanOrEqualTo(lastX);
                assertThat(y).isLessThanOrEqualTo(lastY);
                lastX = x;
                lastY = y;
            }
        }
        assertThat(labels).containsExactlyInAnyOrder("project", "peer");
        final String text = document.getDocumentElement().getTextContent();
        assertThat(text).contains("1000x100 <broadcast>",
            "project: p50 500 µs, p99 991 µs, p99.9 1 ms, max 1 ms (1,000 deliveries)",
            "peer: p50 5 ms, p99 9.91 ms, p99.9 10 ms, max 10 ms (1,000 deliveries)");

        final Path notADistribution = dir.resolve("notes.txt");
        Files.writeString(notADistribution, "nothing to plot\n");
        assertThat(plot("--out", dir.resolve("bad.svg").toString(), "x=" + notADistribution))
            .startsWith("2:").contains("notes.txt: no percentile lines");
        assertThat(plot("--out", dir.resolve("bad.svg").toString(), "no-label"))
            .startsWith("2:").contains("want LABEL=FILE.hgrm");
    }

    /**
     * 1,000 deliveries of 1..1000 microseconds times {@code scale}.
     */
    private Path distribution(final String name, final int scale) throws Exception
    {
        final Histogram histogram = new Histogram(TimeUnit.SECONDS.toNanos(120), 3);
        for (int i = 1; i <= 1000; i++)
        {
            histogram.recordValue(i * 1000L * scale);
        }
        final Path file = dir.resolve(name);
        LoadGenReport.writePercentiles(histogram, file);
        return file;
    }

    private static String plot(final String... args) throws Exception
    {
        final List<String> command = new ArrayList<>(List.of("python3", PLOT.toString()));
        command.addAll(List.of(args));
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue() + ":" + output;
    }
}
