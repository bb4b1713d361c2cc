package io.ssefanout.engine;

import org.junit.jupiter.api.Test;

import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Durations are read with their unit, from nanoseconds to days; a bare number other than 0 is refused naming the
 * forms; every default is written back in a form the parser reads.
 */
class DurationsTest
{
    @Test
    void shouldReadEveryUnitAndZero()
    {
        assertThat(Durations.parseNanos("p", "250ns")).isEqualTo(250);
        assertThat(Durations.parseNanos("p", "40us")).isEqualTo(40_000);
        assertThat(Durations.parseNanos("p", "500ms")).isEqualTo(TimeUnit.MILLISECONDS.toNanos(500));
        assertThat(Durations.parseNanos("p", "15s")).isEqualTo(TimeUnit.SECONDS.toNanos(15));
        assertThat(Durations.parseNanos("p", "60m")).isEqualTo(TimeUnit.HOURS.toNanos(1));
        assertThat(Durations.parseNanos("p", "1h")).isEqualTo(TimeUnit.HOURS.toNanos(1));
        assertThat(Durations.parseNanos("p", "2d")).isEqualTo(TimeUnit.DAYS.toNanos(2));
        assertThat(Durations.parseNanos("p", " 1H ")).isEqualTo(TimeUnit.HOURS.toNanos(1));
        assertThat(Durations.parseNanos("p", "0")).isZero();
    }

    @Test
    void shouldRefuseABareNumberAndNamePropertyValueAndForms()
    {
        for (final String bad : new String[]{ "15", "1.5s", "s", "-1s", "15 sec", "", "99999999999999999999d", "200000d" })
        {
            assertThatThrownBy(() -> Durations.parseNanos("fanout.heartbeat.interval", bad))
                .as(bad).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("fanout.heartbeat.interval='" + bad + "'")
                .hasMessageContaining("500ms, 15s, 5m, 1h, 2d");
        }
    }

    @Test
    void shouldWriteDurationsInTheLargestExactUnit()
    {
        for (final long nanos : new long[]{ 0, 1, 1_500, 1_000_000, 30_000_000_000L, 3_600_000_000_000L,
            TimeUnit.DAYS.toNanos(3), TimeUnit.MINUTES.toNanos(90) })
        {
            assertThat(Durations.parseNanos("p", Durations.format(nanos))).isEqualTo(nanos);
        }
        assertThat(Durations.format(TimeUnit.HOURS.toNanos(1))).isEqualTo("1h");
        assertThat(Durations.format(TimeUnit.MINUTES.toNanos(90))).isEqualTo("90m");
        assertThat(Durations.format(TimeUnit.MILLISECONDS.toNanos(1500))).isEqualTo("1500ms");
    }
}
