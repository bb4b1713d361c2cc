package io.ssefanout.transport;

import io.ssefanout.engine.CounterDescriptor;

/**
 * The transport's counters: connections, deliveries and writes, heartbeats, resets, slow consumers, every
 * rejection, and the last minute's latency percentiles for {@code fanout stat}. Ids are stable across releases, shared with {@link io.ssefanout.engine.EngineCounterDescriptor}'s.
 */
public enum TransportCounterDescriptor implements CounterDescriptor
{
    /** Open client connections of any kind. */
    CONNECTIONS_OPEN(3, "fanout_connections_open", "gauge", "Open client connections"),
    /** Open event-stream subscriptions. */
    SUBSCRIBERS_OPEN(4, "fanout_subscribers_open", "gauge", "Open event-stream subscribers"),
    /** Connections accepted since start. */
    CONNECTIONS_ACCEPTED(5, "fanout_connections_accepted_total", "counter", "Connections accepted"),
    /** Events delivered to subscribers (one per event per subscriber). */
    DELIVERIES(6, "fanout_deliveries_total", "counter", "Events delivered to subscribers"),
    /** Bytes written to client sockets. */
    BYTES_WRITTEN(7, "fanout_bytes_written_total", "counter", "Bytes written to clients"),
    /** Socket write calls. */
    SOCKET_WRITES(8, "fanout_socket_writes_total", "counter", "Socket write calls"),
    /** Writes that took fewer bytes than offered. */
    SHORT_WRITES(9, "fanout_short_writes_total", "counter", "Short socket writes"),
    /** Subscribers overtaken by their log and disconnected. */
    LAPPED_DISCONNECTS(10, "fanout_lapped_disconnects_total", "counter", "Slow subscribers disconnected"),
    /** Subscribers overtaken by their log and moved to the newest frame. */
    LAPPED_SKIPS(11, "fanout_lapped_skips_total", "counter", "Slow subscribers skipped ahead"),
    /** Frames slow subscribers were spared by conflation. */
    CONFLATED_FRAMES(35, "fanout_conflated_frames_total", "counter", "Intermediate frames conflated away for slow subscribers"),
    /** Heartbeat comments sent. */
    HEARTBEATS_SENT(12, "fanout_heartbeats_sent_total", "counter", "Heartbeats sent"),
    /** Resume points older than the retained history, signalled with a reset event. */
    RESETS_SENT(13, "fanout_resets_sent_total", "counter", "Reset events sent on resume"),
    /** HTTP requests rejected: malformed (400). */
    REJECTS_BAD_REQUEST(16, "fanout_rejects_total{code=\"400\"}", "counter", "HTTP requests rejected, by status code"),
    /** HTTP requests rejected: unknown path (404). */
    REJECTS_NOT_FOUND(17, "fanout_rejects_total{code=\"404\"}", "counter", "HTTP requests rejected, by status code"),
    /** HTTP requests rejected: method not allowed (405). */
    REJECTS_METHOD_NOT_ALLOWED(18, "fanout_rejects_total{code=\"405\"}", "counter", "HTTP requests rejected, by status code"),
    /** HTTP requests rejected: incomplete in time (408). */
    REJECTS_TIMEOUT(19, "fanout_rejects_total{code=\"408\"}", "counter", "HTTP requests rejected, by status code"),
    /** HTTP requests rejected: length required (411). */
    REJECTS_LENGTH_REQUIRED(20, "fanout_rejects_total{code=\"411\"}", "counter", "HTTP requests rejected, by status code"),
    /** HTTP requests rejected: payload too large (413). */
    REJECTS_PAYLOAD_TOO_LARGE(21, "fanout_rejects_total{code=\"413\"}", "counter", "HTTP requests rejected, by status code"),
    /** HTTP requests rejected: request line too long (414). */
    REJECTS_URI_TOO_LONG(22, "fanout_rejects_total{code=\"414\"}", "counter", "HTTP requests rejected, by status code"),
    /** HTTP requests rejected: header section too large (431). */
    REJECTS_HEADERS_TOO_LARGE(23, "fanout_rejects_total{code=\"431\"}", "counter", "HTTP requests rejected, by status code"),
    /** HTTP requests rejected: unavailable (503). */
    REJECTS_UNAVAILABLE(24, "fanout_rejects_total{code=\"503\"}", "counter", "HTTP requests rejected, by status code"),
    /** HTTP requests rejected: version (505). */
    REJECTS_VERSION(25, "fanout_rejects_total{code=\"505\"}", "counter", "HTTP requests rejected, by status code"),
    /** Publish requests answered 200. */
    PUBLISH_REQUESTS(26, "fanout_publish_requests_total", "counter", "Publish requests accepted"),
    /** Connections turned away over a connection limit. */
    REJECTS_OVER_LIMIT(27, "fanout_connection_limit_rejects_total", "counter", "Connections over a limit"),
    /** Requests without an acceptable token (401). */
    REJECTS_UNAUTHORIZED(28, "fanout_rejects_total{code=\"401\"}", "counter", "HTTP requests rejected, by status code"),
    /** Requests for a topic the token does not cover (403). */
    REJECTS_FORBIDDEN(29, "fanout_rejects_total{code=\"403\"}", "counter", "HTTP requests rejected, by status code"),
    /** Event streams ended because the token they were opened with expired. */
    STREAMS_EXPIRED(30, "fanout_streams_token_expired_total", "counter", "Streams ended at token expiry"),
    /** Delivery latency over the last minute, median, microseconds (Prometheus: the window summary). */
    LATENCY_WINDOW_P50_US(37, "fanout_stat_latency_p50_us", CounterDescriptor.STAT_ONLY,
        "Delivery latency p50 over the last minute (us)"),
    /** Delivery latency over the last minute, 99th percentile, microseconds. */
    LATENCY_WINDOW_P99_US(38, "fanout_stat_latency_p99_us", CounterDescriptor.STAT_ONLY,
        "Delivery latency p99 over the last minute (us)"),
    /** Delivery latency over the last minute, 99.9th percentile, microseconds. */
    LATENCY_WINDOW_P999_US(39, "fanout_stat_latency_p999_us", CounterDescriptor.STAT_ONLY,
        "Delivery latency p99.9 over the last minute (us)"),
    /** Delivery latency over the last minute, highest, microseconds. */
    LATENCY_WINDOW_MAX_US(40, "fanout_stat_latency_max_us", CounterDescriptor.STAT_ONLY,
        "Delivery latency max over the last minute (us)"),
    /** Longest I/O agent duty cycle since start, ns (Prometheus: fanout_duty_cycle_max_seconds{thread="io"}). */
    IO_CYCLE_MAX_NS(44, "fanout_stat_io_cycle_max_ns", CounterDescriptor.STAT_ONLY,
        "Longest I/O duty cycle since start (ns)"),
    /** I/O agent duty cycles longer than fanout.duty.cycle.threshold. */
    IO_CYCLE_STALLS(45, "fanout_stat_io_cycle_stalls", CounterDescriptor.STAT_ONLY,
        "I/O duty cycles over the duty-cycle threshold");

    private final CounterDescriptor.Spec spec;

    TransportCounterDescriptor(final int id, final String metricName, final String metricType, final String label)
    {
        this.spec = new CounterDescriptor.Spec(id, metricName, metricType, label);
    }

    @Override
    public CounterDescriptor.Spec spec()
    {
        return spec;
    }
}
