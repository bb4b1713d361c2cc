package io.ssefanout.engine;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;

/**
 * The system counters of {@link CounterDescriptor}, allocated from an Agrona counters manager over direct memory.
 * Counters with one writer use the release variants; shared ones ({@code DELIVERIES}, {@code BYTES_WRITTEN}, ...)
 * are added to once per socket write, not per frame.
 */
public final class FanoutCounters implements AutoCloseable
{
    private final ByteBuffer metaData;
    private final ByteBuffer values;
    private final ConcurrentCountersManager countersManager;
    private final AtomicCounter[] counters;

    /**
     * Allocate every counter. Control path.
     */
    public FanoutCounters()
    {
        final int count = CounterDescriptor.values().length;
        metaData = ByteBuffer.allocateDirect(count * CountersReader.METADATA_LENGTH);
        values = ByteBuffer.allocateDirect(count * CountersReader.COUNTER_LENGTH);
        countersManager = new ConcurrentCountersManager(new UnsafeBuffer(metaData), new UnsafeBuffer(values));
        counters = new AtomicCounter[count];
        for (final CounterDescriptor descriptor : CounterDescriptor.values())
        {
            counters[descriptor.ordinal()] = countersManager.newCounter(descriptor.label(), descriptor.id());
        }
    }

    /**
     * @param descriptor which counter.
     * @return the counter.
     */
    public AtomicCounter get(final CounterDescriptor descriptor)
    {
        return counters[descriptor.ordinal()];
    }

    /**
     * @return the reader over all counters, for tools and tests.
     */
    public CountersReader reader()
    {
        return countersManager;
    }

    @Override
    public void close()
    {
        for (final AtomicCounter counter : counters)
        {
            counter.disconnectCountersManager();
            counter.close();
        }
        BufferUtil.free(metaData);
        BufferUtil.free(values);
    }
}
