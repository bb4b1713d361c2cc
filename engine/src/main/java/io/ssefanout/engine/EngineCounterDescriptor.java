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
    TOPICS(15, "fanout_topics", "gauge", "Topics with a frame log"),
    /** Bytes of direct memory held by log segments. */
    LOG_MEMORY_BYTES(31, "fanout_log_memory_bytes", "gauge", "Direct memory held by log segments"),
    /** Segments taken from a topic's history because the pool was full. */
    LOG_SEGMENTS_EVICTED(32, "fanout_log_segments_evicted_total", "counter", "History segments evicted, pool full"),
    /** Segments made beyond the pool's size because readers still held every reclaimable one. */
    LOG_SEGMENTS_OVERCOMMITTED(33, "fanout_log_segments_overcommitted_total", "counter",
        "Segments made beyond the pool while readers held the rest"),
    /** Topics forgotten: no subscription, no history, nothing published for the idle expiry. */
    TOPICS_EXPIRED(34, "fanout_topics_expired_total", "counter", "Idle topics forgotten"),
    /** Events with an external id not above the last one (the external log went back), dropped. */
    EVENTS_REJECTED_ID_ORDER(36, "fanout_events_rejected_id_order_total", "counter",
        "Events from the external log dropped: id not above the previous one"),
    /** Longest sequencer batch since start, ns (Prometheus: fanout_duty_cycle_max_seconds{thread="sequencer"}). */
    SEQUENCER_CYCLE_MAX_NS(41, "fanout_stat_sequencer_cycle_max_ns", CounterDescriptor.STAT_ONLY,
        "Longest sequencer batch since start (ns)"),
    /** Sequencer batches longer than fanout.duty.cycle.threshold. */
    SEQUENCER_CYCLE_STALLS(42, "fanout_stat_sequencer_cycle_stalls", CounterDescriptor.STAT_ONLY,
        "Sequencer batches over the duty-cycle threshold"),
    /** Longest an event waited in the ingest ring before it was sequenced, ns. */
    RING_WAIT_MAX_NS(43, "fanout_stat_ring_wait_max_ns", CounterDescriptor.STAT_ONLY,
        "Longest wait of an event in the ingest ring since start (ns)");

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
