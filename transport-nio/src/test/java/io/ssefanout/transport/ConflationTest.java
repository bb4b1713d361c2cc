package io.ssefanout.transport;

import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.SseClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static io.ssefanout.transport.ServerFixture.counter;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code conflate=true}: a subscriber that stops reading while 100 topics move is not cut; when it reads again it gets
 * each topic's newest value exactly once (intermediate ones dropped, never the latest), in id order, then live. A
 * healthy subscriber on the same topics gets everything.
 */
class ConflationTest
{
    private static final int TOPICS = 100;

    @TempDir
    Path dir;

    private FanoutServer server;
    private SseClient slow;
    private SseClient healthy;

    @AfterEach
    void tearDown() throws IOException
    {
        for (final SseClient client : new SseClient[]{ slow, healthy })
        {
            if (null != client)
            {
                client.close();
            }
        }
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldGiveAStalledReaderEachTopicsNewestValueOnceThenLive() throws IOException
    {
        server = ServerFixture.start(dir, ctx -> ctx.streams().sendBuffer(16 * 1024));
        // 30 rounds of 100 x 300 bytes: about 900 KB, far more than the 32 KB the slow stream's socket holds
        final int lastRound = 29;
        final int published = stallAndPublish(lastRound + 1);

        final Map<Integer, Integer> latestRound = new HashMap<>();
        assertThat(slow.readUntil(() -> countWithRound(slow, lastRound) == TOPICS, 10_000))
            .as("every topic's newest value arrives; %s", stuckStream(slow, lastRound)).isTrue();
        long previousId = -1;
        int finalValues = 0;
        for (final EventStreamParser.Event event : slow.events())
        {
            final long id = Long.parseLong(event.lastEventId);
            assertThat(id).as("id order").isGreaterThan(previousId);
            previousId = id;
            final String[] parts = event.data.split(":");
            final int topic = Integer.parseInt(parts[0]);
            final int valueRound = Integer.parseInt(parts[1]);
            assertThat(valueRound).as("topic %d never goes back or repeats", topic)
                .isGreaterThan(latestRound.getOrDefault(topic, -1));
            latestRound.put(topic, valueRound);
            finalValues += valueRound == lastRound ? 1 : 0;
        }
        assertThat(finalValues).as("each topic's newest value exactly once").isEqualTo(TOPICS);
        assertThat(counter(server, TransportCounterDescriptor.CONFLATED_FRAMES)).as("the stalled reader was conflated")
            .isPositive();
        assertThat(slow.events().size()).as("intermediate values were dropped").isLessThan(published);

        final long live = publish(server, "t7", value(7, lastRound + 1));
        assertThat(slow.readUntil(() -> slow.events().get(slow.events().size() - 1).lastEventId.equals(Long.toString(live)),
            5000)).as("then live").isTrue();
        assertThat(counter(server, TransportCounterDescriptor.LAPPED_DISCONNECTS)).isZero();
        assertThat(counter(server, TransportCounterDescriptor.RESETS_SENT)).as("no reset: ids still increase").isZero();
    }

    @Test
    void shouldBoundWhatAStalledConflatingReaderHasQueuedByTheUnsentLimitNotTheSendBuffer() throws IOException
    {
        assumeTrue(FanoutServer.Context.isNativeSendAvailable(), "the unsent limit needs the bundled native library");
        final long bounded = eventsReadToReachTheNewest(8 * 1024);
        final long sendBufferOnly = eventsReadToReachTheNewest(0);
        // 100 newest values, plus what sat in the kernel: 8 KB unsent, the client's small window, and the one write
        // that crossed the limit (up to one 64 KB loopback segment); on the send buffer alone it is up to 256 KB
        assertThat(bounded).as("events read before the newest values, unsent limit 8 KB").isLessThan(TOPICS + 250);
        assertThat(sendBufferOnly).as("the same on the 256 KB send buffer alone").isGreaterThan(bounded + 250);
    }

    /**
     * A conflating stream on the default 256 KB send buffer stops reading while 100 topics move 30 times, then reads:
     * how many events until it holds every topic's newest value (the stale ones sat in the kernel for it).
     */
    private long eventsReadToReachTheNewest(final int unsentMax) throws IOException
    {
        server = ServerFixture.start(dir.resolve("u" + unsentMax), ctx -> ctx.streams().conflateUnsentMax(unsentMax));
        stallAndPublish(30);
        ServerFixture.await(() -> counter(server, TransportCounterDescriptor.CONFLATED_FRAMES) > 0, 5000, "conflation");
        assertThat(slow.readUntil(() -> countWithRound(slow, 29) == TOPICS, 10_000))
            .as("newest values of every topic; %s", stuckStream(slow, 29)).isTrue();
        final long written = slow.events().size();
        slow.close();
        healthy.close();
        slow = null;
        healthy = null;
        server.close();
        server = null;
        return written;
    }

    /**
     * Connect a conflating reader with a 4 KB window that does not read, and a healthy one, to all 100 topics, then
     * publish {@code rounds} rounds, each taken by the healthy one before the next.
     *
     * @return events published.
     */
    private int stallAndPublish(final int rounds) throws IOException
    {
        final StringBuilder path = new StringBuilder("/sse?topics=");
        for (int t = 0; t < TOPICS; t++)
        {
            path.append(t > 0 ? "," : "").append('t').append(t);
        }
        slow = SseClient.connect(server.port(), path + "&conflate=true", 4096);
        healthy = SseClient.connect(server.port(), path.toString());
        int published = 0;
        for (int round = 0; round < rounds; round++)
        {
            for (int t = 0; t < TOPICS; t++)
            {
                publish(server, "t" + t, value(t, round));
                published++;
            }
            assertThat(healthy.awaitEvents(published, 5000)).isTrue();
        }
        return published;
    }

    /**
     * What a reader that never got every newest value did get, and what the server says it did: for a failure that
     * shows up only under load.
     */
    private String stuckStream(final SseClient client, final int round)
    {
        final java.util.TreeMap<Integer, Integer> latest = new java.util.TreeMap<>();
        for (final EventStreamParser.Event event : client.events())
        {
            final String[] parts = event.data.split(":");
            latest.merge(Integer.parseInt(parts[0]), Integer.parseInt(parts[1]), Math::max);
        }
        latest.values().removeIf(latestRound -> latestRound == round);
        return "stream " + client.eofReason + ", " + client.events().size() + " events read, topics short of round " +
            round + " (topic=latest round): " + latest + ", server conflated " +
            counter(server, TransportCounterDescriptor.CONFLATED_FRAMES) + " frames, short writes " +
            counter(server, TransportCounterDescriptor.SHORT_WRITES) + ", socket writes " +
            counter(server, TransportCounterDescriptor.SOCKET_WRITES) + ", deliveries " +
            counter(server, TransportCounterDescriptor.DELIVERIES);
    }

    private static long countWithRound(final SseClient client, final int round)
    {
        return client.events().stream().filter(event -> Integer.parseInt(event.data.split(":")[1]) == round).count();
    }

    /** topic:round:padding, about 300 bytes, so that a few rounds fill the socket buffers. */
    private static String value(final int topic, final int round)
    {
        return topic + ":" + round + ":" + "p".repeat(280);
    }
}
