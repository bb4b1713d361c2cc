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
        final LatencyRecorder agent = stats.newRecorder();

        record(agent, 1000, TimeUnit.MICROSECONDS.toNanos(100));
        record(agent, 10, TimeUnit.MILLISECONDS.toNanos(5));
        assertThat(agent.handOver()).isTrue();
        assertThat(stats.window().getTotalCount()).isEqualTo(1010);
        assertThat(counter(TransportCounterDescriptor.LATENCY_WINDOW_P50_US)).isCloseTo(100, within(1L));
        assertThat(counter(TransportCounterDescriptor.LATENCY_WINDOW_P999_US)).isCloseTo(5000, within(5L));
        assertThat(counter(TransportCounterDescriptor.LATENCY_WINDOW_MAX_US)).isCloseTo(5000, within(5L));

        clock.advance(TimeUnit.SECONDS.toNanos(30));
        record(agent, 1000, TimeUnit.MILLISECONDS.toNanos(1));
        assertThat(agent.handOver()).isTrue();
        assertThat(stats.window().getTotalCount()).isEqualTo(2010);

        // 65 s after the first interval: its slot has left the window, the second is all there is
        clock.advance(TimeUnit.SECONDS.toNanos(35));
        stats.collect();
        final Histogram window = stats.window();
        assertThat(window.getTotalCount()).isEqualTo(1000);
        assertThat(counter(TransportCounterDescriptor.LATENCY_WINDOW_P50_US)).isCloseTo(1000, within(1L));
        assertThat(counter(TransportCounterDescriptor.LATENCY_WINDOW_MAX_US)).isCloseTo(1000, within(1L));
        assertThat(stats.snapshot().getTotalCount()).as("since start").isEqualTo(2010);

        clock.advance(TimeUnit.SECONDS.toNanos(61));
        assertThat(stats.window().getTotalCount()).as("a quiet minute").isZero();
        assertThat(stats.snapshot().getTotalCount()).isEqualTo(2010);
    }

    @Test
    void shouldKeepRecordingIntoTheSameIntervalUntilTheLastOneWasCollected()
    {
        final LatencyStats stats = new LatencyStats(HIGHEST_NS, counters, clock);
        final LatencyRecorder first = stats.newRecorder();
        final LatencyRecorder second = stats.newRecorder();
        assertThat(first.handOver()).as("nothing recorded").isFalse();

        record(first, 5, 1000);
        assertThat(first.handOver()).isTrue();
        record(first, 7, 1000);
        assertThat(first.handOver()).as("the last interval is not collected yet").isFalse();
        record(first, 11, 1000);
        record(second, 13, 1000);
        assertThat(second.handOver()).isTrue();

        stats.collect();
        assertThat(stats.snapshot().getTotalCount()).isEqualTo(5 + 13);
        assertThat(first.handOver()).as("collected: the next one goes").isTrue();
        stats.collect();
        assertThat(stats.snapshot().getTotalCount()).as("nothing lost, nothing twice").isEqualTo(5 + 7 + 11 + 13);
        assertThat(first.active().getTotalCount()).as("an empty histogram came back").isZero();
    }

    private long counter(final TransportCounterDescriptor descriptor)
    {
        return counters.get(descriptor).get();
    }

    private static void record(final LatencyRecorder recorder, final int count, final long valueNs)
    {
        recorder.active().recordValueWithCount(valueNs, count);
    }
}
