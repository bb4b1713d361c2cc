package io.ssefanout.cluster;

import io.ssefanout.transport.ClusterWiring;
import io.ssefanout.transport.FanoutServer;
import org.agrona.CloseHelper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.List;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One fan-out node of a cluster on Kafka: publishes on this node are appended to the Kafka topic
 * ({@link KafkaEventLog}) and everything in that topic, whoever wrote it, is read back by this node's ingest
 * ({@link KafkaIngest}) with the ids the log gives, the same on every node; a resume older than the node's memory is
 * replayed from the log ({@link KafkaCatchUp}). The node creates the topic when it is missing (one partition), warms
 * its history from the log and only then listens.
 */
public final class KafkaClusterNode implements AutoCloseable
{
    /** Replays from the log that may run at once; more wait their turn. */
    private static final int CATCH_UP_THREADS = 2;

    private final KafkaEventLog eventLog;
    private final KafkaCatchUp catchUp;
    private final FanoutServer server;
    private KafkaIngest ingest;

    private KafkaClusterNode(final FanoutServer.Context ctx, final Settings settings)
    {
        KafkaEventLog eventLog = null;
        KafkaCatchUp catchUp = null;
        try
        {
            createTopicIfMissing(settings);
            eventLog = new KafkaEventLog(settings.bootstrapServers, settings.topic, settings.publishTimeoutNs);
            eventLog.awaitMetadata(settings.startTimeoutNs);
            catchUp = new KafkaCatchUp(settings.bootstrapServers, settings.topic, CATCH_UP_THREADS);
            final ClusterWiring wiring = new ClusterWiring()
                .eventLog(eventLog)
                .catchUp(catchUp)
                .healthProblem(this::ingestFailure);
            ctx.cluster(wiring);
            wiring.beforeListening(engine ->
            {
                ingest = new KafkaIngest(settings.bootstrapServers, settings.topic, engine, settings.warmupEvents);
                ingest.start();
                try
                {
                    if (!ingest.awaitCaughtUp(settings.startTimeoutNs))
                    {
                        throw new IllegalStateException("Kafka warm-up did not finish within " +
                            TimeUnit.NANOSECONDS.toSeconds(settings.startTimeoutNs) + " s");
                    }
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while warming up from Kafka", ex);
                }
            });
            this.server = FanoutServer.launch(ctx);
        }
        catch (final RuntimeException ex)
        {
            CloseHelper.quietClose(ingest);
            CloseHelper.quietClose(catchUp);
            CloseHelper.quietClose(eventLog);
            throw ex;
        }
        this.eventLog = eventLog;
        this.catchUp = catchUp;
    }

    /**
     * Start a node: topic, producer, warm-up from the log, then the server.
     *
     * @param ctx      the server's configuration; its external event log and start hook are set here.
     * @param settings where Kafka is.
     * @return the running node.
     */
    public static KafkaClusterNode launch(final FanoutServer.Context ctx, final Settings settings)
    {
        return new KafkaClusterNode(ctx, settings);
    }

    /**
     * @return the node's server.
     */
    public FanoutServer server()
    {
        return server;
    }

    /**
     * @return why ingest from Kafka stopped, or null while it runs.
     */
    public String ingestFailure()
    {
        return null == ingest ? null : ingest.failure();
    }

    @Override
    public void close()
    {
        // no new events first, then the subscribers drain what is encoded, then the producer goes
        CloseHelper.closeAll(ingest, catchUp, server, eventLog);
    }

    private static void createTopicIfMissing(final Settings settings)
    {
        final Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, settings.bootstrapServers);
        final long timeoutMs = TimeUnit.NANOSECONDS.toMillis(settings.startTimeoutNs);
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int)timeoutMs);
        try (Admin admin = Admin.create(properties))
        {
            final Optional<Short> replication = settings.replicationFactor > 0 ?
                Optional.of((short)settings.replicationFactor) : Optional.empty();
            admin.createTopics(List.of(new NewTopic(settings.topic, Optional.of(1), replication)))
                .all().get(timeoutMs, TimeUnit.MILLISECONDS);
        }
        catch (final ExecutionException ex)
        {
            if (!(ex.getCause() instanceof TopicExistsException))
            {
                throw new IllegalStateException("cannot create Kafka topic " + settings.topic + ": " + ex.getCause(), ex);
            }
        }
        catch (final TimeoutException ex)
        {
            throw new IllegalStateException("Kafka at " + settings.bootstrapServers + " did not answer", ex);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating the Kafka topic", ex);
        }
    }

    /**
     * Where Kafka is and how the node uses it; defaults from {@link KafkaClusterConfiguration}.
     */
    public static final class Settings
    {
        String bootstrapServers = KafkaClusterConfiguration.bootstrapServers();
        String topic = KafkaClusterConfiguration.topic();
        int replicationFactor = KafkaClusterConfiguration.replicationFactor();
        int warmupEvents = KafkaClusterConfiguration.warmupEvents();
        long publishTimeoutNs = KafkaClusterConfiguration.publishTimeoutNs();
        long startTimeoutNs = KafkaClusterConfiguration.startTimeoutNs();

        /**
         * @param bootstrapServers Kafka brokers.
         * @return this.
         */
        public Settings bootstrapServers(final String bootstrapServers)
        {
            this.bootstrapServers = bootstrapServers;
            return this;
        }

        /**
         * @param topic the Kafka topic.
         * @return this.
         */
        public Settings topic(final String topic)
        {
            this.topic = topic;
            return this;
        }

        /**
         * @param replicationFactor for the topic when this node creates it; 0 for the brokers' default.
         * @return this.
         */
        public Settings replicationFactor(final int replicationFactor)
        {
            this.replicationFactor = replicationFactor;
            return this;
        }

        /**
         * @param warmupEvents newest records read back at start.
         * @return this.
         */
        public Settings warmupEvents(final int warmupEvents)
        {
            this.warmupEvents = warmupEvents;
            return this;
        }

        /**
         * @param publishTimeoutNs longest wait for Kafka's acknowledgement of a publish.
         * @return this.
         */
        public Settings publishTimeoutNs(final long publishTimeoutNs)
        {
            this.publishTimeoutNs = publishTimeoutNs;
            return this;
        }

        /**
         * @param startTimeoutNs longest wait for Kafka at start.
         * @return this.
         */
        public Settings startTimeoutNs(final long startTimeoutNs)
        {
            this.startTimeoutNs = startTimeoutNs;
            return this;
        }

        /**
         * @return the Kafka brokers, or null when not set.
         */
        public String bootstrapServers()
        {
            return bootstrapServers;
        }

        @Override
        public String toString()
        {
            return "bootstrap " + bootstrapServers + ", topic " + topic + ", warm-up " + warmupEvents + " records";
        }
    }
}
