package io.ssefanout.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class FrameLogAllocatorTest
{
    @Test
    void shouldGiveEachTopicOneLogWithNoMemoryUntilItPublishesAndNoneAfterClose()
    {
        try (FanoutCounters counters = new FanoutCounters())
        {
            final FrameLogAllocator allocator = new FrameLogAllocator(
                new LogSegmentPool(4096, 16 * 4096, counters), 100, 1 << 20, 0, counters.get(EngineCounterDescriptor.TOPICS));
            final TopicRegistry registry = new TopicRegistry(100_000);
            for (int i = 0; i < 10_000; i++)
            {
                assertThat(allocator.ensureLog(registry.findOrCreate("t" + i))).as("never refused for memory").isTrue();
            }
            final Topic a = registry.findOrCreate("t0");
            final TopicFrameLog log = a.log();
            assertThat(allocator.ensureLog(a)).isTrue();
            assertThat(a.log()).as("a topic keeps its log").isSameAs(log);
            assertThat(allocator.memoryUsed()).as("a log takes segments only as it publishes").isZero();
            assertThat(counters.get(EngineCounterDescriptor.TOPICS).get()).isEqualTo(10_000);

            allocator.close();
            assertThat(allocator.ensureLog(registry.findOrCreate("after"))).isFalse();
        }
    }
}
