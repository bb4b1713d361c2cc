package io.ssefanout.cluster;

import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.HttpClient;
import io.ssefanout.testsupport.SseClient;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.agrona.CloseHelper;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fan-out nodes on one Kafka log (a real KRaft broker, a child process): an event has the same id on every node,
 * whoever published it (a node over HTTP, or any Kafka producer); a client resumes on another node with no gap and
 * no duplicate; a node started later warms its history and latest values from the log before it listens.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ClusterNodesIT
{
    @TempDir
    static Path brokerDir;
    private static KafkaBrokers brokers;

    @TempDir
    Path dir;

    private final List<KafkaClusterNode> nodes = new ArrayList<>();
    private final List<SseClient> clients = new ArrayList<>();

    @BeforeAll
    static void startBroker() throws Exception
    {
        brokers = new KafkaBrokers(brokerDir, 1).start();
    }

    @AfterAll
    static void stopBroker()
    {
        brokers.close();
    }

    @AfterEach
    void tearDown() throws IOException
    {
        for (final SseClient client : clients)
        {
            client.close();
        }
        nodes.forEach(CloseHelper::quietClose);
    }

    @Test
    void shouldGiveEveryEventTheSameIdOnEveryNodeAndResumeOnAnotherNode() throws Exception
    {
        final String topic = "ids-" + System.nanoTime();
        final KafkaClusterNode a = startNode("a", topic);
        final KafkaClusterNode b = startNode("b", topic);
        final SseClient onA = subscribe(a, "/sse?topics=x,y");
        final SseClient onB = subscribe(b, "/sse?topics=x,y");

        final List<String> expected = new ArrayList<>();
        expected.add(publish(a, "x", "from a") + " from a");
        expected.add(publish(b, "y", "from b") + " from b");
        final String batch = HttpClient.body(HttpClient.exchange(port(a), batchRequest(
            "{\"topic\":\"x\",\"data\":\"batch 1\"}\n{\"topic\":\"y\",\"data\":\"batch 2\",\"event\":\"quote\"}\n")));
        final String[] batchIds = batch.trim().split("\n");
        assertThat(batchIds).hasSize(2);
        expected.add(batchIds[0] + " batch 1");
        expected.add(batchIds[1] + " batch 2");
        try (KafkaProducer<String, String> feedHandler = producer())
        {
            // a feed handler writing straight to Kafka: fanned out the same, its offset is its id
            final long offset = feedHandler.send(new ProducerRecord<>(topic, 0, "x", "from kafka")).get().offset();
            expected.add(KafkaEventIds.idOf(offset) + " from kafka");
        }

        assertThat(onA.awaitEvents(expected.size(), 10_000)).isTrue();
        assertThat(onB.awaitEvents(expected.size(), 10_000)).isTrue();
        assertThat(idAndData(onA.events())).containsExactlyElementsOf(expected);
        assertThat(idAndData(onB.events())).containsExactlyElementsOf(expected);
        assertThat(onB.events().get(3).type).isEqualTo("quote");

        // a client of node a that saw the first two events resumes on node b: the rest, once each
        final String resumeFrom = onA.events().get(1).lastEventId;
        final SseClient resumed = subscribe(b, "/sse?topics=x,y", "Last-Event-ID: " + resumeFrom);
        assertThat(resumed.awaitEvents(expected.size() - 2, 10_000)).isTrue();
        assertThat(idAndData(resumed.events())).containsExactlyElementsOf(expected.subList(2, expected.size()));
        assertThat(resumed.events().stream().noneMatch(event -> "reset".equals(event.type))).isTrue();
    }

    @Test
    void shouldWarmANewNodesHistoryAndLatestValuesFromTheLogBeforeItListens() throws Exception
    {
        final String topic = "warm-" + System.nanoTime();
        final KafkaClusterNode a = startNode("a", topic);
        final List<String> newest = new ArrayList<>();
        long firstId = -1;
        for (int round = 0; round < 3; round++)
        {
            for (int s = 0; s < 5; s++)
            {
                final long id = publish(a, "sym." + s, "round " + round);
                firstId = firstId < 0 ? id : firstId;
                if (2 == round)
                {
                    newest.add(id + " round 2");
                }
            }
        }

        // started after the events: it has them before it takes its first subscriber
        final KafkaClusterNode late = startNode("late", topic);
        final SseClient snapshot = subscribe(late, "/sse?topic=sym.*&snapshot=true");
        assertThat(snapshot.awaitEvents(5, 10_000)).isTrue();
        assertThat(idAndData(snapshot.events())).containsExactlyElementsOf(newest);

        final SseClient resumed = subscribe(late, "/sse?topic=sym.*", "Last-Event-ID: " + firstId);
        assertThat(resumed.awaitEvents(14, 10_000)).isTrue();
        assertThat(resumed.events()).hasSize(14);
        assertThat(Long.parseLong(resumed.events().get(0).lastEventId)).isEqualTo(firstId + 1);
    }

    @Test
    void shouldStopIngestAndReportUnhealthyWhenTheLogGoesBack() throws Exception
    {
        final String topic = "recreated-" + System.nanoTime();
        final KafkaClusterNode a = startNode("a", topic);
        for (int i = 0; i < 5; i++)
        {
            publish(a, "t", "before " + i);
        }
        final SseClient subscriber = subscribe(a, "/sse/t", "Last-Event-ID: 1");
        assertThat(subscriber.awaitEvents(4, 10_000)).isTrue();

        final Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.bootstrapServers());
        try (Admin admin = Admin.create(properties); KafkaProducer<String, String> producer = producer())
        {
            admin.deleteTopics(List.of(topic)).all().get(10, TimeUnit.SECONDS);
            awaitCondition(() -> !admin.listTopics().names().get().contains(topic), "topic deleted");
            try
            {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short)1))).all().get(10, TimeUnit.SECONDS);
            }
            catch (final java.util.concurrent.ExecutionException ex)
            {
                // the node's own clients may have asked for it first (the dev broker creates topics on demand):
                // recreated either way, its positions start again
                assertThat(ex.getCause()).isInstanceOf(org.apache.kafka.common.errors.TopicExistsException.class);
            }
            producer.send(new ProducerRecord<>(topic, 0, "t", "after")).get(10, TimeUnit.SECONDS);
        }
        awaitCondition(() -> HttpClient.exchange(port(a), "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
            .startsWith("HTTP/1.1 503"), "unhealthy once the log went back");
        final String health = HttpClient.exchange(port(a), "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(HttpClient.body(health)).contains("recreated");
        assertThat(subscriber.events()).as("nothing from the new log under the old ids").hasSize(4);
    }

    @Test
    void shouldReplayAResumeOlderThanMemoryFromTheLogThenGoOnLive() throws Exception
    {
        final String topic = "catchup-" + System.nanoTime();
        // 16 events of history per topic: a resume 90 events back must come from Kafka
        final KafkaClusterNode a = startNode("a", topic, 16);
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            ids.add(publish(a, 0 == i % 10 ? "other" : "c", "e" + i));
        }
        final List<Long> ofC = new ArrayList<>();
        for (int i = 0; i < ids.size(); i++)
        {
            if (0 != i % 10)
            {
                ofC.add(ids.get(i));
            }
        }
        final SseClient resumed = subscribe(a, "/sse/c", "Last-Event-ID: " + ofC.get(4));
        final List<Long> expected = new ArrayList<>(ofC.subList(5, ofC.size()));
        assertThat(resumed.awaitEvents(expected.size(), 10_000)).isTrue();
        final long live = publish(a, "c", "live");
        expected.add(live);
        assertThat(resumed.awaitEvents(expected.size(), 10_000)).isTrue();
        assertThat(resumed.events()).extracting(event -> Long.parseLong(event.lastEventId))
            .as("from the log, then from memory, then live: each once, in order").containsExactlyElementsOf(expected);
        assertThat(resumed.events().get(0).data).isEqualTo("e6");
        assertThat(resumed.parser.retryMs()).isPositive();

        // older than Kafka keeps: reset, then the snapshot asked for
        final Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.bootstrapServers());
        try (Admin admin = Admin.create(properties))
        {
            admin.deleteRecords(Map.of(new TopicPartition(topic, 0), RecordsToDelete.beforeOffset(50)))
                .all().get(10, TimeUnit.SECONDS);
        }
        final SseClient stale = subscribe(a, "/sse/c?snapshot=true", "Last-Event-ID: " + ofC.get(4));
        assertThat(stale.awaitEvents(2, 10_000)).isTrue();
        assertThat(stale.events().get(0).type).isEqualTo("reset");
        assertThat(stale.events().get(1).lastEventId).isEqualTo(Long.toString(live));
    }

    private static void awaitCondition(final Callable<Boolean> condition, final String what) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!condition.call())
        {
            assertThat(System.nanoTime()).as(what).isLessThan(deadlineNs);
            Thread.onSpinWait();
        }
    }

    private KafkaClusterNode startNode(final String name, final String topic)
    {
        return startNode(name, topic, 8192);
    }

    private KafkaClusterNode startNode(final String name, final String topic, final int historyEvents)
    {
        final KafkaClusterNode node = ClusterTests.startNode(dir.resolve(name), brokers, topic, 0, 15_000, historyEvents);
        nodes.add(node);
        return node;
    }

    private static int port(final KafkaClusterNode node)
    {
        return node.server().port();
    }

    private SseClient subscribe(final KafkaClusterNode node, final String path, final String... headers)
        throws IOException
    {
        final SseClient client = SseClient.connect(port(node), path, headers);
        clients.add(client);
        return client;
    }

    private static long publish(final KafkaClusterNode node, final String topic, final String data) throws IOException
    {
        final String response = HttpClient.exchange(port(node), HttpClient.publishRequest(topic, data, true));
        assertThat(HttpClient.status(response)).as(response).isEqualTo(200);
        return Long.parseLong(HttpClient.body(response).trim());
    }

    private static byte[] batchRequest(final String ndjson)
    {
        final byte[] body = ndjson.getBytes(StandardCharsets.UTF_8);
        final String head = "POST /publish HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-ndjson\r\n" +
            "Content-Length: " + body.length + "\r\nConnection: close\r\n\r\n";
        final byte[] request = new byte[head.length() + body.length];
        System.arraycopy(head.getBytes(StandardCharsets.US_ASCII), 0, request, 0, head.length());
        System.arraycopy(body, 0, request, head.length(), body.length);
        return request;
    }

    private static KafkaProducer<String, String> producer()
    {
        final Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        return new KafkaProducer<>(properties);
    }

    private static List<String> idAndData(final List<EventStreamParser.Event> events)
    {
        return events.stream().map(event -> event.lastEventId + " " + event.data).collect(Collectors.toList());
    }
}
