package io.ssefanout.transport;

import io.ssefanout.engine.FanoutEngine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Compiles the server's hot paths before it takes its first client: a throwaway server with the same settings, on
 * an ephemeral loopback port and a scratch directory, gets watchlist, single-topic and snapshot streams and a burst of
 * single and batch publishes over real sockets for a bounded time, and is closed again. The JIT's code is per class,
 * not per instance, so the real server then starts with the request parser, sequencer, fan-out pass and socket
 * writes compiled, instead of compiling them on its one CPU while the first subscribers wait. Nothing of the
 * throwaway server (topics, ids, counters) reaches the real one. Control path, before the real server binds.
 */
public final class ServerWarmup
{
    private static final int TOPICS = 200;
    private static final int WATCHLIST_STREAMS = 30;
    private static final int WATCHLIST_LENGTH = 20;
    private static final int SINGLE_TOPIC_STREAMS = 10;
    private static final int PIPELINE_DEPTH = 16;
    private static final int BATCH_EVERY = 8;
    private static final int BATCH_EVENTS = 20;
    private static final int ROUNDS = 64;
    private static final long LOG_MEMORY = 16L * 1024 * 1024;
    private static final long COMPILE_SETTLE_MAX_NS = TimeUnit.SECONDS.toNanos(2);
    private static final long COMPILE_QUIET_NS = TimeUnit.MILLISECONDS.toNanos(100);

    private long publishes;
    private long streamBytes;

    private ServerWarmup()
    {
    }

    /**
     * What a warm-up did.
     *
     * @param publishes   publish requests answered.
     * @param streamBytes bytes the streams received.
     * @param streams     streams opened.
     * @param elapsedNs   time taken, traffic and the compiler's settling together.
     */
    public record Result(long publishes, long streamBytes, int streams, long elapsedNs)
    {
        @Override
        public String toString()
        {
            return "warmed up in " + TimeUnit.NANOSECONDS.toMillis(elapsedNs) + " ms: " + publishes +
                " publishes to " + TOPICS + " topics, " + streamBytes / 1024 + " KiB to " + streams + " streams";
        }
    }

