package io.ssefanout.tools;

import io.ssefanout.transport.FanoutServer;
import io.ssefanout.engine.FanoutEngine;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The demo page in a real browser: headless Chromium loads {@code /}, its own {@code EventSource} connects, and the
 * DOM it renders holds live ticks. Runs wherever Chromium is installed ({@code .ci/run} installs it).
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class DemoPageBrowserIT
{
    private static final Path CHROMIUM = Paths.get(System.getProperty("fanout.test.chromium", "/usr/bin/chromium"));

    @TempDir
    Path dir;

    @Test
    void shouldStreamTicksIntoTheDemoPageThroughTheBrowsersEventSource() throws Exception
    {
        assumeTrue(Files.isExecutable(CHROMIUM), "Chromium not installed at " + CHROMIUM);
        final FanoutServer.Context ctx = new FanoutServer.Context()
            .port(0)
            .bindAddress("127.0.0.1")
            .indexPage(indexPage())
            .engineContext(new FanoutEngine.Context().dir(dir));
        try (FanoutServer server = FanoutServer.launch(ctx);
            DemoFeed feed = DemoFeed.start(server.engine(), new DemoFeed.Settings("ticks", 50, 100)))
        {
            assertThat(feed.describe()).contains("ticks");
            final Path profile = Files.createDirectory(dir.resolve("profile"));
            final Process browser = new ProcessBuilder(List.of(
                CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--remote-debugging-port=0",
                "http://127.0.0.1:" + server.port() + "/"))
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
            try (DevToolsPage page = DevToolsPage.attach(profile, 30_000))
            {
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                int count = 0;
                while (count < 20 && System.nanoTime() < deadlineNs)
                {
                    count = Integer.parseInt(page.evaluate("(document.getElementById('count') || { textContent: '0' }).textContent"));
                }
                assertThat(count).isGreaterThanOrEqualTo(20);
                assertThat(page.evaluate("document.getElementById('status').textContent")).isEqualTo("streaming");
                assertThat(page.evaluate("document.querySelectorAll('#rows tr').length")).isNotEqualTo("0");
                assertThat(page.evaluate("document.getElementById('lastId').textContent")).matches("\\d+");
            }
            finally
            {
                browser.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static byte[] indexPage() throws IOException
    {
        try (InputStream in = Fanout.class.getResourceAsStream("/demo/index.html"))
        {
            return in.readAllBytes();
        }
    }
}
