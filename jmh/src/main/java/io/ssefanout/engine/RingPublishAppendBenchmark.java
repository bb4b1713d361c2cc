package io.ssefanout.engine;

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

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.util.concurrent.TimeUnit;

/**
 * Ingest throughput: a publisher thread claims a ring slot, copies the payload in and publishes; the sequencer
 * thread assigns the id and encodes the frame into the topic's log. Measured as time per event at the publisher
 * with the ring kept from filling (the benchmark waits for the sequencer when the ring is full, so the figure is
 * the pipeline's sustained rate, not the publisher's alone).
 * <pre>
 *   JMH thread --tryPublish--&gt; [ring] --&gt; sequencer thread --encode once--&gt; topic frame log
 * </pre>
 */
@Fork(value = 2, jvmArgsAppend = {
    "-Dagrona.disable.bounds.checks=true", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class RingPublishAppendBenchmark
{
    @Param({ "128", "1024" })
    int size;

    @Param({ "yielding", "blocking" })
    String waitStrategy;

    private FanoutEngine engine;
    private Topic topic;
    private UnsafeBuffer payload;

    @Setup(Level.Trial)
    public void setup() throws Exception
    {
        engine = FanoutEngine.launch(new FanoutEngine.Context()
            .dir(Files.createTempDirectory("fanout-jmh"))
            .waitStrategy(waitStrategy)
            .ringSize(4096));
        topic = engine.topic("bench");
        payload = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        for (int i = 0; i < size; i++)
        {
            payload.putByte(i, (byte)'x');
        }
    }

    @TearDown(Level.Trial)
    public void tearDown()
    {
        engine.close();
    }

    @Benchmark
    public long publishAndAppend()
    {
        long id;
        while ((id = engine.tryPublish(topic, null, 0, 0, payload, 0, size)) == FanoutEngine.RING_FULL)
        {
            Thread.onSpinWait();
        }
        return id;
    }
}