    /**
     * Run traffic through a throwaway server built from the same {@code fanout.*} settings as the real one.
     *
     * @param durationNs how long to publish; the compiler's queue is then given up to 2 s more to drain.
     * @return what was done.
     */
    public static Result run(final long durationNs)
    {
        final long startNs = System.nanoTime();
        final ServerWarmup warmup = new ServerWarmup();
        Path scratch = null;
        try
        {
            scratch = Files.createTempDirectory("sse-fanout-warmup");
            final FanoutServer.Context ctx = new FanoutServer.Context()
                .port(0)
                .bindAddress("127.0.0.1")
                .authenticator(null)
                .accessLog(AccessLog.NONE)
                .shutdownTimeoutNs(TimeUnit.MILLISECONDS.toNanos(100))
                .engineContext(new FanoutEngine.Context().dir(scratch).logMemoryMax(LOG_MEMORY));
            try (FanoutServer server = FanoutServer.launch(ctx))
            {
                warmup.drive(server.port(), durationNs);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("warm-up failed", ex);
        }
        finally
        {
            delete(scratch);
        }
        // the throwaway server's log memory is direct buffers, freed when collected: give it and the warm-up's
        // garbage back before the real server starts, once, on the control path
        System.gc();
        awaitCompilerQuiet();
        return new Result(
            warmup.publishes, warmup.streamBytes, WATCHLIST_STREAMS + SINGLE_TOPIC_STREAMS, System.nanoTime() - startNs);
    }

    private void drive(final int port, final long durationNs) throws IOException
    {
        final InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
        final List<SocketChannel> streams = new ArrayList<>();
        try (Selector selector = Selector.open(); Socket publisher = new Socket())
        {
            for (int i = 0; i < WATCHLIST_STREAMS + SINGLE_TOPIC_STREAMS; i++)
            {
                final SocketChannel stream = SocketChannel.open(address);
                streams.add(stream);
                stream.write(ByteBuffer.wrap(subscribeRequest(i).getBytes(StandardCharsets.US_ASCII)));
                stream.configureBlocking(false);
                stream.register(selector, SelectionKey.OP_READ);
            }
            publisher.setTcpNoDelay(true);
            publisher.connect(address);
            final OutputStream out = publisher.getOutputStream();
            final InputStream in = publisher.getInputStream();
            final ByteBuffer sink = ByteBuffer.allocateDirect(256 * 1024);
            final byte[] answers = new byte[64 * 1024];
            // the requests are made once and sent in turn: the warm-up itself leaves no garbage for the real server
            final byte[][] rounds = new byte[ROUNDS][];
            for (int i = 0; i < ROUNDS; i++)
            {
                rounds[i] = publishRequests(i);
            }
            final long endNs = System.nanoTime() + durationNs;
            int round = 0;
            while (System.nanoTime() < endNs)
            {
                final byte[] requests = rounds[round++ % ROUNDS];
                out.write(requests);
                out.flush();
                awaitAnswers(in, answers, PIPELINE_DEPTH);
                publishes += PIPELINE_DEPTH;
                streamBytes += drainStreams(selector, sink);
            }
        }
        finally
        {
            for (final SocketChannel stream : streams)
            {
                stream.close();
            }
        }
    }

    private static String subscribeRequest(final int stream)
    {
        final StringBuilder request = new StringBuilder("GET ");
        if (stream < WATCHLIST_STREAMS)
        {
            request.append("/sse?topics=");
            for (int i = 0; i < WATCHLIST_LENGTH; i++)
            {
                request.append(i > 0 ? "," : "").append("warmup.").append((stream * 7 + i * 11) % TOPICS);
            }
            request.append(0 == stream % 2 ? "&snapshot=true" : "");
        }
        else
        {
            request.append("/sse/warmup.").append(stream % TOPICS);
        }
        return request.append(" HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n").toString();
    }

    private static byte[] publishRequests(final int round)
    {
        final StringBuilder requests = new StringBuilder();
        for (int i = 0; i < PIPELINE_DEPTH; i++)
        {
            final int n = round * PIPELINE_DEPTH + i;
            if (0 == i % BATCH_EVERY)
            {
                final StringBuilder body = new StringBuilder();
                for (int e = 0; e < BATCH_EVENTS; e++)
                {
                    body.append("{\"topic\":\"warmup.").append((n + e * 13) % TOPICS)
                        .append("\",\"data\":{\"bid\":").append(n).append(".25,\"ask\":").append(n).append(".5}}\n");
                }
                final byte[] bytes = body.toString().getBytes(StandardCharsets.UTF_8);
                requests.append("POST /publish HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/x-ndjson\r\n")
                    .append("Content-Length: ").append(bytes.length).append("\r\n\r\n").append(body);
            }
            else
            {
                final String data = "{\"sym\":\"warmup." + n % TOPICS + "\",\"px\":" + n + ".125,\"qty\":" + n % 1000 + "}";
                requests.append("POST /publish/warmup.").append(n % TOPICS)
                    .append(0 == i % 3 ? "?event=tick" : "").append(" HTTP/1.1\r\nHost: localhost\r\n")
                    .append("Content-Length: ").append(data.length()).append("\r\n\r\n").append(data);
            }
        }
        return requests.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Read until {@code count} responses have begun: "HTTP/1.1 " cannot occur in an answer's body (ids and reasons).
     */
    private static void awaitAnswers(final InputStream in, final byte[] buffer, final int count) throws IOException
    {
        final byte[] marker = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
        int seen = 0;
        int matched = 0;
        while (seen < count)
        {
            final int read = in.read(buffer);
            if (read < 0)
            {
                throw new IOException("warm-up server closed the publishing connection");
            }
            for (int i = 0; i < read; i++)
            {
                matched = buffer[i] == marker[matched] ? matched + 1 : (buffer[i] == marker[0] ? 1 : 0);
                if (matched == marker.length)
                {
                    seen++;
                    matched = 0;
                }
            }
        }
    }

    private static long drainStreams(final Selector selector, final ByteBuffer sink) throws IOException
    {
        long bytes = 0;
        selector.selectNow();
        for (final SelectionKey key : selector.selectedKeys())
        {
            final SocketChannel stream = (SocketChannel)key.channel();
            int read;
            do
            {
                sink.clear();
                read = stream.read(sink);
                bytes += Math.max(0, read);
            }
            while (read == sink.capacity());
        }
        selector.selectedKeys().clear();
        return bytes;
    }

    /**
     * Give the compiler threads the CPU until they have been idle a moment: what the traffic queued for compilation
     * is compiled now rather than while the first real subscribers wait (bounded; a JVM without the bean just goes).
     */
    private static void awaitCompilerQuiet()
    {
        final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        if (null == compiler || !compiler.isCompilationTimeMonitoringSupported())
        {
            return;
        }
        final long deadlineNs = System.nanoTime() + COMPILE_SETTLE_MAX_NS;
        long lastTotalMs = compiler.getTotalCompilationTime();
        long quietSinceNs = System.nanoTime();
        while (System.nanoTime() < deadlineNs && System.nanoTime() - quietSinceNs < COMPILE_QUIET_NS)
        {
            try
            {
                Thread.sleep(10);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
            final long totalMs = compiler.getTotalCompilationTime();
            if (totalMs != lastTotalMs)
            {
                lastTotalMs = totalMs;
                quietSinceNs = System.nanoTime();
            }
        }
    }

    private static void delete(final Path dir)
    {
        if (null == dir)
        {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir))
        {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
        catch (final IOException ignore)
        {
            // a scratch directory left in the temp folder is harmless
        }
    }
}
