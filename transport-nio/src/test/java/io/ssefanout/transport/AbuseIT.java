package io.ssefanout.transport;

import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.SseClient;
import io.ssefanout.testsupport.HttpClient;
import io.ssefanout.engine.EngineCounterDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Stream;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.counter;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input, floods and faults over real loopback sockets, bounded in count and time, while a control subscriber
 * must keep receiving every event in order. Afterwards the server is healthy, its connections and file descriptors
 * are back to their baseline and the heap has not grown.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class AbuseIT
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepServingAControlSubscriberThroughAbuseAndRecoverAfterwards() throws Exception
    {
        try (FanoutServer server = ServerFixture.start(dir, ctx -> ctx
            .requestTimeoutNs(TimeUnit.MILLISECONDS.toNanos(500))
            .engineContext().payloadMaxLength(4096).historyBytes(512 * 1024)))
        {
            final int port = server.port();
            final SseClient control = SseClient.connect(port, "/sse/control");
            await(() -> counter(server, TransportCounterDescriptor.SUBSCRIBERS_OPEN) == 1, 5000, "control subscribed");
            final long connectionsBaseline = counter(server, TransportCounterDescriptor.CONNECTIONS_OPEN);
            final long fdBaseline = openFileDescriptors();
            final long heapBaseline = heapUsedAfterGc();

            final List<Long> published = new CopyOnWriteArrayList<>();
            final AtomicBoolean isPublishing = new AtomicBoolean(true);
            final Thread publisher = new Thread(() ->
            {
                int i = 0;
                while (isPublishing.get() && i < 20_000)
                {
                    published.add(publish(server, "control", "tick " + i++));
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
                }
            }, "control-publisher");
            publisher.start();

            for (final String line : new String[]{ "GARBAGE\r\n\r\n", "GET\r\n\r\n", "GET / HTTP/9.9\r\n\r\n",
                "GET /sse/x HTTP/1.1\r\nHost: x\r\n bad fold\r\n\r\n", "\u0000\u0001\u0002\r\n\r\n", "GET /a b c HTTP/1.1\r\nHost: x\r\n\r\n" })
            {
                assertThat(HttpClient.status(HttpClient.exchange(port, line))).isIn(400, 505);
            }
            assertThat(HttpClient.status(HttpClient.exchange(port,
                "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(70_000) + "\r\n\r\n"))).isEqualTo(431);
            assertThat(HttpClient.status(HttpClient.exchange(port,
                HttpClient.publishRequest("control", "z".repeat(5000), true)))).isEqualTo(413);
            assertThat(HttpClient.status(HttpClient.exchange(port, "GET /sse/bad%zz HTTP/1.1\r\nHost: x\r\n\r\n"))).isEqualTo(400);
            assertThat(HttpClient.status(HttpClient.exchange(port, "BREW /sse/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))).isEqualTo(405);
            assertThat(HttpClient.status(HttpClient.exchange(port,
                "GET /nothing/here HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))).isEqualTo(404);

            slowLoris(port, 50);
            churn(port, 2000);
            final String pipelined = HttpClient.exchange(port,
                HttpClient.publishRequest("other", "p", false).repeat(30) + "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(pipelined.split("HTTP/1.1 200").length - 1).isEqualTo(31);
            assertThat(halfClosedHealthCheck(port)).startsWith("HTTP/1.1 200");
            try (Socket neverReads = new Socket())
            {
                neverReads.setReceiveBufferSize(4096);
                neverReads.connect(new InetSocketAddress("127.0.0.1", port));
                neverReads.getOutputStream().write(
                    "GET /sse/control HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                publish(server, "control", "x".repeat(4000));
            }

            isPublishing.set(false);
            publisher.join(10_000);
            final int expected = published.size();
            assertThat(control.awaitEvents(expected, 20_000)).as("control got %d of %d", control.events().size(), expected)
                .isTrue();
            final List<Long> received = new ArrayList<>();
            for (final EventStreamParser.Event event : control.events())
            {
                received.add(Long.parseLong(event.lastEventId));
            }
            final List<Long> controlIds = new ArrayList<>(published);
            assertThat(received.subList(0, received.size())).containsSubsequence(controlIds);
            assertThat(received).doesNotHaveDuplicates().isSorted();

            assertThat(HttpClient.status(HttpClient.exchange(port, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")))
                .isEqualTo(200);
            await(() -> counter(server, TransportCounterDescriptor.CONNECTIONS_OPEN) == connectionsBaseline, 10_000,
                "connections back to baseline");
            await(() -> openFileDescriptors() <= fdBaseline + 2, 10_000, "file descriptors back to baseline");
            assertThat(heapUsedAfterGc()).isLessThan(heapBaseline + 32L * 1024 * 1024);
            assertThat(counter(server, TransportCounterDescriptor.REJECTS_TIMEOUT)).isGreaterThanOrEqualTo(50);
            assertThat(counter(server, EngineCounterDescriptor.ERRORS)).isZero();
            control.close();
        }
    }

    /**
     * Sockets that trickle a request one byte at a time must be cut off with 408 once the request timeout passes.
     */
    private static void slowLoris(final int port, final int count) throws IOException
    {
        final List<Socket> sockets = new ArrayList<>();
        try
        {
            for (int i = 0; i < count; i++)
            {
                final Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.setSoTimeout(50);
                sockets.add(socket);
            }
            final byte[] request = "GET /health HTTP/1.1\r\nHost: x\r\nX-Slow: ".getBytes(StandardCharsets.US_ASCII);
            final int[] status = new int[count];
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            int index = 0;
            while (System.nanoTime() < deadlineNs && java.util.Arrays.stream(status).anyMatch(s -> 0 == s))
            {
                for (int i = 0; i < count; i++)
                {
                    if (0 != status[i])
                    {
                        continue;
                    }
                    final Socket socket = sockets.get(i);
                    try
                    {
                        socket.getOutputStream().write(request[Math.min(index, request.length - 1)]);
                        final byte[] head = new byte[12];
                        final int n = socket.getInputStream().read(head);
                        if (n >= 12)
                        {
                            status[i] = Integer.parseInt(new String(head, 9, 3, StandardCharsets.US_ASCII));
                        }
                        else if (n < 0)
                        {
                            status[i] = -1;
                        }
                    }
                    catch (final SocketTimeoutException ignore)
                    {
                        // still trickling
                    }
                    catch (final IOException ex)
                    {
                        status[i] = -1;
                    }
                }
                index++;
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
            }
            assertThat(status).containsOnly(408);
        }
        finally
        {
            for (final Socket socket : sockets)
            {
                socket.close();
            }
        }
    }

    private static void churn(final int port, final int cycles) throws IOException
    {
        for (int i = 0; i < cycles; i++)
        {
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                final OutputStream out = socket.getOutputStream();
                if (i % 3 == 1)
                {
                    out.write("GET /sse/churn HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                }
                else if (i % 3 == 2)
                {
                    out.write("POST /publish/churn HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\npartial".getBytes(StandardCharsets.US_ASCII));
                }
            }
        }
    }

    private static String halfClosedHealthCheck(final int port) throws IOException
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            socket.shutdownOutput();
            final InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    private static long openFileDescriptors()
    {
        try (Stream<Path> fds = Files.list(Paths.get("/proc/self/fd")))
        {
            return fds.count();
        }
        catch (final IOException ex)
        {
            throw new java.io.UncheckedIOException(ex);
        }
    }

    private static long heapUsedAfterGc()
    {
        System.gc();
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
