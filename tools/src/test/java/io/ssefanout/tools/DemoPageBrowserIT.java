package io.ssefanout.tools;

import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.transport.FanoutServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The demo page in a real browser, through the browser helper ({@code /fanout.js}): headless Chromium loads {@code /}
 * after the feed has stopped, and the table is full from the snapshot alone; live ticks follow; the server restarts on
 * the same port and the page carries on by itself. Runs wherever Chromium is installed ({@code .ci/run} installs it).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class DemoPageBrowserIT
{
    private static final int SYMBOLS = 50;

    @TempDir
    Path dir;

    @Test
    void shouldOpenFullFromTheSnapshotStreamLiveAndSurviveARestart() throws Exception
    {
        assumeTrue(HeadlessChromium.isInstalled(), "Chromium not installed at " + HeadlessChromium.EXECUTABLE);
        final FanoutServer first = FanoutServer.launch(context(0));
        final int port = first.port();
        HeadlessChromium browser = null;
        try
        {
            // every symbol ticks, then the feed stops: whatever the page shows next comes from the snapshot
            try (DemoFeed feed = DemoFeed.start(first.engine(), new DemoFeed.Settings("sym", SYMBOLS, 2000)))
            {
                assertThat(feed.describe()).contains("sym.AAPL");
                await(() -> first.engine().topics().count() == SYMBOLS &&
                    first.engine().counters().get(io.ssefanout.engine.EngineCounterDescriptor.FRAMES_APPENDED).get() > 2000,
                    "every symbol published");
            }
            browser = HeadlessChromium.open(dir, "http://127.0.0.1:" + port + "/");
            try (DevToolsPage page = browser.attach(30_000))
            {
                awaitPage(page, "document.querySelectorAll('#rows tr').length", n -> Integer.parseInt(n) == SYMBOLS,
                    "a full table from the snapshot, with the feed stopped");
                assertThat(page.evaluate("document.getElementById('count').textContent")).isEqualTo(String.valueOf(SYMBOLS));
                assertThat(page.evaluate("document.getElementById('status').textContent")).isEqualTo("streaming");

                try (DemoFeed live = DemoFeed.start(first.engine(), new DemoFeed.Settings("sym", SYMBOLS, 200)))
                {
                    assertThat(live.describe()).contains("200 events/s");
                    awaitPage(page, "document.getElementById('count').textContent", n -> Integer.parseInt(n) >= SYMBOLS + 20,
                        "live ticks");
                }
                first.close();
                awaitPage(page, "document.getElementById('status').textContent", s -> !"streaming".equals(s),
                    "the page noticing the restart");

                try (FanoutServer second = FanoutServer.launch(context(port));
                    DemoFeed again = DemoFeed.start(second.engine(), new DemoFeed.Settings("sym", SYMBOLS, 200)))
                {
                    assertThat(again.describe()).contains("200 events/s");
                    final int before = Integer.parseInt(page.evaluate("document.getElementById('count').textContent"));
                    awaitPage(page, "document.getElementById('count').textContent", n -> Integer.parseInt(n) >= before + 20,
                        "ticks from the restarted server");
                    assertThat(page.evaluate("document.getElementById('status').textContent")).isEqualTo("streaming");
                    assertThat(page.evaluate("document.querySelectorAll('#rows tr').length")).isEqualTo(String.valueOf(SYMBOLS));
                }
            }
        }
        finally
        {
            first.close();
            if (null != browser)
            {
                browser.close();
            }
        }
    }

    private FanoutServer.Context context(final int port) throws IOException
    {
        return new FanoutServer.Context()
            .port(port)
            .bindAddress("127.0.0.1")
            .indexPage(indexPage())
            .engineContext(new FanoutEngine.Context().dir(dir));
    }

    private static void awaitPage(
        final DevToolsPage page, final String expression, final Predicate<String> condition, final String what)
        throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String value = null;
        while (System.nanoTime() < deadlineNs)
        {
            value = page.evaluate(expression);
            if (null != value && !value.isEmpty() && condition.test(value))
            {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("timed out waiting for " + what + "; last " + expression + " = " + value);
    }

    private static void await(final java.util.function.BooleanSupplier condition, final String what)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadlineNs)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.onSpinWait();
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
