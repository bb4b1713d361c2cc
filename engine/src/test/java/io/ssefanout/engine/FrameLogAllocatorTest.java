package io.ssefanout.engine;

import org.agrona.concurrent.AtomicBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.assertj.core.api.Assertions.assertThat;

class FrameLogAllocatorTest
{
    @Test
    void shouldGiveLogsWithinTheBudgetOnceEachAndNoneAfterClose()
    {
        final long perLog = 64 * 1024 + 64L * TopicFrameLog.INDEX_ENTRY_LENGTH;
        final AtomicBuffer counterBuffer = new UnsafeBuffer(ByteBuffer.allocateDirect(128));
        final AtomicCounter topicsWithLog = new AtomicCounter(counterBuffer, 0);
        final TopicRegistry registry = new TopicRegistry(10);
        final FrameLogAllocator allocator = new FrameLogAllocator(
            64 * 1024, 64, 2 * perLog, Throwable::printStackTrace, topicsWithLog);

        final Topic a = registry.findOrCreate("a");
        assertThat(allocator.ensureLog(a)).isTrue();
        final TopicFrameLog log = a.log();
        assertThat(allocator.ensureLog(a)).isTrue();
        assertThat(a.log()).as("a topic keeps its log").isSameAs(log);
        assertThat(allocator.ensureLog(registry.findOrCreate("b"))).isTrue();
        assertThat(allocator.memoryUsed()).isEqualTo(2 * perLog);
        assertThat(topicsWithLog.get()).isEqualTo(2);

        final Topic c = registry.findOrCreate("c");
        assertThat(allocator.ensureLog(c)).as("over the budget").isFalse();
        assertThat(c.log()).isNull();

        allocator.close();
        assertThat(allocator.ensureLog(registry.findOrCreate("d"))).isFalse();
    }
}
