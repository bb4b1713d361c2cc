package io.ssefanout.engine;

/**
 * One system counter: a stable id, a Prometheus metric name, its type and a human label. Each module that moves
 * counters lists its own in an enum ({@link EngineCounterDescriptor}, the transport's); ids never repeat.
 */
public interface CounterDescriptor
{
    /** The type of a counter shown by {@code fanout stat} only: Prometheus has the same figure another way. */
    String STAT_ONLY = "stat-only";

    /**
     * What describes a counter.
     *
     * @param id         stable id, the counter's type id in the counters file.
     * @param metricName Prometheus metric name.
     * @param metricType Prometheus type: counter or gauge; or {@link #STAT_ONLY}.
     * @param label      human-readable label.
     */
    record Spec(int id, String metricName, String metricType, String label)
    {
    }

    /**
     * @return the counter's description.
     */
    Spec spec();

    /**
     * @return stable id, the counter's type id in the counters file.
     */
    default int id()
    {
        return spec().id();
    }

    /**
     * @return Prometheus metric name.
     */
    default String metricName()
    {
        return spec().metricName();
    }

    /**
     * @return Prometheus type: counter or gauge; or {@link #STAT_ONLY}.
     */
    default String metricType()
    {
        return spec().metricType();
    }

    /**
     * @return human-readable label.
     */
    default String label()
    {
        return spec().label();
    }
}
