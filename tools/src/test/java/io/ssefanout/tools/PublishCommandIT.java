package io.ssefanout.tools;

import io.ssefanout.transport.TransportCounterDescriptor;
import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.transport.FanoutServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fanout publish} as a real process against a real server: stdin lines go out in batches and every id is
 * printed; a server that is not up yet or answers 503 is retried until it takes the events, each exactly once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PublishCommandIT
{
    private static final Pattern ID_FIELD = Pattern.compile("id: (\\d+)\r?\n(?:event: \\S+\r?\n)?data: ([^\r\n]*)");

    @TempDir
    Path dir;

    private FanoutServer server;
    private Process process;

    @AfterEach
    void tearDown()
    {
        if (null != process)
        {
            process.destroyForcibly();
        }
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldPublishStdinLinesInBatchesAndPrintEveryId() throws Exception
    {
        server = start(0, 1024);
        try (Socket subscriber = subscribe(server.port(), "news"))
        {
            process = publish(server.port(), "news", "--event", "headline");
            final List<String> sent = new ArrayList<>();
            try (OutputStream stdin = process.getOutputStream())
            {
                for (int i = 0; i < 2000; i++)
                {
                    sent.add("line " + i + " \"quoted\" \\ \t");
                }
                stdin.write((String.join("\n", sent) + "\n").getBytes(StandardCharsets.UTF_8));
            }
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            final List<String> ids = output.lines().toList();
            assertThat(ids).hasSize(2000);

            final List<String[]> received = readEvents(subscriber, 2000);
            for (int i = 0; i < 2000; i++)
            {
                assertThat(received.get(i)[0]).isEqualTo(ids.get(i));
                assertThat(received.get(i)[1]).isEqualTo(sent.get(i));
            }
            final long requests = server.engine().counters().get(TransportCounterDescriptor.PUBLISH_REQUESTS).get();
            assertThat(requests).as("batches, not one request per line").isBetween(4L, 1000L);
        }
    }

    @Test
    void shouldRetryARefusedConnectionUntilTheServerIsUp() throws Exception
    {
        final int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            port = probe.getLocalPort();
        }
        process = publish(port, "late", "hello");
        // the publisher says at once that nothing answers, and is retrying when the server starts
        final java.io.BufferedReader stderr = new java.io.BufferedReader(
            new java.io.InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8));
        final String notice = stderr.readLine();
        assertThat(notice).as("said at once, not 30 s of silence")
            .startsWith("no server at 127.0.0.1:" + port + " (connection refused); retrying for ");
        server = start(port, 1024);
        // the retrying publisher may get in before the subscriber: its value comes as the snapshot then
        try (Socket subscriber = subscribe(port, "late?snapshot=true"))
        {
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            final StringBuilder notices = new StringBuilder();
            String line;
            while (null != (line = stderr.readLine()))
            {
                notices.append(line).append('\n');
            }
            assertThat(process.exitValue()).as(notices.toString()).isZero();
            assertThat(output).matches("\\d+");
            final List<String[]> received = readEvents(subscriber, 1);
            assertThat(received.get(0)).containsExactly(output, "hello");
        }
    }

    @Test
    void shouldRetryA503AndPublishEachEventExactlyOnce() throws Exception
    {
        server = start(0, 4);
        try (Socket subscriber = subscribe(server.port(), "busy"))
        {
            final FanoutEngine engine = server.engine();
            final CountDownLatch entered = new CountDownLatch(1);
            final CountDownLatch release = new CountDownLatch(1);
            final Runnable stall = () ->
            {
                entered.countDown();
                try
                {
                    release.await();
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            };
            // the sequencer stalls on its next batch: the ring of four fills and publishes get 503
            engine.sequencer().addWakeListener(stall);
            assertThat(engine.publish("busy", "first", null)).isTrue();
            // how many fit depends on the slots the server's own maintenance requests hold meanwhile
            int accepted = 1;
            while (engine.publish("busy", "filler", null))
            {
                accepted++;
            }
            // the sequencer may not have reached the end of its batch yet: it must be inside the stall before the
            // listener goes, or it would pass without stalling and drain the ring
            assertThat(entered.await(10, TimeUnit.SECONDS)).isTrue();
            engine.sequencer().removeWakeListener(stall);

            process = publish(server.port(), "busy", "--batch.max", "3");
            try (OutputStream stdin = process.getOutputStream())
            {
                stdin.write("a\nb\nc\n".getBytes(StandardCharsets.UTF_8));
            }
            await(() -> engine.counters().get(TransportCounterDescriptor.REJECTS_UNAVAILABLE).get() >= 2 || !process.isAlive(),
                "503s answered");
            assertThat(process.isAlive()).as(() -> errorOutput(process)).isTrue();
            release.countDown();
            assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
            final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(process.exitValue()).as(output).isZero();
            final List<String[]> received = readEvents(subscriber, accepted + 3);
            final List<String> data = received.stream().map(e -> e[1]).toList();
            assertThat(data.subList(data.size() - 3, data.size())).containsExactly("a", "b", "c");
            assertThat(data.stream().filter(d -> d.length() == 1).count()).as("each once").isEqualTo(3);
            assertThat(output.lines().toList()).containsExactly(
                received.get(received.size() - 3)[0], received.get(received.size() - 2)[0], received.get(received.size() - 1)[0]);
        }
    }

    private FanoutServer start(final int port, final int ringSize)
    {
        return FanoutServer.launch(new FanoutServer.Context()
            .port(port)
            .bindAddress("127.0.0.1")
            .publishBatchMaxEvents(Math.min(ringSize, 1000))
            // a sequencer on its own thread, so that the test can stall it without stalling the I/O thread
            .engineContext(new FanoutEngine.Context().dir(dir).ringSize(ringSize).threadingMode("dedicated")));
    }

    private Process publish(final int port, final String... args) throws IOException
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Fanout.class.getName());
        command.add("publish");
        command.addAll(List.of(args));
        command.add("--url");
        command.add("http://127.0.0.1:" + port);
        return new ProcessBuilder(command).start();
    }

    private static Socket subscribe(final int port, final String topic) throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
        socket.getOutputStream().write(("GET /sse/" + topic + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII));
        final InputStream in = socket.getInputStream();
        final StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n"))
        {
            head.append((char)in.read());
        }
        return socket;
    }

    /**
     * Read frames until {@code count} events arrived; chunk framing lines never match an event's fields.
     */
    private static List<String[]> readEvents(final Socket subscriber, final int count) throws IOException
    {
        final StringBuilder text = new StringBuilder();
        final byte[] buffer = new byte[65536];
        final List<String[]> events = new ArrayList<>();
        while (events.size() < count)
        {
            final int n = subscriber.getInputStream().read(buffer);
            assertThat(n).isPositive();
            text.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
            events.clear();
            final Matcher matcher = ID_FIELD.matcher(text);
            while (matcher.find())
            {
                events.add(new String[]{ matcher.group(1), matcher.group(2) });
            }
        }
        return events;
    }

    private static String errorOutput(final Process process)
    {
        try
        {
            return "exit " + process.exitValue() + ", stdout: " +
                new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8) + ", stderr: " +
                new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        }
        catch (final IOException ex)
        {
            return ex.toString();
        }
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadlineNs);
            Thread.onSpinWait();
        }
    }
}
