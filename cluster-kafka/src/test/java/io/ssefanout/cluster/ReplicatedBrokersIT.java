package io.ssefanout.cluster;

import io.ssefanout.testsupport.SseClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

import static io.ssefanout.cluster.ClusterTests.assertDeliveredOnceInOrder;
import static io.ssefanout.cluster.ClusterTests.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three brokers, the topic replicated three times with {@code min.insync.replicas=2}: the partition's leader is
 * killed ({@code kill -9}) in the middle of a stream of publishes; no acknowledged event is lost, none arrives twice,
 * ids never go back.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class ReplicatedBrokersIT
{
    private static final String TOPIC = "replicated";

    @TempDir
    Path dir;

    @Test
    void shouldLoseNoAcknowledgedEventWhenTheLeaderBrokerIsKilled() throws Exception
    {
        try (KafkaBrokers brokers = new KafkaBrokers(dir.resolve("brokers"), 3).start();
            KafkaClusterNode node = ClusterTests.startNode(dir.resolve("node"), brokers, TOPIC, 3, 500);
            SseClient subscriber = SseClient.connect(node.server().port(), "/sse?topics=a,b"))
        {
            final int port = node.server().port();
            final List<Long> acknowledged = new ArrayList<>();
            int sequence = 0;
            for (int i = 0; i < 50; i++)
            {
                final long[] result = publish(port, 0 == i % 2 ? "a" : "b", "before " + sequence++);
                assertThat(result[0]).isEqualTo(200);
                acknowledged.add(result[1]);
            }

            brokers.stop(leaderIndex(brokers), true);

            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
            int afterKill = 0;
            int refused = 0;
            while (afterKill < 50)
            {
                assertThat(System.nanoTime()).as("publishes go on with two of three brokers").isLessThan(deadlineNs);
                final long[] result = publish(port, 0 == afterKill % 2 ? "a" : "b", "after " + sequence++);
                if (200 == result[0])
                {
                    acknowledged.add(result[1]);
                    afterKill++;
                }
                else
                {
                    refused++;
                }
            }

            final long lastId = acknowledged.get(acknowledged.size() - 1);
            assertThat(subscriber.readUntil(() -> !subscriber.events().isEmpty() &&
                Long.parseLong(subscriber.events().get(subscriber.events().size() - 1).lastEventId) >= lastId, 30_000))
                .as("delivered up to the last acknowledged publish: %s", subscriber.eofReason).isTrue();
            assertDeliveredOnceInOrder(subscriber.events(), acknowledged);
            System.out.println("publishes refused during the leader change: " + refused);
        }
    }

    private static int leaderIndex(final KafkaBrokers brokers) throws Exception
    {
        final Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.bootstrapServers());
        try (Admin admin = Admin.create(properties))
        {
            final int leaderId = admin.describeTopics(List.of(TOPIC)).allTopicNames().get(10, TimeUnit.SECONDS)
                .get(TOPIC).partitions().get(0).leader().id();
            return leaderId - 1;
        }
    }
}
