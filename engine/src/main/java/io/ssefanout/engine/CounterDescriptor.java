package io.ssefanout.engine;

/**
 * One system counter: a stable id, a Prometheus metric name, its type and a human label. Each module that moves
 * counters lists its own in an enum ({@link EngineCounterDescriptor}, the transport's); ids never repeat.
 */
public interface CounterDescriptor
{
    /**
     * @return stable id, also the counter's id in the counters file.
     */
    int id();

    /**
     * @return Prometheus metric name.
     */
    String metricName();

    /**
     * @return Prometheus type: counter or gauge.
     */
    String metricType();

    /**
     * @return human-readable label.
     */
    String label();
}
