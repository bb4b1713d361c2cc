package io.ssefanout.transport;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The write path of one encoded frame to N loopback sockets, as an I/O agent does it: one shared direct buffer,
 * a view per write that moves only position and limit, one {@code write} per socket; reported per socket write.
 * A drain thread reads every receiving socket so writes never block. {@code N = 1} with 128 bytes is the floor the
 * server's CPU per delivery is compared with: one small loopback write to a draining reader.
 * <pre>
 *   frame (128 B, direct) --view--&gt; write(socket 1) ... write(socket N)  ==loopback==&gt;  drain thread
 * </pre>
 */
@Fork(value = 1, jvmArgsAppend = {
    "-Dagrona.disable.bounds.checks=true", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED" })
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
@OperationsPerInvocation(100)
public class LoopbackWriteBenchmark
{
    private static final int WRITES_PER_INVOCATION = 100;

    @Param({ "1", "100" })
    int sockets;

    @Param({ "128" })
    int frameLength;

    private ServerSocketChannel server;
    private SocketChannel[] writers;
    private SocketChannel[] readers;
    private ByteBuffer frame;
    private ByteBuffer view;
    private Thread drain;
    private volatile boolean isRunning;
    private int next;

    @Setup(Level.Trial)
    public void setup() throws IOException
    {
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        writers = new SocketChannel[sockets];
        readers = new SocketChannel[sockets];
        for (int i = 0; i < sockets; i++)
        {
            writers[i] = SocketChannel.open(server.getLocalAddress());
            writers[i].socket().setTcpNoDelay(true);
            writers[i].configureBlocking(false);
            readers[i] = server.accept();
            readers[i].configureBlocking(false);
        }
        frame = ByteBuffer.allocateDirect(frameLength);
        view = frame.duplicate();
        isRunning = true;
        drain = new Thread(this::drain, "drain");
        drain.setDaemon(true);
        drain.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        isRunning = false;
        drain.join(5000);
        for (int i = 0; i < sockets; i++)
        {
            writers[i].close();
            readers[i].close();
        }
        server.close();
    }

    @Benchmark
    public int writeFrameToSockets() throws IOException
    {
        int written = 0;
        for (int i = 0; i < WRITES_PER_INVOCATION; i++)
        {
            final SocketChannel channel = writers[next];
            next = next + 1 == sockets ? 0 : next + 1;
            view.limit(frameLength).position(0);
            written += channel.write(view);
        }
        return written;
    }

    private void drain()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        try
        {
            while (isRunning)
            {
                for (final SocketChannel reader : readers)
                {
                    buffer.clear();
                    reader.read(buffer);
                }
            }
        }
        catch (final IOException ignore)
        {
            // closed at tear-down
        }
    }
}
