package io.ssefanout.engine;

import org.agrona.BufferUtil;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.agrona.concurrent.status.ConcurrentCountersManager;
import org.agrona.concurrent.status.CountersReader;

import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The system counters, allocated from one Agrona counters manager over direct memory: the engine's
 * ({@link EngineCounterDescriptor}) at construction, another module's when it registers its descriptors, each under
 * its stable id. Counters with one writer use the release variants; shared ones (deliveries, bytes written, ...) are
 * added to once per socket write, not per frame.
 */
public final class FanoutCounters implements AutoCloseable
{
    /** Most counters, engine's and others' together. */
    public static final int MAX_COUNTERS = 64;

    private final ByteBuffer metaData;
    private final ByteBuffer values;
    /** The file the counters live in, for tools outside the process; null when they are in direct memory. */
    private final MappedByteBuffer mapped;
    private final ConcurrentCountersManager countersManager;
    private final AtomicCounter[] countersById = new AtomicCounter[MAX_COUNTERS];
    private final List<CounterDescriptor> descriptors = new ArrayList<>();

    /**
     * Allocate the engine's counters. Control path.
     */
    public FanoutCounters()
    {
        metaData = ByteBuffer.allocateDirect(MAX_COUNTERS * CountersReader.METADATA_LENGTH);
        values = ByteBuffer.allocateDirect(MAX_COUNTERS * CountersReader.COUNTER_LENGTH);
        mapped = null;
        countersManager = new ConcurrentCountersManager(new UnsafeBuffer(metaData), new UnsafeBuffer(values));
        register(EngineCounterDescriptor.values());
    }

    /**
     * Allocate the engine's counters in a file ({@link StatFiles#COUNTERS_FILE}), which {@code fanout stat} maps
     * from outside the process. Control path.
     *
     * @param file created, or overwritten.
     */
    public FanoutCounters(final Path file)
    {
        final int metadataLength = MAX_COUNTERS * CountersReader.METADATA_LENGTH;
        final int valuesLength = MAX_COUNTERS * CountersReader.COUNTER_LENGTH;
        // the previous run's file, if any: this engine holds the directory's lock now
        IoUtil.deleteIfExists(file.toFile());
        mapped = IoUtil.mapNewFile(file.toFile(), StatFiles.HEADER_LENGTH + metadataLength + valuesLength);
        metaData = null;
        values = null;
        final UnsafeBuffer header = new UnsafeBuffer(mapped, 0, StatFiles.HEADER_LENGTH);
        header.putInt(StatFiles.METADATA_LENGTH_OFFSET, metadataLength);
        header.putInt(StatFiles.VALUES_LENGTH_OFFSET, valuesLength);
        header.putLong(StatFiles.PID_OFFSET, ProcessHandle.current().pid());
        header.putInt(StatFiles.VERSION_OFFSET, StatFiles.VERSION);
        header.putIntVolatile(StatFiles.MAGIC_OFFSET, StatFiles.MAGIC);
        countersManager = new ConcurrentCountersManager(
            new UnsafeBuffer(mapped, StatFiles.HEADER_LENGTH, metadataLength),
            new UnsafeBuffer(mapped, StatFiles.HEADER_LENGTH + metadataLength, valuesLength));
        register(EngineCounterDescriptor.values());
    }

    /**
     * Allocate a module's counters; those already registered are kept. Control path, before they are used.
     *
     * @param moduleDescriptors the module's counters.
     */
    public synchronized void register(final CounterDescriptor[] moduleDescriptors)
    {
        for (final CounterDescriptor descriptor : moduleDescriptors)
        {
            if (null == countersById[descriptor.id()])
            {
                // a labelled sample (fanout_rejects_total{code="400"}) says which in its label too, for fanout stat
                final String name = descriptor.metricName();
                final int labels = name.indexOf('{');
                final String label = labels < 0 ? descriptor.label() : descriptor.label() + " " + name.substring(labels);
                countersById[descriptor.id()] = countersManager.newCounter(label, descriptor.id());
                descriptors.add(descriptor);
            }
        }
        descriptors.sort(Comparator.comparingInt(CounterDescriptor::id));
    }

    /**
     * @param descriptor which counter; registered.
     * @return the counter.
     */
    public AtomicCounter get(final CounterDescriptor descriptor)
    {
        return countersById[descriptor.id()];
    }

    /**
     * @return every registered counter's descriptor, in id order; a copy. Control path.
     */
    public synchronized List<CounterDescriptor> descriptors()
    {
        return new ArrayList<>(descriptors);
    }

    /**
     * @return the reader over all counters, for tools and tests.
     */
    public CountersReader reader()
    {
        return countersManager;
    }

    @Override
    public synchronized void close()
    {
        for (final AtomicCounter counter : countersById)
        {
            if (null != counter)
            {
                counter.disconnectCountersManager();
                counter.close();
            }
        }
        if (null != mapped)
        {
            IoUtil.unmap(mapped);
        }
        else
        {
            BufferUtil.free(metaData);
            BufferUtil.free(values);
        }
    }
}
