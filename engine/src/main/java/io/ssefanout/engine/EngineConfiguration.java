package io.ssefanout.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import org.agrona.SystemUtil;

import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The engine's {@code fanout.*} system properties and their defaults. The only place in the engine that reads
 * system properties.
 */
public final class EngineConfiguration
{
    /** Slots in the ingest ring, a power of two. */
    public static final String RING_SIZE_PROP_NAME = "fanout.ring.size";
    /** Default ring size. */
    public static final int RING_SIZE_DEFAULT = 4096;

    /** Largest event payload accepted, in bytes; larger publishes get 413. */
    public static final String PAYLOAD_MAX_LENGTH_PROP_NAME = "fanout.payload.max.length";
    /** Default payload limit. */
    public static final int PAYLOAD_MAX_LENGTH_DEFAULT = 16 * 1024;

    /** Bytes of frame storage per topic, a power of two; half of it is the replay and lag window. */
    public static final String LOG_CAPACITY_PROP_NAME = "fanout.log.capacity";
    /** Default log capacity. */
    public static final int LOG_CAPACITY_DEFAULT = 4 * 1024 * 1024;

    /** Total bytes all topic logs may take (data and index); a publish that needs a new log beyond it gets 503. */
    public static final String LOG_MEMORY_MAX_PROP_NAME = "fanout.log.memory.max";
    /** Default log memory budget. */
    public static final long LOG_MEMORY_MAX_DEFAULT = 512L * 1024 * 1024;

    /** Frames indexed per topic, a power of two; half of it is the replay and lag window in frames. */
    public static final String LOG_INDEX_CAPACITY_PROP_NAME = "fanout.log.index.capacity";
    /** Default index capacity. */
    public static final int LOG_INDEX_CAPACITY_DEFAULT = 16384;

    /** Default chunk framing of encoded frames; the transport sets it from its own HTTP option. */
    public static final boolean CHUNKED_DEFAULT = true;

    /** Disruptor wait strategy of the sequencer: blocking, sleeping, yielding or busy-spin. */
    public static final String WAIT_STRATEGY_PROP_NAME = "fanout.sequencer.wait.strategy";
    /** Default wait strategy. */
    public static final String WAIT_STRATEGY_DEFAULT = "blocking";

    /** Directory for the event id reservation file. */
    public static final String DIR_PROP_NAME = "fanout.dir";
    /** Default directory. */
    public static final String DIR_DEFAULT = Paths.get(System.getProperty("java.io.tmpdir"), "sse-fanout").toString();

    /** Most topics that may exist. */
    public static final String TOPICS_MAX_PROP_NAME = "fanout.topics.max";
    /** Default topic limit. */
    public static final int TOPICS_MAX_DEFAULT = 10_000;

    private EngineConfiguration()
    {
    }

    /**
     * @return {@link #RING_SIZE_PROP_NAME} or its default.
     */
    public static int ringSize()
    {
        return SystemUtil.getSizeAsInt(RING_SIZE_PROP_NAME, RING_SIZE_DEFAULT);
    }

    /**
     * @return {@link #PAYLOAD_MAX_LENGTH_PROP_NAME} or its default.
     */
    public static int payloadMaxLength()
    {
        return SystemUtil.getSizeAsInt(PAYLOAD_MAX_LENGTH_PROP_NAME, PAYLOAD_MAX_LENGTH_DEFAULT);
    }

    /**
     * @return {@link #LOG_CAPACITY_PROP_NAME} or its default.
     */
    public static int logCapacity()
    {
        return SystemUtil.getSizeAsInt(LOG_CAPACITY_PROP_NAME, LOG_CAPACITY_DEFAULT);
    }

    /**
     * @return {@link #LOG_MEMORY_MAX_PROP_NAME} or its default.
     */
    public static long logMemoryMax()
    {
        return SystemUtil.getSizeAsLong(LOG_MEMORY_MAX_PROP_NAME, LOG_MEMORY_MAX_DEFAULT);
    }

    /**
     * @return {@link #LOG_INDEX_CAPACITY_PROP_NAME} or its default.
     */
    public static int logIndexCapacity()
    {
        return SystemUtil.getSizeAsInt(LOG_INDEX_CAPACITY_PROP_NAME, LOG_INDEX_CAPACITY_DEFAULT);
    }


    /**
     * @return {@link #WAIT_STRATEGY_PROP_NAME} or its default.
     */
    public static String waitStrategy()
    {
        return System.getProperty(WAIT_STRATEGY_PROP_NAME, WAIT_STRATEGY_DEFAULT);
    }

    /**
     * @return {@link #DIR_PROP_NAME} or its default.
     */
    public static Path dir()
    {
        return Paths.get(System.getProperty(DIR_PROP_NAME, DIR_DEFAULT));
    }

    /**
     * @return {@link #TOPICS_MAX_PROP_NAME} or its default.
     */
    public static int topicsMax()
    {
        return Integer.getInteger(TOPICS_MAX_PROP_NAME, TOPICS_MAX_DEFAULT);
    }

    /**
     * The Disruptor wait strategy for an alias of {@link #WAIT_STRATEGY_PROP_NAME}.
     *
     * @param name blocking, sleeping, yielding or busy-spin.
     * @return a new wait strategy.
     */
    public static WaitStrategy waitStrategy(final String name)
    {
        switch (name)
        {
            case "blocking": return new BlockingWaitStrategy();
            case "sleeping": return new SleepingWaitStrategy();
            case "yielding": return new YieldingWaitStrategy();
            case "busy-spin": return new BusySpinWaitStrategy();
            default: throw new IllegalArgumentException("unknown " + WAIT_STRATEGY_PROP_NAME + ": " + name);
        }
    }
}
