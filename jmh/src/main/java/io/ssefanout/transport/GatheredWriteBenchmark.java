package io.ssefanout.transport;

import org.agrona.BufferUtil;
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
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * The cost of gathering: {@code frames} encoded frames written to one loopback socket in one call, either lying
 * contiguous in one log segment (one {@code send}) or each in its own segment (one {@code sendmsg} over an iovec of
 * slices, as a snapshot or a conflated write takes them from many topics' logs), against one {@code send} per frame
 * (what writing non-contiguous frames costs without gathering); and the same through NIO ({@code write(ByteBuffer)} vs
 * the gathering {@code write(ByteBuffer[])}). Reported per call of the benchmark method (all the frames). A drain
 * thread reads the receiving socket on the other CPU so writes rarely block.
 */
@Fork(value = 1, jvmArgsAppend = {
    "-Dagrona.disable.bounds.checks=true", "--add-exports", "java.base/jdk.internal.misc=ALL-UNNAMED",
    "--add-exports", "java.base/sun.nio.ch=ALL-UNNAMED" })
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@State(Scope.Benchmark)
public class GatheredWriteBenchmark
{
    private static final int SEGMENT_LENGTH = 16 * 1024;

    @Param({ "1", "8", "32" })
    int frames;

    @Param({ "128" })
    int frameLength;

    private ServerSocketChannel server;
    private SocketChannel writer;
    private SocketChannel reader;
    private int fd;
    private ByteBuffer contiguous;
    private ByteBuffer contiguousView;
    private ByteBuffer[] segments;
    private ByteBuffer[] sliceViews;
    private long[] sliceAddresses;
    private UnsafeBuffer iovecs;
    private Thread drain;
    private volatile boolean isRunning;

    @Setup(Level.Trial)
    public void setup() throws IOException
    {
        if (!NativeSend.isAvailable())
        {
            throw new IllegalStateException("send(2) library not available: " + NativeSend.unavailableReason());
        }
        server = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        writer = SocketChannel.open(server.getLocalAddress());
        writer.socket().setTcpNoDelay(true);
        writer.configureBlocking(false);
        reader = server.accept();
        fd = NativeSend.fd(writer);

        contiguous = ByteBuffer.allocateDirect(frames * frameLength);
        contiguousView = contiguous.duplicate();
        segments = new ByteBuffer[frames];
        sliceViews = new ByteBuffer[frames];
        sliceAddresses = new long[frames];
        iovecs = new UnsafeBuffer(BufferUtil.allocateDirectAligned(frames * 16, 64).order(ByteOrder.nativeOrder()));
        for (int i = 0; i < frames; i++)
        {
            // each frame at a different place in its own segment, as frames of different topics' logs are
            segments[i] = ByteBuffer.allocateDirect(SEGMENT_LENGTH);
            final int offset = (i * 1024) % (SEGMENT_LENGTH - frameLength);
            sliceViews[i] = segments[i].duplicate();
            sliceViews[i].limit(offset + frameLength).position(offset);
            sliceAddresses[i] = BufferUtil.address(segments[i]) + offset;
        }
        isRunning = true;
        drain = new Thread(this::drain, "drain");
        drain.setDaemon(true);
        drain.start();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception
    {
        isRunning = false;
        writer.close();
        drain.join(5000);
        reader.close();
        server.close();
    }

    @Benchmark
    public int contiguousSend() throws IOException
    {
        return NativeSend.send(fd, BufferUtil.address(contiguous), frames * frameLength);
    }

    @Benchmark
    public int gatheredSendmsg() throws IOException
    {
        for (int i = 0; i < frames; i++)
        {
            iovecs.putLong(i * 16, sliceAddresses[i]);
            iovecs.putLong(i * 16 + 8, frameLength);
        }
        return NativeSend.sendGathered(fd, iovecs.addressOffset(), frames);
    }

    @Benchmark
    public int sendPerFrame() throws IOException
    {
        int sent = 0;
        for (int i = 0; i < frames; i++)
        {
            sent += NativeSend.send(fd, sliceAddresses[i], frameLength);
        }
        return sent;
    }

    @Benchmark
    public int contiguousNio() throws IOException
    {
        contiguousView.limit(frames * frameLength).position(0);
        return writer.write(contiguousView);
    }

    @Benchmark
    public long gatheredNio() throws IOException
    {
        for (int i = 0; i < frames; i++)
        {
            final int offset = (i * 1024) % (SEGMENT_LENGTH - frameLength);
            sliceViews[i].limit(offset + frameLength).position(offset);
        }
        return writer.write(sliceViews, 0, frames);
    }

    private void drain()
    {
        final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        try
        {
            while (isRunning)
            {
                buffer.clear();
                if (reader.read(buffer) < 0)
                {
                    return;
                }
            }
        }
        catch (final IOException ignore)
        {
            // closed at tear-down
        }
    }
}
