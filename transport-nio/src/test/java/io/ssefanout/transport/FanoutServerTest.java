package io.ssefanout.transport;

import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.SseClient;
import io.ssefanout.testsupport.HttpClient;
import io.ssefanout.engine.EngineCounterDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.counter;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FanoutServerTest
{
    @TempDir
    Path dir;

    private FanoutServer server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception
    {
        for (final AutoCloseable client : clients)
        {
            client.close();
        }
        if (null != server)
        {
            server.close();
        }
    }

    private FanoutServer start(final Consumer<FanoutServer.Context> customise)
    {
        server = ServerFixture.start(dir, customise);
        return server;
    }

    private SseClient subscribe(final String path, final String... headers) throws IOException
    {
        final SseClient client = SseClient.connect(server.port(), path, headers);
        clients.add(client);
        return client;
    }

    @Test
    void shouldStreamPublishedEventsWithHeadersRetryHintAndIds() throws IOException
    {
        start(ctx -> ctx.retryHintMs(1234));
        final SseClient client = subscribe("/sse/prices");
        assertThat(client.status).isEqualTo(200);
        assertThat(client.headers.get("content-type")).startsWith("text/event-stream");
        assertThat(client.headers.get("cache-control")).isEqualTo("no-cache");
        assertThat(client.headers.get("x-accel-buffering")).isEqualTo("no");
        assertThat(client.headers.get("access-control-allow-origin")).isEqualTo("*");
        assertThat(client.readUntil(() -> client.parser.retryMs() == 1234, 5000)).isTrue();

        final String response = HttpClient.exchange(
            server.port(), HttpClient.publishRequest("prices", "line one\nline two", true));
        assertThat(HttpClient.status(response)).isEqualTo(200);
        final long id = Long.parseLong(HttpClient.body(response));
        final long typedId = publish(server, "prices", "{\"px\":1}", "quote");

        assertThat(client.awaitEvents(2, 5000)).isTrue();
        final EventStreamParser.Event first = client.events().get(0);
        assertThat(first.data).isEqualTo("line one\nline two");
        assertThat(first.lastEventId).isEqualTo(Long.toString(id));
        assertThat(first.type).isEqualTo("message");
        final EventStreamParser.Event second = client.events().get(1);
        assertThat(second.type).isEqualTo("quote");
        assertThat(Long.parseLong(second.lastEventId)).isEqualTo(typedId).isGreaterThan(id);
        await(() -> counter(server, TransportCounterDescriptor.DELIVERIES) >= 2, 5000, "deliveries counted");
    }

    @Test
    void shouldMergeSeveralTopicsOnOneConnectionInIdOrder() throws IOException
    {
        start(ctx -> { });
        final SseClient client = subscribe("/sse?topic=a&topic=b&topic=a");
        final List<Long> published = new ArrayList<>();
        for (int i = 0; i < 300; i++)
        {
            published.add(publish(server, (i % 3 == 0) ? "b" : "a", "m" + i));
            if (i % 50 == 0)
            {
                publish(server, "other", "not for this client");
            }
        }
        assertThat(client.awaitEvents(300, 10_000)).isTrue();
        final List<Long> received = new ArrayList<>();
        for (final EventStreamParser.Event event : client.events())
        {
            received.add(Long.parseLong(event.lastEventId));
        }
        assertThat(received).isEqualTo(published);
        assertThat(client.events().get(3).data).isEqualTo("m3");
    }

    @Test
    void shouldResumeFromLastEventIdWithNoGapAndNoDuplicate() throws IOException
    {
        start(ctx -> { });
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            ids.add(publish(server, "t", "e" + i));
        }
        await(() -> server.engine().sequencer().publishedEventId() >= ids.get(99), 5000, "sequenced");

        final SseClient viaHeader = subscribe("/sse/t", "Last-Event-ID: " + ids.get(49));
        final SseClient viaQuery = subscribe("/sse/t?lastEventId=" + ids.get(89));
        for (int i = 100; i < 110; i++)
        {
            ids.add(publish(server, "t", "e" + i));
        }

        assertThat(viaHeader.awaitEvents(60, 5000)).isTrue();
        assertThat(viaHeader.readUntil(() -> false, 100)).isFalse();
        assertThat(idsOf(viaHeader)).isEqualTo(ids.subList(50, 110));
        assertThat(viaHeader.events().get(0).data).isEqualTo("e50");
        assertThat(viaHeader.events()).noneMatch(event -> "reset".equals(event.type));

        assertThat(viaQuery.awaitEvents(20, 5000)).isTrue();
        assertThat(idsOf(viaQuery)).isEqualTo(ids.subList(90, 110));
    }

    @Test
    void shouldSignalResetWhenResumePointIsOlderThanRetainedHistory() throws IOException
    {
        start(ctx -> ctx.engineContext().historyBytes(32 * 1024).historyEvents(32).payloadMaxLength(1024));
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 200; i++)
        {
            ids.add(publish(server, "t", "e" + i));
        }
        await(() -> server.engine().sequencer().publishedEventId() >= ids.get(199), 5000, "sequenced");

        final SseClient client = subscribe("/sse/t", "Last-Event-ID: " + ids.get(10));
        assertThat(client.awaitEvents(1, 5000)).isTrue();
        final EventStreamParser.Event reset = client.events().get(0);
        assertThat(reset.type).isEqualTo("reset");
        assertThat(reset.data).contains(Long.toString(ids.get(10)));

        assertThat(client.readUntil(() -> client.events().size() > 1 &&
            client.events().get(client.events().size() - 1).lastEventId.equals(Long.toString(ids.get(199))), 5000))
            .isTrue();
        final List<Long> replayed = idsOf(client);
        final int first = ids.indexOf(replayed.get(0));
        assertThat(first).isGreaterThan(11);
        assertThat(replayed).isEqualTo(ids.subList(first, 200));
        assertThat(counter(server, TransportCounterDescriptor.RESETS_SENT)).isEqualTo(1);
    }

    @Test
    void shouldSignalResetForResumePointFromBeforeARestartWithLostHistory() throws IOException
    {
        start(ctx -> { });
        final long firstRunId = publish(server, "t", "before restart");
        final long lastFirstRunId = publish(server, "t", "also before restart");
        server.close();
        server = null;

        start(ctx -> { });
        final long secondRunId = publish(server, "t", "after restart");
        assertThat(secondRunId).isGreaterThan(lastFirstRunId);

        final SseClient caughtUp = subscribe("/sse/t", "Last-Event-ID: " + lastFirstRunId);
        assertThat(caughtUp.awaitEvents(1, 5000)).isTrue();
        assertThat(caughtUp.events().get(0).type).isEqualTo("message");
        assertThat(caughtUp.events().get(0).lastEventId).isEqualTo(Long.toString(secondRunId));

        final SseClient behind = subscribe("/sse/t", "Last-Event-ID: " + firstRunId);
        assertThat(behind.awaitEvents(2, 5000)).isTrue();
        assertThat(behind.events().get(0).type).isEqualTo("reset");
        assertThat(behind.events().get(1).data).isEqualTo("after restart");
    }

    @ParameterizedTest
    @ValueSource(strings = { "dedicated", "shared" })
    void shouldKeepIdsConsecutiveWhileMaintenanceSlicesForgetIdleTopics(final String threadingMode)
    {
        start(ctx -> ctx.engineContext().threadingMode(threadingMode).topicIdleExpiryNs(TimeUnit.MILLISECONDS.toNanos(300)));
        publish(server, "idle", "forgotten after 300 ms");
        final long startNs = System.nanoTime();
        long previous = publish(server, "busy", "first");
        int published = 1;
        // several maintenance periods (8 a second), 10,000 events, and the idle topic forgotten meanwhile
        while (published < 10_000 || System.nanoTime() - startNs < TimeUnit.SECONDS.toNanos(1) ||
            0 == counter(server, EngineCounterDescriptor.TOPICS_EXPIRED))
        {
            assertThat(System.nanoTime() - startNs).as("idle topic forgotten in time")
                .isLessThan(TimeUnit.SECONDS.toNanos(20));
            final long id = publish(server, "busy", "event " + published);
            assertThat(id).as("event %d", published).isEqualTo(previous + 1);
            previous = id;
            published++;
            if (0 == published % 100)
            {
                final long sequenced = id;
                await(() -> server.engine().sequencer().publishedEventId() >= sequenced, 5000, "sequenced");
            }
        }
        assertThat(counter(server, EngineCounterDescriptor.TOPICS_EXPIRED)).isEqualTo(1);
    }

    @Test
    void shouldTrackDutyCyclesAndRingWaitsInCountersAndMetrics() throws IOException
    {
        start(ctx -> ctx.engineContext().dutyCycleThresholdNs(0));
        final SseClient client = subscribe("/sse/t");
        for (int i = 0; i < 10; i++)
        {
            publish(server, "t", "e" + i);
        }
        assertThat(client.awaitEvents(10, 5000)).isTrue();
        await(() -> counter(server, TransportCounterDescriptor.IO_CYCLE_STALLS) > 0 &&
            counter(server, EngineCounterDescriptor.SEQUENCER_CYCLE_STALLS) > 0, 5000, "stalls over a 0 threshold");
        assertThat(counter(server, TransportCounterDescriptor.IO_CYCLE_MAX_NS)).isPositive();
        assertThat(counter(server, EngineCounterDescriptor.SEQUENCER_CYCLE_MAX_NS)).isPositive();
        assertThat(counter(server, EngineCounterDescriptor.RING_WAIT_MAX_NS)).isNotNegative();

        final String metrics = HttpClient.exchange(server.port(),
            "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(metrics).contains("# TYPE fanout_duty_cycle_max_seconds gauge",
            "fanout_duty_cycle_max_seconds{thread=\"io\"} ", "fanout_duty_cycle_max_seconds{thread=\"sequencer\"} ",
            "# TYPE fanout_duty_cycle_stalls_total counter", "fanout_duty_cycle_stalls_total{thread=\"io\"} ",
            "fanout_duty_cycle_stalls_total{thread=\"sequencer\"} ", "# TYPE fanout_ring_wait_max_seconds gauge");
        assertThat(metrics).doesNotContain("fanout_stat_io_cycle", "fanout_stat_sequencer_cycle");
    }

    @Test
    void shouldCreateNoTopicForAPublishTheRingRefuses() throws Exception
    {
        start(ctx -> ctx.engineContext().threadingMode("dedicated"));
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final java.util.concurrent.atomic.AtomicBoolean isStalled = new java.util.concurrent.atomic.AtomicBoolean();
        final Runnable stall = () ->
        {
            isStalled.set(true);
            try
            {
                release.await(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        };
        server.engine().sequencer().addWakeListener(stall);
        try
        {
            publish(server, "existing", "the sequencer stops after this one");
            await(isStalled::get, 5000, "sequencer stalled");
            int filled = 0;
            while (server.engine().publish("existing", "fill", null))
            {
                filled++;
            }
            assertThat(filled).as("the ring took what it had room for").isPositive();
            final int topicsBefore = server.engine().topics().count();

            final String batch = "{\"topic\":\"new.a\",\"data\":\"1\"}\n{\"topic\":\"new.b\",\"data\":\"2\"}\n";
            final String batchRequest = "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n" +
                "Content-Length: " + batch.length() + "\r\nConnection: close\r\n\r\n" + batch;
            assertThat(HttpClient.status(HttpClient.exchange(server.port(), batchRequest))).isEqualTo(503);
            assertThat(HttpClient.status(HttpClient.exchange(server.port(),
                "POST /publish/new.c HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx")))
                .isEqualTo(503);
            assertThat(server.engine().topics().count()).as("refused publishes made no topic").isEqualTo(topicsBefore);
            final byte[] name = "new.a".getBytes(StandardCharsets.US_ASCII);
            assertThat(server.engine().topics().find(new org.agrona.concurrent.UnsafeBuffer(name), 0, name.length)).isNull();

            server.engine().sequencer().removeWakeListener(stall);
            release.countDown();
            await(() -> !server.engine().hasIngestPending(), 10_000, "ring drained");
            assertThat(HttpClient.status(HttpClient.exchange(server.port(), batchRequest))).isEqualTo(200);
            assertThat(server.engine().topics().count()).isEqualTo(topicsBefore + 2);
        }
        finally
        {
            release.countDown();
        }
    }

    @Test
    void shouldSignalResetForResumePointFromAnIncarnationWhoseDirectoryIsGone() throws IOException
    {
        start(ctx -> { });
        final long firstId = publish(server, "t", "a");
        publish(server, "t", "b");
        server.close();
        server = null;

        server = ServerFixture.start(dir.resolve("fresh"), ctx -> { });
        final long afterRestart = publish(server, "t", "c");

        final SseClient behind = subscribe("/sse/t", "Last-Event-ID: " + firstId);
        assertThat(behind.awaitEvents(2, 5000)).isTrue();
        assertThat(behind.events().get(0).type).as("b is gone with the first run: never a silent gap").isEqualTo("reset");
        assertThat(behind.events().get(1).data).isEqualTo("c");
        assertThat(behind.events().get(1).lastEventId).isEqualTo(Long.toString(afterRestart));

        final SseClient current = subscribe("/sse/t", "Last-Event-ID: " + afterRestart);
        publish(server, "t", "d");
        assertThat(current.awaitEvents(1, 5000)).isTrue();
        assertThat(current.events().get(0).data).as("an id of this run resumes as before").isEqualTo("d");
    }

    @Test
    void shouldNotDelayHealthySubscriberWhenAnotherNeverReadsAndDisconnectIt() throws IOException
    {
        start(ctx -> ctx.engineContext().historyBytes(128 * 1024).historyEvents(512).payloadMaxLength(4096));
        final SseClient stalled = SseClient.connect(server.port(), "/sse/t", 4096);
        clients.add(stalled);
        final SseClient healthy = subscribe("/sse/t");

        final String payload = "x".repeat(2000);
        final int count = 2000;
        int received = 0;
        for (int i = 0; i < count; i++)
        {
            publish(server, "t", payload + i);
            if (i % 20 == 19)
            {
                final int expected = i + 1;
                assertThat(healthy.awaitEvents(expected, 5000)).as("healthy got %d", expected).isTrue();
                received = healthy.events().size();
            }
        }
        assertThat(received).isEqualTo(count);
        for (int i = 0; i < count; i++)
        {
            assertThat(healthy.events().get(i).data).isEqualTo(payload + i);
        }
        await(() -> counter(server, TransportCounterDescriptor.LAPPED_DISCONNECTS) == 1, 5000, "slow consumer disconnected");
        assertThat(stalled.awaitEof(10_000)).isTrue();
        assertThat(stalled.events().size()).isLessThan(count);
    }

    @Test
    void shouldDisconnectBlockedSubscriberOwedMoreThanTheUnsentLimit() throws IOException
    {
        // a 16 MiB log has an 8 MiB lag window: within 6,000 events of 1 KB only the 64 KiB limit can act
        start(ctx ->
        {
            ctx.streams().slowConsumerUnsentMax(64 * 1024);
            ctx.engineContext().historyBytes(8 * 1024 * 1024);
        });
        final SseClient stalled = SseClient.connect(server.port(), "/sse/t", 4096);
        clients.add(stalled);
        final SseClient healthy = subscribe("/sse/t");
        final String payload = "u".repeat(1000);
        int published = 0;
        while (published < 6000 && 0 == counter(server, TransportCounterDescriptor.LAPPED_DISCONNECTS))
        {
            publish(server, "t", payload);
            published++;
            assertThat(healthy.awaitEvents(published, 5000)).isTrue();
        }
        assertThat(counter(server, TransportCounterDescriptor.LAPPED_DISCONNECTS)).isEqualTo(1);
        assertThat(stalled.awaitEof(10_000)).isTrue();
    }

    @Test
    void shouldSkipLappedSubscriberToNewestEventWithResetUnderSkipPolicy() throws IOException
    {
        start(ctx -> ctx.slowConsumerPolicy("skip")
            .engineContext().historyBytes(128 * 1024).historyEvents(512).payloadMaxLength(4096));
        final SseClient stalled = SseClient.connect(server.port(), "/sse/t", 4096);
        clients.add(stalled);
        final SseClient healthy = subscribe("/sse/t");
        final String payload = "y".repeat(2000);
        // paced by the healthy subscriber, so the writer never gets a lap ahead while a frame is being written;
        // three rounds of: stall until lapped, then read on until the skip has been announced
        int published = 0;
        for (int round = 1; round <= 3; round++)
        {
            final long skipsBefore = counter(server, TransportCounterDescriptor.LAPPED_SKIPS);
            for (int i = 0; i < 20_000 && counter(server, TransportCounterDescriptor.LAPPED_SKIPS) == skipsBefore; i++)
            {
                publish(server, "t", payload);
                published++;
                assertThat(healthy.awaitEvents(published, 5000)).isTrue();
            }
            assertThat(counter(server, TransportCounterDescriptor.LAPPED_SKIPS)).as("round %d", round).isGreaterThan(skipsBefore);
            final int resetsExpected = round;
            assertThat(stalled.readUntil(() -> stalled.events().stream().filter(event -> "reset".equals(event.type))
                .count() >= resetsExpected, 10_000)).as("reset of round %d", round).isTrue();
        }
        final long latestId = publish(server, "t", "latest");
        assertThat(healthy.awaitEvents(published + 1, 5000)).isTrue();

        assertThat(stalled.readUntil(() -> !stalled.events().isEmpty() &&
            stalled.events().get(stalled.events().size() - 1).lastEventId.equals(Long.toString(latestId)), 10_000))
            .as("stalled subscriber reaches the newest event; %s", stalled.eofReason).isTrue();
        long lastDataId = -1;
        int resets = 0;
        for (final EventStreamParser.Event event : stalled.events())
        {
            if ("reset".equals(event.type))
            {
                assertThat(event.data).isEqualTo("{\"lastEventId\":" + lastDataId + "}");
                resets++;
            }
            else
            {
                final long id = Long.parseLong(event.lastEventId);
                assertThat(id).isGreaterThan(lastDataId);
                lastDataId = id;
            }
        }
        assertThat(resets).isGreaterThanOrEqualTo(1);
        assertThat(stalled.events().size()).isLessThan(published);
        assertThat(counter(server, TransportCounterDescriptor.LAPPED_DISCONNECTS)).isZero();
        assertThat(counter(server, TransportCounterDescriptor.SUBSCRIBERS_OPEN)).isEqualTo(2);
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void shouldDeliverTheSameStreamThroughSendAndThroughNioWrite(final boolean nativeSend) throws IOException
    {
        if (nativeSend && null != NativeSend.class.getResource("native/linux-x86_64/libfanoutsend.so"))
        {
            assertThat(FanoutServer.Context.isNativeSendAvailable())
                .as("send(2) library bundled and loadable here: %s", NativeSend.unavailableReason()).isTrue();
        }
        // the small client is read only after the burst: the kernel's own send buffer sizing lets it hold the burst,
        // so this checks the write path, not the slow-consumer policy
        start(ctx ->
        {
            ctx.streams().sendBuffer(0);
            ctx.nativeSend(nativeSend).engineContext().payloadMaxLength(64 * 1024);
        });
        assertThat(server.context().writePath()).startsWith(nativeSend ? "send(2)" : "NIO write");
        // a small receive window makes the large events end in short writes that resume where they stopped
        final SseClient small = SseClient.connect(server.port(), "/sse/t", 4096);
        clients.add(small);
        final SseClient normal = subscribe("/sse/t");
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 300; i++)
        {
            ids.add(publish(server, "t", (i % 10 == 9 ? "L".repeat(60_000) : "s") + i));
        }
        assertThat(normal.awaitEvents(300, 10_000)).isTrue();
        assertThat(small.awaitEvents(300, 10_000)).isTrue();
        assertThat(idsOf(normal)).isEqualTo(ids);
        assertThat(idsOf(small)).isEqualTo(ids);
        assertThat(small.events().get(299).data).isEqualTo("L".repeat(60_000) + 299);
        assertThat(counter(server, EngineCounterDescriptor.ERRORS)).isZero();
    }

    @Test
    void shouldSendHeartbeatCommentsOnIdleStream() throws IOException
    {
        start(ctx -> ctx.heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(100)));
        final SseClient client = subscribe("/sse/quiet");
        assertThat(client.readUntil(() -> client.parser.comments().size() >= 2, 5000)).as(client.eofReason).isTrue();
        assertThat(client.events()).isEmpty();
        // counters are published at the end of the agent's duty cycle, which may come after the client read them
        await(() -> counter(server, TransportCounterDescriptor.HEARTBEATS_SENT) >= 2, 5000, "heartbeats counted");
    }

    @Test
    void shouldShutDownGracefullyDeliveringEncodedEventsAndLeavingNothingBehind() throws Exception
    {
        start(ctx -> { }).close();
        final long fdsBefore = openFileDescriptors();   // after a first run has opened every jar it loads classes from
        start(ctx -> { });
        final int port = server.port();
        final SseClient client = subscribe("/sse/t");
        final List<Long> ids = new ArrayList<>();
        for (int i = 0; i < 500; i++)
        {
            ids.add(publish(server, "t", "before shutdown " + i));
        }
        server.close();
        server = null;

        assertThat(client.awaitEof(5000)).isTrue();
        client.close();
        // a descriptor the JVM itself holds for a moment (a class-path jar, its /proc listing) may still be open:
        // wait for the count with a deadline; a real leak stays above it
        await(() -> openFileDescriptors() <= fdsBefore, 5000, "descriptors back to " + fdsBefore);
        assertThat(idsOf(client)).isEqualTo(ids);
        assertThat(client.parser.retryMs()).isGreaterThanOrEqualTo(3000);
        assertThat(client.isChunkedBodyComplete()).isTrue();
        assertThat(Thread.getAllStackTraces().keySet())
            .noneMatch(thread -> thread.getName().startsWith("fanout-") && thread.isAlive());
        assertThatThrownBy(() ->
        {
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            }
        }).isInstanceOf(ConnectException.class);
    }

    @Test
    void shouldAnswerBadRequestsWithPreciseStatusesAndKeepServing() throws IOException
    {
        start(ctx -> ctx.engineContext().payloadMaxLength(1024));
        final int port = server.port();
        assertThat(HttpClient.status(HttpClient.exchange(port, "GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")))
            .isEqualTo(404);
        final String methodNotAllowed = HttpClient.exchange(port, "DELETE /sse/t HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(HttpClient.status(methodNotAllowed)).isEqualTo(405);
        assertThat(methodNotAllowed).contains("Allow: GET, HEAD, OPTIONS");
        assertThat(HttpClient.status(HttpClient.exchange(port, HttpClient.publishRequest("t", "z".repeat(2000), true))))
            .isEqualTo(413);
        assertThat(HttpClient.status(HttpClient.exchange(port, "GET /sse/a%zz HTTP/1.1\r\nHost: x\r\n\r\n"))).isEqualTo(400);
        assertThat(HttpClient.status(HttpClient.exchange(port, "GET /sse HTTP/1.1\r\nHost: x\r\n\r\n"))).isEqualTo(400);
        assertThat(HttpClient.status(HttpClient.exchange(port, "POST /publish/t HTTP/1.1\r\nHost: x\r\n\r\n"))).isEqualTo(411);
        assertThat(HttpClient.status(HttpClient.exchange(port, "POST /publish/t?event=a%0Ab HTTP/1.1\r\nHost: x\r\n" +
            "Content-Length: 1\r\nConnection: close\r\n\r\nx"))).isEqualTo(400);
        assertThat(HttpClient.status(HttpClient.exchange(port, "GET /x HTTP/3.0\r\n\r\n"))).isEqualTo(505);
        assertThat(HttpClient.status(HttpClient.exchange(port, "GET /" + "a".repeat(40_000) + " HTTP/1.1\r\nHost: x\r\n\r\n")))
            .isEqualTo(414);
        assertThat(HttpClient.status(HttpClient.exchange(port,
            "GET / HTTP/1.1\r\nHost: x\r\nX: " + "h".repeat(60_000) + "\r\n\r\n"))).isEqualTo(431);
        assertThat(HttpClient.status(HttpClient.exchange(port, "GARBAGE\r\n\r\n"))).isEqualTo(400);

        assertThat(counter(server, TransportCounterDescriptor.REJECTS_NOT_FOUND)).isEqualTo(1);
        assertThat(counter(server, TransportCounterDescriptor.REJECTS_PAYLOAD_TOO_LARGE)).isEqualTo(1);
        final String health = HttpClient.exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(HttpClient.status(health)).isEqualTo(200);
    }

    @Test
    void shouldAnswerPipelinedPublishesInOrderOnOneKeepAliveConnection() throws IOException
    {
        start(ctx -> { });
        final SseClient subscriber = subscribe("/sse/p");
        final StringBuilder pipeline = new StringBuilder();
        for (int i = 0; i < 50; i++)
        {
            pipeline.append(HttpClient.publishRequest("p", "pipelined " + i, false));
        }
        pipeline.append("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        final String responses = HttpClient.exchange(server.port(), pipeline.toString());
        final String[] parts = responses.split("HTTP/1.1 ");
        assertThat(parts).hasSize(52);
        long previous = 0;
        for (int i = 1; i <= 50; i++)
        {
            assertThat(parts[i]).startsWith("200");
            final long id = Long.parseLong(parts[i].substring(parts[i].indexOf("\r\n\r\n") + 4).trim());
            assertThat(id).isGreaterThan(previous);
            previous = id;
        }
        assertThat(subscriber.awaitEvents(50, 5000)).isTrue();
        assertThat(subscriber.events().get(49).data).isEqualTo("pipelined 49");
        assertThat(subscriber.events().get(49).lastEventId).isEqualTo(Long.toString(previous));
    }

    @Test
    void shouldAnswerScrapesRenderedOffTheIoThreadInTheOrderOfPipelinedRequests() throws IOException
    {
        start(ctx -> ctx.corsAllowedOrigins("https://app.example"));
        final String responses = HttpClient.exchange(server.port(),
            "GET /metrics HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\n\r\n" +
            "HEAD /metrics HTTP/1.1\r\nHost: x\r\n\r\n" +
            "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        final String[] parts = responses.split("HTTP/1\\.1 ", -1);
        assertThat(parts).hasSize(4);
        assertThat(parts[1]).startsWith("200").contains("Access-Control-Allow-Origin: https://app.example",
            "text/plain; version=0.0.4", "# TYPE fanout_deliveries_total counter");
        assertThat(parts[2]).startsWith("200").contains("Content-Length: ").doesNotContain("# TYPE");
        assertThat(parts[3]).startsWith("200").endsWith("ok\n");
    }

    @Test
    void shouldExposePrometheusMetricsWithLatencyQuantiles() throws IOException
    {
        start(ctx -> { });
        final SseClient client = subscribe("/sse/m");
        publish(server, "m", "hello");
        assertThat(client.awaitEvents(1, 5000)).isTrue();
        // agents fold their latency histograms in on their periodic sweep: scrape until it shows
        final String[] scraped = new String[1];
        await(() ->
        {
            try
            {
                scraped[0] = HttpClient.body(
                    HttpClient.exchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
                return scraped[0].contains("fanout_delivery_latency_seconds_count 1");
            }
            catch (final IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        }, 5000, "latency in metrics");
        final String metrics = scraped[0];
        assertThat(metrics).contains("# TYPE fanout_deliveries_total counter", "fanout_subscribers_open 1",
            "# TYPE fanout_delivery_latency_seconds histogram", "fanout_delivery_latency_seconds_bucket{le=\"+Inf\"} 1",
            "fanout_delivery_latency_seconds_count 1", "fanout_delivery_latency_window_seconds{quantile=\"0.99\"}",
            "fanout_delivery_latency_window_seconds_count 1", "fanout_lapped_disconnects_total 0",
            "# TYPE fanout_rejects_total counter", "fanout_rejects_total{code=\"404\"} 0", "fanout_build_info{version=",
            "fanout_ring_capacity 1024", "jvm_buffer_pool_used_bytes{pool=\"direct\"}", "process_open_fds ");
        assertThat(metrics.split("# TYPE fanout_rejects_total ", -1)).as("one family, its samples together").hasSize(2);
        assertThat(metrics).contains("fanout_deliveries_total 1");
    }

    @Test
    void shouldHonourConfiguredCorsOrigins() throws IOException
    {
        start(ctx -> ctx.corsAllowedOrigins("https://app.example, https://other.example"));
        final SseClient allowed = subscribe("/sse/c", "Origin: https://other.example");
        assertThat(allowed.headers.get("access-control-allow-origin")).isEqualTo("https://other.example");
        final SseClient denied = subscribe("/sse/c", "Origin: https://evil.example");
        assertThat(denied.headers).doesNotContainKey("access-control-allow-origin");
        final String preflight = HttpClient.exchange(server.port(),
            "OPTIONS /publish/c HTTP/1.1\r\nHost: x\r\nOrigin: https://app.example\r\nConnection: close\r\n\r\n");
        assertThat(HttpClient.status(preflight)).isEqualTo(204);
        assertThat(preflight).contains("Access-Control-Allow-Origin: https://app.example");
    }

    private static List<Long> idsOf(final SseClient client)
    {
        final List<Long> ids = new ArrayList<>();
        for (final EventStreamParser.Event event : client.events())
        {
            if (!"reset".equals(event.type))
            {
                ids.add(Long.parseLong(event.lastEventId));
            }
        }
        return ids;
    }

    private static long openFileDescriptors()
    {
        try (java.util.stream.Stream<Path> fds = java.nio.file.Files.list(java.nio.file.Paths.get("/proc/self/fd")))
        {
            return fds.count();
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    static byte[] ascii(final String text)
    {
        return text.getBytes(StandardCharsets.US_ASCII);
    }
}
