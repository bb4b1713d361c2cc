package io.ssefanout.cluster;

import io.ssefanout.testsupport.SseClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.ssefanout.cluster.ClusterTests.assertDeliveredOnceInOrder;
import static io.ssefanout.cluster.ClusterTests.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The only broker stops and starts again while a publisher publishes: publishes are answered {@code 503} within the
 * publish timeout while it is down (never a hang), subscribers' streams stay open on heartbeats, and once it is
 * back every publish that got {@code 200} reaches every subscriber once, in order.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class BrokerRestartIT
{
    @TempDir
    Path dir;

    @Test
    void shouldAnswerUnavailableWhileTheBrokerIsDownAndDeliverEveryAcknowledgedPublish() throws Exception
    {
        try (KafkaBrokers brokers = new KafkaBrokers(dir.resolve("brokers"), 1).start();
            KafkaClusterNode node = ClusterTests.startNode(dir.resolve("node"), brokers, "restart", 0, 200);
            SseClient first = SseClient.connect(node.server().port(), "/sse/quotes");
            SseClient second = SseClient.connect(node.server().port(), "/sse/quotes"))
        {
            final int port = node.server().port();
            final List<Long> acknowledged = new ArrayList<>();
            int sequence = 0;
            for (int i = 0; i < 20; i++)
            {
                final long[] result = publish(port, "quotes", "before " + sequence++);
                assertThat(result[0]).isEqualTo(200);
                acknowledged.add(result[1]);
            }
            assertThat(first.awaitEvents(20, 10_000)).isTrue();

            brokers.stop(0, false);
            int unavailable = 0;
            for (int i = 0; i < 3; i++)
            {
                final long startNs = System.nanoTime();
                final long[] result = publish(port, "quotes", "while down " + sequence++);
                final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
                assertThat(tookMs).as("answered within the publish timeout, not hung").isLessThan(8_000);
                if (503 == result[0])
                {
                    unavailable++;
                }
                else
                {
                    acknowledged.add(result[1]);
                }
            }
            assertThat(unavailable).as("publishes refused while the only broker is down").isPositive();
            final int comments = first.parser.comments().size();
            assertThat(first.readUntil(() -> first.parser.comments().size() >= comments + 2, 5_000))
                .as("the stream stays open on heartbeats: %s", first.eofReason).isTrue();

            brokers.restart(0, 1);
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            int afterRestart = 0;
            while (afterRestart < 20)
            {
                assertThat(System.nanoTime()).as("publishes succeed again after the restart").isLessThan(deadlineNs);
                final long[] result = publish(port, "quotes", "after " + sequence++);
                if (200 == result[0])
                {
                    acknowledged.add(result[1]);
                    afterRestart++;
                }
            }

            final long lastId = acknowledged.get(acknowledged.size() - 1);
            for (final SseClient client : List.of(first, second))
            {
                assertThat(client.readUntil(() -> !client.events().isEmpty() &&
                    Long.parseLong(client.events().get(client.events().size() - 1).lastEventId) >= lastId, 20_000))
                    .as("delivery resumed: %s", client.eofReason).isTrue();
                assertDeliveredOnceInOrder(client.events(), acknowledged);
            }
        }
    }
}
