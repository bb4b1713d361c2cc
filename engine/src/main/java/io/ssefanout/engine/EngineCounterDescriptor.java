package io.ssefanout.engine;

/**
 * The engine's counters: ingest, sequencing, topics and errors. Ids are stable across releases; the transport's
 * counters ({@code TransportCounterDescriptor}) take the other ids.
 */
public enum EngineCounterDescriptor implements CounterDescriptor
{
    /** Events accepted into the ingest ring. */
    EVENTS_PUBLISHED(0, "fanout_events_published_total", "counter", "Events accepted into the ingest ring"),
    /** Events refused because the ring was full. */
    EVENTS_REJECTED_RING_FULL(1, "fanout_events_rejected_ring_full_total", "counter", "Events refused, ring full"),
    /** Frames appended to topic logs by the sequencer. */
    FRAMES_APPENDED(2, "fanout_frames_appended_total", "counter", "Frames encoded into topic logs"),
    /** Unexpected errors. */
    ERRORS(14, "fanout_errors_total", "counter", "Unexpected errors"),
    /** Topics with a frame log. */
    TOPICS(15, "fanout_topics", "gauge", "Topics with a frame log");

    private final CounterDescriptor.Spec spec;

    EngineCounterDescriptor(final int id, final String metricName, final String metricType, final String label)
    {
        this.spec = new CounterDescriptor.Spec(id, metricName, metricType, label);
    }

    @Override
    public CounterDescriptor.Spec spec()
    {
        return spec;
    }
}
