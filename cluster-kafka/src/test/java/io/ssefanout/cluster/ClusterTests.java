package io.ssefanout.cluster;

import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.HttpClient;
import io.ssefanout.transport.FanoutServer;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the cluster tests share: starting a node on a broker set, publishing over HTTP, checking delivery.
 */
final class ClusterTests
{
    private ClusterTests()
    {
    }

    static KafkaClusterNode startNode(
        final Path dir, final KafkaBrokers brokers, final String topic, final int replication,
        final long heartbeatIntervalMs)
    {
        return startNode(dir, brokers, topic, replication, heartbeatIntervalMs, 8192);
    }

    static KafkaClusterNode startNode(
        final Path dir, final KafkaBrokers brokers, final String topic, final int replication,
        final long heartbeatIntervalMs, final int historyEvents)
    {
        final FanoutServer.Context ctx = new FanoutServer.Context()
            .port(0)
            .bindAddress("127.0.0.1")
            .heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(heartbeatIntervalMs))
            .shutdownTimeoutNs(TimeUnit.SECONDS.toNanos(2))
            .engineContext(new FanoutEngine.Context().dir(dir).ringSize(1024).historyEvents(historyEvents));
        return KafkaClusterNode.launch(ctx, new KafkaClusterNode.Settings()
            .bootstrapServers(brokers.bootstrapServers())
            .topic(topic)
            .replicationFactor(replication)
            .publishTimeoutNs(TimeUnit.SECONDS.toNanos(3))
            .startTimeoutNs(TimeUnit.SECONDS.toNanos(30)));
    }

    /**
     * One publish over a new connection.
     *
     * @return {@code status id} (id -1 unless 200).
     */
    static long[] publish(final int port, final String topic, final String data) throws IOException
    {
        final String response = HttpClient.exchange(port, HttpClient.publishRequest(topic, data, true));
        final int status = HttpClient.status(response);
        return new long[]{ status, 200 == status ? Long.parseLong(HttpClient.body(response).trim()) : -1 };
    }

    /**
     * Every acknowledged id was delivered, exactly once, and ids only increase.
     */
    static void assertDeliveredOnceInOrder(final List<EventStreamParser.Event> events, final List<Long> acknowledged)
    {
        final List<Long> delivered = new ArrayList<>();
        for (final EventStreamParser.Event event : events)
        {
            assertThat(event.type).as("no reset").isNotEqualTo("reset");
            delivered.add(Long.parseLong(event.lastEventId));
        }
        for (int i = 1; i < delivered.size(); i++)
        {
            assertThat(delivered.get(i)).as("ids increase, no duplicate").isGreaterThan(delivered.get(i - 1));
        }
        assertThat(delivered).as("every acknowledged publish delivered").containsAll(acknowledged);
    }
}
