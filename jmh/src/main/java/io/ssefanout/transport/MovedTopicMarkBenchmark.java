package io.ssefanout.transport;

import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.engine.Topic;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * What finding the moved topics costs a fan-out pass, with {@code activeTopics} topics that have subscribers on the
 * agent and {@code movedTopics} of them moving between two passes: read from the sequencer's journal
 * ({@code journal}) against looking at every active topic ({@code scan}, the pass before the journal). Each call
 * publishes {@code movedTopics} events, waits until they are sequenced, then marks; the publishing is the same in
 * both modes, so the difference between them is the scan.
 */
@Fork(value = 1, jvmArgsAppend = { "-Dagrona.disable.bounds.checks=true",
    "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class MovedTopicMarkBenchmark
{
    private static final int CONNECTIONS = 100;

    @Param({ "100", "10000", "100000" })
    int activeTopics;

    @Param({ "10" })
    int movedTopics;

    @Param({ "journal", "scan" })
    String mode;

    private Path dir;
    private FanoutEngine engine;
    private Topic[] topics;
    private TopicSubscriberIndex index;
    private MovedTopicMarker marker;
    private final UnsafeBuffer payload = new UnsafeBuffer("{\"px\":190.12}".getBytes(StandardCharsets.US_ASCII));
    private int next;

    @Setup(Level.Trial)
    public void setup() throws IOException
    {
        dir = Files.createTempDirectory("moved-topic-bench");
        engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir).threadingMode("dedicated")
            .topicsMax(activeTopics + 16).logMemoryMax(256L * 1024 * 1024));
        topics = new Topic[activeTopics];
        for (int i = 0; i < activeTopics; i++)
        {
            topics[i] = engine.topic("sym." + i);
            publishAndAwait(topics[i]);
        }
        index = new TopicSubscriberIndex();
        final int perConnection = Math.max(1, activeTopics / CONNECTIONS);
        for (int c = 0; c * perConnection < activeTopics; c++)
        {
            final int from = c * perConnection;
            final Topic[] watched = java.util.Arrays.copyOfRange(topics, from, Math.min(activeTopics, from + perConnection));
            final Connection connection = new Connection(null, null, false, c, 0);
            connection.subscription = engine.subscribe(watched, -1);
            index.add(connection);
        }
        marker = new MovedTopicMarker(engine.sequencer().movedTopics(), index);
        marker.markMovedByScan();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException
    {
        engine.close();
        try (var paths = Files.walk(dir))
        {
            paths.sorted(java.util.Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }

    @Benchmark
    public int markAfterMoves()
    {
        long last = -1;
        for (int i = 0; i < movedTopics; i++)
        {
            next = (next + 7919) % activeTopics;
            last = publish(topics[next]);
        }
        awaitSequenced(last);
        return "journal".equals(mode) ? marker.markMoved() : marker.markMovedByScan();
    }

    private void publishAndAwait(final Topic topic)
    {
        awaitSequenced(publish(topic));
    }

    private long publish(final Topic topic)
    {
        long id;
        while ((id = engine.tryPublish(topic, null, 0, 0, payload, 0, payload.capacity())) < 0)
        {
            Thread.onSpinWait();
        }
        return id;
    }

    private void awaitSequenced(final long id)
    {
        while (engine.sequencer().publishedEventId() < id)
        {
            Thread.onSpinWait();
        }
    }
}
