package io.ssefanout.transport;

import io.ssefanout.engine.EngineCounterDescriptor;
import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.SseClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.counter;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Frames of many topics, in separate logs, go to a subscriber in one gathered write ({@code sendmsg(2)}, or NIO's
 * gathering write); a socket that takes only part of a write gets the rest, byte for byte, before anything else.
 */
class GatheredWriteTest
{
    private static final int TOPICS = 40;

    @TempDir
    Path dir;

    private FanoutServer server;
    private final List<SseClient> clients = new ArrayList<>();

    @AfterEach
    void tearDown() throws IOException
    {
        for (final SseClient client : clients)
        {
            client.close();
        }
        if (null != server)
        {
            server.close();
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void shouldWriteTheNewestFrameOfEveryTopicInOneWrite(final boolean nativeSend) throws IOException
    {
        start(nativeSend, 0);
        final List<String> expected = new ArrayList<>();
        for (int round = 0; round < 3; round++)
        {
            for (int t = 0; t < TOPICS; t++)
            {
                final long id = publish(server, "g." + t, "round " + round + " of " + t);
                if (2 == round)
                {
                    expected.add(id + " round 2 of " + t);
                }
            }
        }
        awaitSequenced(lastId(expected));

        final SseClient client = connect("/sse?topic=g.*&snapshot=true", 0);
        assertThat(client.awaitEvents(TOPICS, 5000)).isTrue();
        assertThat(idAndData(client.events())).containsExactlyElementsOf(expected);
        await(() -> counter(server, TransportCounterDescriptor.DELIVERIES) >= TOPICS, 5000, "deliveries counted");
        assertThat(counter(server, TransportCounterDescriptor.SOCKET_WRITES))
            .as("the response head, then %d frames from %d logs in one write (or two, when frames sequenced after the "
                + "agent's last pass wait for its next)", TOPICS, TOPICS)
            .isLessThanOrEqualTo(3);
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void shouldWriteNewestFramesKeptAfterTheirHistoryWasEvicted(final boolean nativeSend) throws IOException
    {
        // 8 segments of 4 KB for all logs: the first topics' history is evicted, their newest frames kept as copies
        server = ServerFixture.start(dir, ctx -> ctx.nativeSend(nativeSend)
            .engineContext().payloadMaxLength(1024).logSegmentLength(4096).logMemoryMax(8 * 4096));
        final List<String> expected = new ArrayList<>();
        for (int t = 0; t < TOPICS; t++)
        {
            final String data = t + " " + "v".repeat(300);
            expected.add(publish(server, "g." + t, data) + " " + data);
        }
        awaitSequenced(lastId(expected));
        final SseClient client = connect("/sse?topic=g.*&snapshot=true", 0);
        assertThat(client.awaitEvents(TOPICS, 5000)).isTrue();
        assertThat(idAndData(client.events())).containsExactlyElementsOf(expected);
        assertThat(counter(server, EngineCounterDescriptor.ERRORS)).isZero();
    }

    @ParameterizedTest
    @ValueSource(booleans = { true, false })
    void shouldFinishAShortGatheredWriteByteForByteBeforeAnythingElse(final boolean nativeSend) throws IOException
    {
        start(nativeSend, 16 * 1024);
        final SseClient fast = connect("/sse?topic=g.*", 0);
        // a small receive window, read only after the burst: most gathered writes end short, mid-frame
        final SseClient small = connect("/sse?topic=g.*", 4096);
        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 400; i++)
        {
            final int topic = (i * 7) % TOPICS;
            final String data = (i % 25 == 24 ? "L".repeat(40_000) : "s".repeat(i % 300)) + " " + i;
            expected.add(publish(server, "g." + topic, data) + " " + data);
        }
        assertThat(fast.awaitEvents(expected.size(), 10_000)).isTrue();
        assertThat(small.awaitEvents(expected.size(), 10_000)).isTrue();
        assertThat(idAndData(fast.events())).containsExactlyElementsOf(expected);
        assertThat(idAndData(small.events())).containsExactlyElementsOf(expected);
        await(() -> counter(server, TransportCounterDescriptor.DELIVERIES) >= 2L * expected.size(), 5000, "deliveries");
        assertThat(counter(server, TransportCounterDescriptor.SHORT_WRITES)).as("the small window was filled").isPositive();
        assertThat(counter(server, EngineCounterDescriptor.ERRORS)).isZero();
    }

    private void start(final boolean nativeSend, final int sendBufferLength)
    {
        server = ServerFixture.start(dir, ctx ->
        {
            ctx.streams().sendBuffer(sendBufferLength);
            ctx.nativeSend(nativeSend).engineContext().payloadMaxLength(64 * 1024);
        });
        assertThat(server.context().writePath()).startsWith(
            nativeSend && FanoutServer.Context.isNativeSendAvailable() ? "send(2)" : "NIO write");
    }

    private void awaitSequenced(final long id)
    {
        await(() -> server.engine().sequencer().publishedEventId() >= id, 5000, "event " + id);
    }

    private SseClient connect(final String path, final int receiveBufferSize) throws IOException
    {
        final SseClient client = receiveBufferSize > 0 ?
            SseClient.connect(server.port(), path, receiveBufferSize) : SseClient.connect(server.port(), path);
        clients.add(client);
        return client;
    }

    private static long lastId(final List<String> idAndData)
    {
        final String last = idAndData.get(idAndData.size() - 1);
        return Long.parseLong(last.substring(0, last.indexOf(' ')));
    }

    private static List<String> idAndData(final List<EventStreamParser.Event> events)
    {
        return events.stream().map(event -> event.lastEventId + " " + event.data).collect(Collectors.toList());
    }
}
