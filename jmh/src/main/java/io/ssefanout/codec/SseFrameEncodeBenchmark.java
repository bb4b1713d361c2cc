package io.ssefanout.codec;

import org.agrona.BufferUtil;
import java.nio.ByteBuffer;
import org.agrona.concurrent.UnsafeBuffer;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * Cost of encoding one SSE event (id, data lines, chunk framing) into off-heap memory, as the sequencer does once
 * per event, against a naive String-building baseline. Sizes 64 B to 16 KiB, payloads with and without line breaks.
 */
@Fork(value = 2, jvmArgsAppend = {
    "-Dagrona.disable.bounds.checks=true", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class SseFrameEncodeBenchmark
{
    @Param({ "64", "1024", "16384" })
    int size;

    @Param({ "false", "true" })
    boolean lineBreaks;

    private final UnsafeBuffer frame = new UnsafeBuffer(ByteBuffer.allocateDirect(8 * 16384 + 256));
    private UnsafeBuffer payload;
    private String payloadText;
    private long eventId = 1_795_765_113_481_090L;

    @Setup
    public void setup()
    {
        final byte[] bytes = new byte[size];
        Arrays.fill(bytes, (byte)'x');
        if (lineBreaks)
        {
            for (int i = 40; i < size; i += 41)
            {
                bytes[i] = '\n';
            }
        }
        payload = new UnsafeBuffer(ByteBuffer.allocateDirect(size));
        payload.putBytes(0, bytes);
        payloadText = new String(bytes, StandardCharsets.UTF_8);
    }

    @Benchmark
    public int encodeIntoFrameLog()
    {
        return SseFrameEncoder.encodeEvent(frame, 0, true, eventId++, null, 0, 0, payload, 0, size);
    }

    @Benchmark
    public byte[] baselineStringConcat()
    {
        final StringBuilder builder = new StringBuilder(size + 64).append("id: ").append(eventId++).append('\n');
        for (final String line : payloadText.split("\r\n|\r|\n", -1))
        {
            builder.append("data: ").append(line).append('\n');
        }
        final byte[] body = builder.append('\n').toString().getBytes(StandardCharsets.UTF_8);
        final byte[] chunk = (Integer.toHexString(body.length) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        final byte[] out = Arrays.copyOf(chunk, chunk.length + body.length + 2);
        System.arraycopy(body, 0, out, chunk.length, body.length);
        out[out.length - 2] = '\r';
        out[out.length - 1] = '\n';
        return out;
    }
}
