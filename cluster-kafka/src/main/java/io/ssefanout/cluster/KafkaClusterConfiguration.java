package io.ssefanout.cluster;

import io.ssefanout.engine.Durations;
import org.agrona.SystemUtil;

import java.util.concurrent.TimeUnit;

/**
 * Cluster mode settings, as {@code fanout.kafka.*} system properties. Cluster mode is on when
 * {@link #BOOTSTRAP_SERVERS_PROP_NAME} is set.
 */
public final class KafkaClusterConfiguration
{
    /** Kafka brokers to start from ({@code host:port,...}); unset (default) for a single node without Kafka. */
    public static final String BOOTSTRAP_SERVERS_PROP_NAME = "fanout.kafka.bootstrap.servers";

    /** The Kafka topic every node reads and publishes to: record key = fanout topic, value = data. */
    public static final String TOPIC_PROP_NAME = "fanout.kafka.topic";
    /** Default Kafka topic. */
    public static final String TOPIC_DEFAULT = "fanout-events";

    /** Replication factor the Kafka topic is created with when missing; 0 for the brokers' default. */
    public static final String REPLICATION_FACTOR_PROP_NAME = "fanout.kafka.replication.factor";
    /** Default replication factor: the brokers'. */
    public static final int REPLICATION_FACTOR_DEFAULT = 0;

    /** Records a starting node reads back into its history (and latest values) before it listens. */
    public static final String WARMUP_EVENTS_PROP_NAME = "fanout.kafka.warmup.events";
    /** Default warm-up: the newest 100,000 records. */
    public static final int WARMUP_EVENTS_DEFAULT = 100_000;

    /**
     * Longest a publish waits for Kafka's acknowledgement before it is answered {@code 503} (the producer's
     * {@code delivery.timeout.ms}).
     */
    public static final String PUBLISH_TIMEOUT_PROP_NAME = "fanout.kafka.publish.timeout";
    /** Default publish timeout. */
    public static final long PUBLISH_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    /** Longest a starting node waits for Kafka (topic, warm-up) before it gives up. */
    public static final String START_TIMEOUT_PROP_NAME = "fanout.kafka.start.timeout";
    /** Default start timeout. */
    public static final long START_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(60);

    /** The record header that carries the SSE event type (absent for {@code message}). */
    public static final String EVENT_TYPE_HEADER = "event";

    private KafkaClusterConfiguration()
    {
    }

    /**
     * @return {@link #BOOTSTRAP_SERVERS_PROP_NAME}, or null when cluster mode is off.
     */
    public static String bootstrapServers()
    {
        final String value = System.getProperty(BOOTSTRAP_SERVERS_PROP_NAME);
        return null == value || value.isBlank() ? null : value.trim();
    }

    /**
     * @return {@link #TOPIC_PROP_NAME} or its default.
     */
    public static String topic()
    {
        return System.getProperty(TOPIC_PROP_NAME, TOPIC_DEFAULT);
    }

    /**
     * @return {@link #REPLICATION_FACTOR_PROP_NAME} or its default.
     */
    public static int replicationFactor()
    {
        return SystemUtil.getSizeAsInt(REPLICATION_FACTOR_PROP_NAME, REPLICATION_FACTOR_DEFAULT);
    }

    /**
     * @return {@link #WARMUP_EVENTS_PROP_NAME} or its default.
     */
    public static int warmupEvents()
    {
        return SystemUtil.getSizeAsInt(WARMUP_EVENTS_PROP_NAME, WARMUP_EVENTS_DEFAULT);
    }

    /**
     * @return {@link #PUBLISH_TIMEOUT_PROP_NAME} or its default, in nanoseconds.
     */
    public static long publishTimeoutNs()
    {
        return Durations.propertyNanos(PUBLISH_TIMEOUT_PROP_NAME, PUBLISH_TIMEOUT_DEFAULT_NS);
    }

    /**
     * @return {@link #START_TIMEOUT_PROP_NAME} or its default, in nanoseconds.
     */
    public static long startTimeoutNs()
    {
        return Durations.propertyNanos(START_TIMEOUT_PROP_NAME, START_TIMEOUT_DEFAULT_NS);
    }
}
