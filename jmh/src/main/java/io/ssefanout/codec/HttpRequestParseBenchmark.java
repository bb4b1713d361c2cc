package io.ssefanout.codec;

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

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * Cost of parsing one request head as the I/O agent does: a subscribe (browser-like headers) and a publish (curl-like).
 */
@Fork(value = 2, jvmArgsAppend = {
    "-Dagrona.disable.bounds.checks=true", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Thread)
public class HttpRequestParseBenchmark
{
    @Param({ "subscribe", "publish" })
    String request;

    private final HttpRequestParser parser = new HttpRequestParser(8192, 16384, 64);
    private UnsafeBuffer buffer;
    private int length;

    @Setup
    public void setup()
    {
        final String text = "subscribe".equals(request) ?
            "GET /sse/ticks HTTP/1.1\r\nHost: localhost:8080\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n" +
            "Last-Event-ID: 1795765113481090\r\nOrigin: http://localhost:8080\r\nUser-Agent: Mozilla/5.0 (X11; Linux " +
            "x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/156.0 Safari/537.36\r\nAccept-Encoding: gzip, " +
            "deflate, br\r\nAccept-Language: en-US,en;q=0.9\r\nConnection: keep-alive\r\n\r\n" :
            "POST /publish/ticks?event=quote HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUser-Agent: curl/8.5.0\r\n" +
            "Accept: */*\r\nContent-Length: 128\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\n";
        final byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        buffer = new UnsafeBuffer(ByteBuffer.allocateDirect(bytes.length));
        buffer.putBytes(0, bytes);
        length = bytes.length;
    }

    @Benchmark
    public int parse()
    {
        return parser.parse(buffer, 0, length);
    }
}
