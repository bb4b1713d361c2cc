package io.ssefanout.engine;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.BusySpinWaitStrategy;
import com.lmax.disruptor.SleepingWaitStrategy;
import com.lmax.disruptor.WaitStrategy;
import com.lmax.disruptor.YieldingWaitStrategy;
import org.agrona.SystemUtil;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.TimeUnit;

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

    /** Bytes of one log segment, the unit topics take from the pool, a power of two (4k to 1g). */
    public static final String LOG_SEGMENT_LENGTH_PROP_NAME = "fanout.log.segment.length";
    /** Default segment length. */
    public static final int LOG_SEGMENT_LENGTH_DEFAULT = 16 * 1024;

    /** Direct memory of the segment pool shared by all topics; when full, the oldest history across topics goes. */
    public static final String LOG_MEMORY_MAX_PROP_NAME = "fanout.log.memory.max";
    /** Default pool size. */
    public static final long LOG_MEMORY_MAX_DEFAULT = 128L * 1024 * 1024;

    /**
     * Who runs the sequencer: {@code dedicated} (its own thread), {@code shared} (inside the one I/O agent's duty
     * cycle; the embedder of a bare engine then calls {@link FanoutEngine#pollIngest()}), or {@code auto}: a server
     * with one I/O thread on a JVM that may use one CPU shares it (a thread of its own could only take turns with
     * the I/O thread, at the cost of a hand-off per publish), anything else gets the dedicated thread; a bare engine
     * always does.
     */
    public static final String THREADING_MODE_PROP_NAME = "fanout.threading.mode";
    /** Default threading mode. */
    public static final String THREADING_MODE_DEFAULT = "auto";
    /** The threading mode's name that lets the server choose by the CPUs it may use. */
    public static final String THREADING_MODE_AUTO = "auto";

    /** A topic with no subscription, no history and nothing published for this long is forgotten; 0 never. */
    public static final String TOPIC_IDLE_EXPIRY_PROP_NAME = "fanout.topic.idle.expiry";
    /** Default idle expiry. */
    public static final long TOPIC_IDLE_EXPIRY_DEFAULT_NS = TimeUnit.HOURS.toNanos(1);

    /** Most events a topic's history keeps for resume. */
    public static final String HISTORY_EVENTS_PROP_NAME = "fanout.history.events";
    /** Default events per topic. */
    public static final int HISTORY_EVENTS_DEFAULT = 8192;

    /** Most frame bytes a topic's history keeps (its newest frame is kept whatever its size). */
    public static final String HISTORY_BYTES_PROP_NAME = "fanout.history.bytes";
    /** Default bytes per topic. */
    public static final long HISTORY_BYTES_DEFAULT = 2L * 1024 * 1024;

    /** Events older than this leave a topic's history when it next publishes; 0 for no age limit. */
    public static final String HISTORY_AGE_PROP_NAME = "fanout.history.age";
    /** Default age limit. */
    public static final long HISTORY_AGE_DEFAULT_NS = TimeUnit.HOURS.toNanos(1);

    /** Default chunk framing of encoded frames; the transport sets it from its own HTTP option. */
    public static final boolean CHUNKED_DEFAULT = true;

    /** Disruptor wait strategy of the sequencer: blocking, sleeping, yielding or busy-spin. */
    public static final String WAIT_STRATEGY_PROP_NAME = "fanout.sequencer.wait.strategy";
    /** Default wait strategy. */
    public static final String WAIT_STRATEGY_DEFAULT = "blocking";

    /**
     * A sequencer batch or an I/O duty cycle longer than this counts as a stall ({@code fanout_duty_cycle_stalls_total}):
     * where a latency tail comes from, seen in production.
     */
    public static final String DUTY_CYCLE_THRESHOLD_PROP_NAME = "fanout.duty.cycle.threshold";
    /** Default stall threshold. */
    public static final long DUTY_CYCLE_THRESHOLD_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(1);

    /** Directory for the event id reservation file, the counters and the error log. */
    public static final String DIR_PROP_NAME = "fanout.dir";
    /**
     * Where the default directory is, as documented: an embedded engine's is {@code stateDirectory("embedded")}, the
     * {@code fanout} command's {@code stateDirectory(PORT)}, so that it survives a reboot.
     */
    public static final String DIR_DEFAULT_DESCRIPTION =
        "$XDG_STATE_HOME/sse-fanout/PORT, else ~/.local/state/sse-fanout/PORT (embedded: .../embedded)";

    /** Most topics that may exist. */
    public static final String TOPICS_MAX_PROP_NAME = "fanout.topics.max";
    /** Default topic limit. */
    public static final int TOPICS_MAX_DEFAULT = 1_000_000;

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
     * @return {@link #LOG_SEGMENT_LENGTH_PROP_NAME} or its default.
     */
    public static int logSegmentLength()
    {
        return SystemUtil.getSizeAsInt(LOG_SEGMENT_LENGTH_PROP_NAME, LOG_SEGMENT_LENGTH_DEFAULT);
    }

    /**
     * @return {@link #THREADING_MODE_PROP_NAME} or its default.
     */
    public static String threadingMode()
    {
        return System.getProperty(THREADING_MODE_PROP_NAME, THREADING_MODE_DEFAULT);
    }

    /**
     * @return {@link #TOPIC_IDLE_EXPIRY_PROP_NAME} or its default, in nanoseconds.
     */
    public static long topicIdleExpiryNs()
    {
        return Durations.propertyNanos(TOPIC_IDLE_EXPIRY_PROP_NAME, TOPIC_IDLE_EXPIRY_DEFAULT_NS);
    }

    /**
     * @return {@link #HISTORY_EVENTS_PROP_NAME} or its default.
     */
    public static int historyEvents()
    {
        return SystemUtil.getSizeAsInt(HISTORY_EVENTS_PROP_NAME, HISTORY_EVENTS_DEFAULT);
    }

    /**
     * @return {@link #HISTORY_BYTES_PROP_NAME} or its default.
     */
    public static long historyBytes()
    {
        return SystemUtil.getSizeAsLong(HISTORY_BYTES_PROP_NAME, HISTORY_BYTES_DEFAULT);
    }

    /**
     * @return {@link #HISTORY_AGE_PROP_NAME} or its default, in nanoseconds.
     */
    public static long historyAgeNs()
    {
        return Durations.propertyNanos(HISTORY_AGE_PROP_NAME, HISTORY_AGE_DEFAULT_NS);
    }

    /**
     * @return {@link #LOG_MEMORY_MAX_PROP_NAME} or its default.
     */
    public static long logMemoryMax()
    {
        return SystemUtil.getSizeAsLong(LOG_MEMORY_MAX_PROP_NAME, LOG_MEMORY_MAX_DEFAULT);
    }



    /**
     * @return {@link #WAIT_STRATEGY_PROP_NAME} or its default.
     */
    public static String waitStrategy()
    {
        return System.getProperty(WAIT_STRATEGY_PROP_NAME, WAIT_STRATEGY_DEFAULT);
    }

    /**
     * @return {@link #DUTY_CYCLE_THRESHOLD_PROP_NAME} or its default, in nanoseconds.
     */
    public static long dutyCycleThresholdNs()
    {
        return Durations.propertyNanos(DUTY_CYCLE_THRESHOLD_PROP_NAME, DUTY_CYCLE_THRESHOLD_DEFAULT_NS);
    }

    /**
     * @return {@link #DIR_PROP_NAME} or its default.
     */
    public static Path dir()
    {
        final String dir = System.getProperty(DIR_PROP_NAME);
        return null != dir ? Paths.get(dir) : stateDirectory("embedded");
    }

    /**
     * @return {@link #TOPICS_MAX_PROP_NAME} or its default.
     */
    public static int topicsMax()
    {
        return SystemUtil.getSizeAsInt(TOPICS_MAX_PROP_NAME, TOPICS_MAX_DEFAULT);
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

    /**
     * A directory for one instance's state that outlives a reboot and a cleaned temp folder (the id reservation must:
     * see {@link EventIdSequence}): {@code $XDG_STATE_HOME/sse-fanout/INSTANCE}, else
     * {@code ~/.local/state/sse-fanout/INSTANCE}; the temp folder only when there is no home.
     *
     * @param instance the instance's name within the user's state, e.g. its port.
     * @return the directory, not created.
     */
    public static Path stateDirectory(final String instance)
    {
        final String xdgStateHome = System.getenv("XDG_STATE_HOME");
        if (null != xdgStateHome && Paths.get(xdgStateHome).isAbsolute())
        {
            return Paths.get(xdgStateHome, "sse-fanout", instance);
        }
        final String home = System.getProperty("user.home");
        if (null != home && !home.isEmpty() && !"?".equals(home))
        {
            return Paths.get(home, ".local", "state", "sse-fanout", instance);
        }
        return Paths.get(System.getProperty("java.io.tmpdir"),
            "sse-fanout-" + System.getProperty("user.name", "user"), instance);
    }
}
