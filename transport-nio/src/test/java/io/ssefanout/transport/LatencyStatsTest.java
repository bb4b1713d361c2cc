package io.ssefanout.transport;

import io.ssefanout.engine.FanoutCounters;
import org.HdrHistogram.Histogram;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

class LatencyStatsTest
{
    private static final long HIGHEST_NS = TimeUnit.SECONDS.toNanos(60);

    private final FanoutCounters counters = new FanoutCounters();
    private final CachedNanoClock clock = new CachedNanoClock();

    @AfterEach
    void tearDown()
    {
        counters.close();
    }

    @Test
    void shouldKeepTheLastMinuteApartFromTheTotalAndPublishItsPercentilesForStat()
    {
        clock.update(1_000_000_000L);
        final LatencyStats stats = new LatencyStats(HIGHEST_NS, counters, clock);

        stats.add(interval(1000, TimeUnit.MICROSECONDS.toNanos(100), 10, TimeUnit.MILLISECONDS.toNanos(5)));
        assertThat(stats.window().getTotalCount()).isEqualTo(1010);
        assertThat(counter(TransportCounterDescriptor.LATENCY_WINDOW_P50_US)).isCloseTo(100, within(1L));
        assertThat(counter(TransportCounterDescriptor.LATENCY_WINDOW_P999_US)).isCloseTo(5000, within(5L));
        assertThat(counter(TransportCounterDescriptor.LATENCY_WINDOW_MAX_US)).isCloseTo(5000, within(5L));

        clock.advance(TimeUnit.SECONDS.toNanos(30));
        stats.add(interval(1000, TimeUnit.MILLISECONDS.toNanos(1), 0, 0));
        assertThat(stats.window().getTotalCount()).isEqualTo(2010);

        // 65 s after the first interval: its slot has left the window, the second is all there is
        clock.advance(TimeUnit.SECONDS.toNanos(35));
        stats.add(interval(0, 0, 0, 0));
        final Histogram window = stats.window();
        assertThat(window.getTotalCount()).isEqualTo(1000);
        assertThat(counter(TransportCounterDescriptor.LATENCY_WINDOW_P50_US)).isCloseTo(1000, within(1L));
        assertThat(counter(TransportCounterDescriptor.LATENCY_WINDOW_MAX_US)).isCloseTo(1000, within(1L));
        assertThat(stats.snapshot().getTotalCount()).as("since start").isEqualTo(2010);

        clock.advance(TimeUnit.SECONDS.toNanos(61));
        assertThat(stats.window().getTotalCount()).as("a quiet minute").isZero();
        assertThat(stats.snapshot().getTotalCount()).isEqualTo(2010);
    }

    private long counter(final TransportCounterDescriptor descriptor)
    {
        return counters.get(descriptor).get();
    }

    private static Histogram interval(final int count, final long valueNs, final int slowCount, final long slowNs)
    {
        final Histogram histogram = new Histogram(HIGHEST_NS, 3);
        if (count > 0)
        {
            histogram.recordValueWithCount(valueNs, count);
        }
        if (slowCount > 0)
        {
            histogram.recordValueWithCount(slowNs, slowCount);
        }
        return histogram;
    }
}
