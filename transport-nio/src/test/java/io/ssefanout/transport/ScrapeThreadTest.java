package io.ssefanout.transport;

import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.engine.Subscription;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

class ScrapeThreadTest
{
    @TempDir
    Path dir;

    private FanoutEngine engine;
    private ScrapeThread scrapes;

    @AfterEach
    void tearDown()
    {
        CloseHelper.quietCloseAll(scrapes, engine);
    }

    @Test
    void shouldRenderOnItsOwnThreadAndRefuseMoreThanItsQueueHoldsWhenItFallsBehind() throws Exception
    {
        engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir));
        final LatencyStats latency = new LatencyStats(
            Subscription.highestTrackableLatencyNs(), engine.counters(), System::nanoTime);
        scrapes = new ScrapeThread(new MetricsRenderer(engine, latency), latency::collect, Throwable::printStackTrace);

        final CompletableFuture<String> rendered = new CompletableFuture<>();
        assertThat(scrapes.offer(body -> rendered.complete(
            Thread.currentThread().getName() + "\n" + new String(body, StandardCharsets.UTF_8)))).isTrue();
        assertThat(rendered.get(30, TimeUnit.SECONDS))
            .startsWith("fanout-scrapes\n").contains("# TYPE fanout_deliveries_total counter");

        // stopped, it takes no more than its queue holds: the agents answer the rest 503 at once
        scrapes.close();
        int queued = 0;
        while (queued <= ScrapeThread.QUEUE_CAPACITY && scrapes.offer(body -> { }))
        {
            queued++;
        }
        assertThat(queued).isEqualTo(ScrapeThread.QUEUE_CAPACITY);
    }
}
