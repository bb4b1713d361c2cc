package io.ssefanout.transport;

import io.ssefanout.testsupport.EventStreamParser;
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
 * {@code snapshot=true}: each subscribed topic's current value (its newest event, as encoded in the log) in id order,
 * then live with no gap and no duplicate; a resume point still in the history wins; a gone one gets reset and then
 * the snapshot instead of the whole history.
 */
class SnapshotTest
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
    void shouldStartWithEachTopicsNewestEventInIdOrderThenLive() throws IOException
    {
        server = ServerFixture.start(dir, ctx -> { });
        final long[] newest = new long[3];
        for (int round = 0; round < 5; round++)
        {
            for (final int symbol : new int[]{ 2, 0, 1 })
            {
                newest[symbol] = publish(server, "sym." + symbol, "round " + round, "quote");
            }
        }
        awaitSequenced(newest[1]);
        final SseClient client = connect("/sse?topics=sym.0,sym.1,sym.2,sym.never&snapshot=true");
        assertThat(client.awaitEvents(3, 5000)).isTrue();
        assertThat(ids(client.events())).as("the newest of each topic, in id order; a topic never published adds none")
            .containsExactly(Long.toString(newest[2]), Long.toString(newest[0]), Long.toString(newest[1]));
        assertThat(client.events()).allSatisfy(event ->
        {
            assertThat(event.data).isEqualTo("round 4");
            assertThat(event.type).isEqualTo("quote");
        });

        final long live = publish(server, "sym.1", "live");
        assertThat(client.awaitEvents(4, 5000)).isTrue();
        assertThat(client.events().get(3).lastEventId).isEqualTo(Long.toString(live));
        assertThat(client.events()).hasSize(4);

        final SseClient plain = connect("/sse?topics=sym.0,sym.1");
        final long next = publish(server, "sym.0", "after");
        assertThat(plain.awaitEvents(1, 5000)).isTrue();
        assertThat(ids(plain.events())).as("without snapshot: live only").containsExactly(Long.toString(next));
    }

    @Test
    void shouldSnapshotEveryTopicAPatternMatches() throws IOException
    {
        server = ServerFixture.start(dir, ctx -> { });
        publish(server, "fx.eur", "1.07");
        final long eur = publish(server, "fx.eur", "1.08");
        final long gbp = publish(server, "fx.gbp", "1.27");
        publish(server, "eq.aapl", "190");
        awaitSequenced(gbp);
        final SseClient client = connect("/sse?topic=fx.*&snapshot=1");
        assertThat(client.awaitEvents(2, 5000)).isTrue();
        assertThat(ids(client.events())).containsExactly(Long.toString(eur), Long.toString(gbp));
        final long jpy = publish(server, "fx.jpy", "151");
        assertThat(client.awaitEvents(3, 5000)).isTrue();
        assertThat(client.events().get(2).lastEventId).as("a topic created later, live").isEqualTo(Long.toString(jpy));
    }

    @Test
    void shouldReplayAResumePointInHistoryAndSnapshotAfterAResetForOneGone() throws IOException
    {
        server = ServerFixture.start(dir, ctx -> ctx.engineContext().historyEvents(8));
        final long first = publish(server, "t", "0");
        long last = first;
        for (int i = 1; i < 4; i++)
        {
            last = publish(server, "t", Integer.toString(i));
        }
        awaitSequenced(last);
        final SseClient resumed = connect("/sse?topics=t&snapshot=true", "Last-Event-ID: " + first);
        assertThat(resumed.awaitEvents(3, 5000)).isTrue();
        assertThat(resumed.events().stream().map(event -> event.data).collect(Collectors.toList()))
            .as("resume wins: the events after the resume point, not a snapshot").containsExactly("1", "2", "3");

        for (int i = 4; i < 30; i++)
        {
            last = publish(server, "t", Integer.toString(i));
        }
        awaitSequenced(last);
        final SseClient stale = connect("/sse?topics=t&snapshot=true", "Last-Event-ID: " + first);
        assertThat(stale.awaitEvents(2, 5000)).isTrue();
        assertThat(stale.events().get(0).type).isEqualTo("reset");
        assertThat(stale.events().get(1).data).as("then the current value, not the 8 retained events").isEqualTo("29");
        final long live = publish(server, "t", "live");
        assertThat(stale.awaitEvents(3, 5000)).isTrue();
        assertThat(stale.events().get(2).lastEventId).isEqualTo(Long.toString(live));
        assertThat(stale.events()).hasSize(3);
    }

    private void awaitSequenced(final long id)
    {
        ServerFixture.await(() -> server.engine().sequencer().publishedEventId() >= id, 5000, "event " + id);
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
}
