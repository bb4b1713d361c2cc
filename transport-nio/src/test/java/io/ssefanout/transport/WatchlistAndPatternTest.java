package io.ssefanout.transport;

import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.HttpClient;
import io.ssefanout.testsupport.SseClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * One stream over many topics: a 1,024-symbol watchlist on the default limits, and patterns that take in topics
 * created after the stream started, all merged in id order and resumable with one Last-Event-ID.
 */
class WatchlistAndPatternTest
{
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

    @Test
    void shouldCarryAWatchlistOf1024SymbolsOnOneStreamInIdOrder() throws IOException
    {
        server = ServerFixture.start(dir, ctx -> { });
        final StringBuilder watchlist = new StringBuilder("/sse?topics=");
        for (int i = 0; i < 1024; i++)
        {
            watchlist.append(i > 0 ? "," : "").append("sym.").append(symbol(i));
        }
        final SseClient client = connect(watchlist.toString());
        assertThat(client.status).isEqualTo(200);

        final List<String> expected = new ArrayList<>();
        for (int round = 0; round < 2; round++)
        {
            for (int i = 0; i < 1024; i++)
            {
                // a burst across symbols in an order unlike the watchlist's
                final int symbol = (i * 389 + round) % 1024;
                expected.add(Long.toString(publish(server, "sym." + symbol(symbol), "px" + round)));
            }
        }
        publish(server, "sym.NOT_WATCHED", "x");
        assertThat(client.awaitEvents(2048, 10_000)).isTrue();
        assertThat(client.events().stream().map(event -> event.lastEventId).collect(Collectors.toList()))
            .isEqualTo(expected);

        final String tooMany = watchlist + ",sym.ONE_MORE";
        assertThat(HttpClient.status(HttpClient.exchange(server.port(),
            "GET " + tooMany + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))).isEqualTo(400);
    }

    @Test
    void shouldStreamThePathTopicAndTheQueryTopicsTogether() throws IOException
    {
        server = ServerFixture.start(dir, ctx -> { });
        final SseClient client = connect("/sse/a?topic=b&topics=c,a");
        assertThat(client.status).isEqualTo(200);
        final List<String> expected = new ArrayList<>();
        for (final String topic : new String[]{ "a", "b", "c", "d" })
        {
            final long id = publish(server, topic, "on " + topic);
            if (!"d".equals(topic))
            {
                expected.add(Long.toString(id));
            }
        }
        assertThat(client.awaitEvents(3, 5000)).isTrue();
        assertThat(client.events().stream().map(event -> event.lastEventId).collect(Collectors.toList()))
            .as("a (once, though named twice), b and c, in id order").isEqualTo(expected);
    }

    @Test
    void shouldDeliverTopicsCreatedAfterAPatternSubscribedMergedAndResumable() throws IOException
    {
        server = ServerFixture.start(dir, ctx -> { });
        final long before = publish(server, "fx.eur", "before the stream");
        ServerFixture.await(() -> server.engine().sequencer().publishedEventId() >= before, 5000, "the first event sequenced");
        final SseClient fx = connect("/sse?topic=fx.*&topic=rates.ecb");
        final SseClient all = connect("/sse?topic=*");

        final List<String> expected = new ArrayList<>();
        for (int i = 0; i < 60; i++)
        {
            final String topic = switch (i % 4)
            {
                case 0 -> "fx.eur";
                case 1 -> "fx.new" + i;      // a topic created after the stream started, each time
                case 2 -> "eq.aapl";         // not matched
                default -> "rates.ecb";
            };
            final long id = publish(server, topic, topic + "#" + i);
            if (!topic.startsWith("eq."))
            {
                expected.add(Long.toString(id));
            }
        }
        assertThat(fx.awaitEvents(expected.size(), 10_000)).isTrue();
        assertThat(ids(fx.events())).isEqualTo(expected);
        assertThat(fx.events()).allSatisfy(event -> assertThat(event.data).doesNotStartWith("eq."));
        assertThat(all.awaitEvents(60, 10_000)).as("* matches every topic, eq.aapl included").isTrue();

        // resume from the middle: exactly the rest, no gap, no duplicate
        final String middle = expected.get(20);
        final SseClient resumed = connect("/sse?topic=fx.*&topic=rates.ecb", "Last-Event-ID: " + middle);
        assertThat(resumed.awaitEvents(expected.size() - 21, 10_000)).isTrue();
        assertThat(ids(resumed.events())).isEqualTo(expected.subList(21, expected.size()));
    }

    private SseClient connect(final String path, final String... headers) throws IOException
    {
        final SseClient client = SseClient.connect(server.port(), path, headers);
        clients.add(client);
        return client;
    }

    private static List<String> ids(final List<EventStreamParser.Event> events)
    {
        return events.stream().map(event -> event.lastEventId).collect(Collectors.toList());
    }

    private static String symbol(final int i)
    {
        return Integer.toString(i * 7919, 36).toUpperCase();
    }
}
