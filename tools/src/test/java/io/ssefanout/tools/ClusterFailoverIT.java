package io.ssefanout.tools;

import io.ssefanout.cluster.KafkaBrokers;
import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.HttpClient;
import io.ssefanout.testsupport.SseClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three {@code fanout server} processes in cluster mode on one Kafka broker, subscribers spread over them. One node
 * is killed ({@code kill -9}); its subscribers reconnect to the others with their {@code Last-Event-ID} and, over
 * both connections, every event arrives exactly once, in order.
 */
@Timeout(value = 180, unit = TimeUnit.SECONDS)
class ClusterFailoverIT
{
    private static final int EVENTS = 100;

    @TempDir
    Path dir;

    @Test
    void shouldResumeTheSubscribersOfAKilledNodeOnTheOthersWithEveryEventOnce() throws Exception
    {
        final List<Process> processes = new ArrayList<>();
        final List<SseClient> clients = new ArrayList<>();
        try (KafkaBrokers brokers = new KafkaBrokers(dir.resolve("brokers"), 1).start())
        {
            final int[] ports = new int[3];
            for (int i = 0; i < ports.length; i++)
            {
                final Process process = startNode(brokers.bootstrapServers(), dir.resolve("node-" + i));
                processes.add(process);
                ports[i] = awaitPort(process);
            }
            // two subscribers per node
            final List<List<EventStreamParser.Event>> received = new ArrayList<>();
            final SseClient[] current = new SseClient[6];
            for (int s = 0; s < current.length; s++)
            {
                current[s] = SseClient.connect(ports[s % 3], "/sse?topics=a,b");
                clients.add(current[s]);
                received.add(new ArrayList<>());
            }

            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < EVENTS / 2; i++)
            {
                ids.add(publish(ports[i % 3], i));
            }
            for (final SseClient client : current)
            {
                assertThat(client.awaitEvents(EVENTS / 2, 20_000)).isTrue();
            }

            processes.get(0).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            for (int s = 0; s < current.length; s += 3)
            {
                final SseClient orphan = current[s];
                assertThat(orphan.awaitEof(10_000)).as("node 0's subscriber %d sees its stream end", s).isTrue();
                received.get(s).addAll(orphan.events());
                final String lastId = orphan.events().get(orphan.events().size() - 1).lastEventId;
                current[s] = SseClient.connect(ports[1 + s % 2], "/sse?topics=a,b", "Last-Event-ID: " + lastId);
                clients.add(current[s]);
            }

            for (int i = EVENTS / 2; i < EVENTS; i++)
            {
                ids.add(publish(ports[1 + i % 2], i));
            }
            for (int s = 0; s < current.length; s++)
            {
                final SseClient client = current[s];
                final int expected = EVENTS - received.get(s).size();
                assertThat(client.awaitEvents(expected, 20_000)).as("subscriber %d", s).isTrue();
                received.get(s).addAll(client.events());
                final List<Long> receivedIds = new ArrayList<>();
                for (final EventStreamParser.Event event : received.get(s))
                {
                    assertThat(event.type).as("no reset").isNotEqualTo("reset");
                    receivedIds.add(Long.parseLong(event.lastEventId));
                }
                assertThat(receivedIds).as("subscriber %d: every event once, in order", s).containsExactlyElementsOf(ids);
            }
        }
        finally
        {
            for (final SseClient client : clients)
            {
                client.close();
            }
            for (final Process process : processes)
            {
                process.destroyForcibly();
            }
        }
    }

    private static long publish(final int port, final int i) throws IOException
    {
        final String response = HttpClient.exchange(port, HttpClient.publishRequest(0 == i % 2 ? "a" : "b", "e" + i, true));
        assertThat(HttpClient.status(response)).as(response).isEqualTo(200);
        return Long.parseLong(HttpClient.body(response).trim());
    }

    private static Process startNode(final String bootstrapServers, final Path nodeDir) throws IOException
    {
        return FanoutProcess.start(nodeDir, List.of("fanout.kafka.bootstrap.servers=" + bootstrapServers,
            "fanout.kafka.topic=failover"), "server");
    }

    private static int awaitPort(final Process process) throws IOException
    {
        return FanoutProcess.awaitPort(process);
    }
}
