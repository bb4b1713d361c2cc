package io.ssefanout.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link EngineConfiguration}'s alias table and {@link FanoutCounters}' registry of counters by id.
 */
class EngineConfigurationTest
{
    @Test
    void shouldMapEveryWaitStrategyAliasAndRefuseOthers()
    {
        assertThat(EngineConfiguration.waitStrategy("blocking")).isInstanceOf(BlockingWaitStrategy.class);
        assertThat(EngineConfiguration.waitStrategy("sleeping")).isInstanceOf(SleepingWaitStrategy.class);
        assertThat(EngineConfiguration.waitStrategy("yielding")).isInstanceOf(YieldingWaitStrategy.class);
        assertThat(EngineConfiguration.waitStrategy("busy-spin")).isInstanceOf(BusySpinWaitStrategy.class);
        assertThatThrownBy(() -> EngineConfiguration.waitStrategy("lazy")).hasMessageContaining("fanout.sequencer.wait.strategy");
    }

    @Test
    void shouldRegisterCountersByIdOnceAndListThemInIdOrder()
    {
        final FanoutCounters counters = new FanoutCounters();
        final CounterDescriptor extra = () -> new CounterDescriptor.Spec(40, "fanout_test_total", "counter", "Test");
        counters.register(new CounterDescriptor[]{ extra });
        counters.register(new CounterDescriptor[]{ extra });
        counters.get(extra).increment();
        counters.get(EngineCounterDescriptor.EVENTS_PUBLISHED).increment();
        assertThat(counters.get(extra).get()).isEqualTo(1);
        assertThat(counters.descriptors()).extracting(CounterDescriptor::id)
            .containsExactly(0, 1, 2, 14, 15, 31, 32, 33, 34, 36, 40, 41, 42, 43);
        final int counterId = counters.get(extra).id();
        assertThat(counters.reader().getCounterTypeId(counterId)).as("the stable id is the type id").isEqualTo(40);
        assertThat(counters.reader().getCounterValue(counterId)).isEqualTo(1);
    }
}
