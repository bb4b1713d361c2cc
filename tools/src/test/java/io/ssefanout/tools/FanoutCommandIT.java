package io.ssefanout.tools;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the {@code fanout} command as a real process: the demo serves its page, the browser helper and ticks (one
 * topic per symbol), and SIGTERM drains subscribers and exits 0.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FanoutCommandIT
{

    @TempDir
    Path dir;

    @Test
    void shouldServeDemoPageAndTicksThenExitZeroOnSigterm() throws Exception
    {
        final Process process = start("demo", "--demo.rate", "200");
        try
        {
            final int port = awaitPort(process);
            final String page = request(port, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5000);
            assertThat(page).startsWith("HTTP/1.1 200").contains("import { FanoutStream } from '/fanout.js'");
            assertThat(page).doesNotContain("http://", "https://");
            final String helper = request(port, "GET /fanout.js HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5000);
            assertThat(helper).startsWith("HTTP/1.1 200").contains("text/javascript").contains("export class FanoutStream");

            try (Socket subscriber = new Socket())
            {
                subscriber.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                subscriber.setSoTimeout(100);
                subscriber.getOutputStream().write(
                    "GET /sse?topic=sym.*&snapshot=true HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n\r\n"
                        .getBytes(StandardCharsets.US_ASCII));
                final String ticks = readUntil(subscriber.getInputStream(), text -> count(text, "\"sym\":") >= 5, 10_000);
                assertThat(count(ticks, "\"sym\":")).isGreaterThanOrEqualTo(5);

                process.destroy();
                final String rest = readUntil(subscriber.getInputStream(), text -> false, 10_000);
                assertThat(rest).contains("retry: ").endsWith("0\r\n\r\n");
            }
            assertThat(process.waitFor(20, TimeUnit.SECONDS)).isTrue();
            assertThat(process.exitValue()).isZero();
        }
        finally
        {
            process.destroyForcibly();
        }
    }

    @Test
    void shouldWarmUpBeforeListeningLeavingNothingBehindAndShareTheSequencerOnOneCpu() throws Exception
    {
        final List<String> oneCpu = startAndReadUntilListening(1, "fanout.warmup=500ms");
        final String listening = oneCpu.get(oneCpu.size() - 1);
        assertThat(oneCpu).as("the warm-up ran before the port opened")
            .anyMatch(line -> line.startsWith("warmed up in ") && line.contains("publishes to 200 topics"));
        assertThat(listening).contains("sequencer shared");
        final int port = Integer.parseInt(listening.replaceAll(".*listening on [^:]*:(\\d+).*", "$1"));
        final String metrics = request(port, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 5000);
        assertThat(metrics).as("nothing of the throwaway server reached the real one")
            .contains("\nfanout_topics 0\n", "\nfanout_events_published_total 0\n");
        final String published = request(port,
            "POST /publish/t HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx", 5000);
        assertThat(published).startsWith("HTTP/1.1 200");
        servers.forEach(Process::destroy);

        final List<String> twoCpus = startAndReadUntilListening(2, "fanout.warmup=0");
        assertThat(twoCpus).noneMatch(line -> line.startsWith("warmed up"));
        assertThat(twoCpus.get(twoCpus.size() - 1)).contains("sequencer dedicated");
    }

    private final List<Process> servers = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void stopServers()
    {
        servers.forEach(Process::destroyForcibly);
    }

    /**
     * Start {@code fanout server} on a JVM that may use {@code cpus} CPUs.
     *
     * @return its output lines up to and including the one that says where it listens.
     */
    private List<String> startAndReadUntilListening(final int cpus, final String... properties) throws IOException
    {
        final ProcessBuilder builder = FanoutProcess.builder(dir.resolve("cpus" + cpus), List.of(properties), "server");
        builder.command().add(1, "-XX:ActiveProcessorCount=" + cpus);
        final Process process = builder.start();
        servers.add(process);
        final java.io.BufferedReader reader = new java.io.BufferedReader(
            new java.io.InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        final List<String> lines = new java.util.ArrayList<>();
        String line;
        while (null != (line = reader.readLine()))
        {
            lines.add(line);
            if (line.contains("listening on "))
            {
                return lines;
            }
        }
        throw new IOException("the server ended before listening: " + lines);
    }

    @Test
    void shouldFitTheConnectionLimitToTheDescriptorLimitAndSurviveRunningOutOfDescriptors() throws Exception
    {
        final ProcessBuilder fanout = FanoutProcess.builder(dir, List.of("fanout.http.request.timeout=2s"), "server");
        final List<String> command = new java.util.ArrayList<>(List.of("bash", "-c", "ulimit -n 512 && exec \"$@\"", "fanout"));
        command.addAll(fanout.command());
        final Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        servers.add(server);
        final List<String> lines = java.util.Collections.synchronizedList(new java.util.ArrayList<>());
        final java.util.concurrent.CompletableFuture<Integer> port = new java.util.concurrent.CompletableFuture<>();
        final Thread reader = new Thread(() ->
        {
            try (java.io.BufferedReader in = new java.io.BufferedReader(
                new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8)))
            {
                String line;
                while (null != (line = in.readLine()))
                {
                    lines.add(line);
                    if (line.contains("listening on "))
                    {
                        port.complete(Integer.parseInt(line.replaceAll(".*listening on [^:]*:(\\d+).*", "$1")));
                    }
                }
            }
            catch (final IOException ignore)
            {
                // the process ended
            }
            port.complete(-1);
        });
        reader.setDaemon(true);
        reader.start();
        final int serverPort = port.get(30, TimeUnit.SECONDS);
        assertThat(serverPort).as("listening; output: %s", lines).isPositive();
        assertThat(lines).as("the limit fitted below ulimit -n, said once")
            .anyMatch(line -> line.startsWith("warning: fanout.connections.max=15000 is more than the file descriptor " +
                "limit 512 allows; using 384"));

        // idle connections past the limit hold a descriptor each until their request times out: the process runs out
        final List<Socket> idle = new java.util.ArrayList<>();
        try
        {
            for (int i = 0; i < 1000; i++)
            {
                final Socket socket = new Socket();
                socket.connect(new InetSocketAddress("127.0.0.1", serverPort), 5000);
                idle.add(socket);
            }
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (lines.stream().noneMatch(line -> line.contains("accept failed")) && System.nanoTime() < deadlineNs)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            assertThat(lines).as("out of descriptors, reported").anyMatch(line -> line.contains("accept failed"));
            final long reportedAt = System.nanoTime();
            while (System.nanoTime() - reportedAt < TimeUnit.SECONDS.toNanos(3))
            {
                // a window to watch: a spinning acceptor used to print tens of thousands of lines in it
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
            }
            assertThat(lines.stream().filter(line -> line.contains("Too many open files")).count())
                .as("a failing accept is reported once per interval, not once per attempt").isLessThanOrEqualTo(2);
        }
        finally
        {
            for (final Socket socket : idle)
            {
                socket.close();
            }
        }
        String health = "";
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (!health.startsWith("HTTP/1.1 200") && System.nanoTime() < deadlineNs)
        {
            try
            {
                health = request(serverPort, "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", 2000);
            }
            catch (final IOException stillRecovering)
            {
                java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(100));
            }
        }
        assertThat(health).as("served again once descriptors are free").startsWith("HTTP/1.1 200");
        assertThat(server.isAlive()).isTrue();
    }

    @Test
    void shouldSayAtOnceThatThePortIsTakenAndExitOne() throws Exception
    {
        final Process first = start("server");
        servers.add(first);
        final int port = awaitPort(first);
        final ProcessBuilder second = FanoutProcess.builder(dir.resolve("second"),
            List.of("fanout.port=" + port, "fanout.warmup=3s"), "server");
        final String output = output(second.start());
        assertThat(output).as("said before the warm-up and the directory lock")
            .startsWith("1:").contains("port " + port + " on 127.0.0.1 is in use").doesNotContain("warmed up");
    }

    @Test
    void shouldAnswerHelpAndVersionAndRefuseMistakesWithExitTwoAndNoStackTrace() throws Exception
    {
        assertThat(run("--version")).startsWith("0:fanout ").contains("(commit ");
        final String serverHelp = run("server", "--help");
        assertThat(serverHelp).startsWith("0:").contains("--port=VALUE", "fanout.port (default 8080)",
            "--heartbeat.interval=VALUE", "(default 15s)", "--kafka.bootstrap.servers");
        assertThat(run("abuse", "--help")).startsWith("0:").contains("usage: fanout abuse");
        assertThat(run("loadgen", "--help")).startsWith("0:");
        assertThat(run("token", "--help")).startsWith("0:").contains("--secret-file");

        assertThat(run("server", "--prot", "9090")).startsWith("2:").contains("unknown option --prot; did you mean --port?");
        assertThat(run("server", "--port", "80x0")).startsWith("2:").contains("'--port'", "'80x0'");
        assertThat(run("server", "--slow.consumer.policy", "sometimes")).startsWith("2:")
            .contains("fanout.slow.consumer.policy=sometimes");
        assertThat(run("loadgen", "--rate", "fast")).startsWith("2:").contains("--rate: 'fast' is not a whole number");
        assertThat(run("serve")).startsWith("2:").contains("unknown command serve; did you mean server?");
        for (final String output : List.of(run("server", "--port", "x"), run("pubbench", "--batch", "x")))
        {
            assertThat(output).doesNotContain("\tat ", "Exception in thread");
        }
    }

    @Test
    void shouldMintATokenTheServerAcceptsFromItsSecretFile() throws Exception
    {
        final Path secret = dir.resolve("secret");
        java.nio.file.Files.writeString(secret, "a-shared-secret-of-at-least-32-bytes-long\n");
        final String minted = run("token", "--secret-file", secret.toString(), "--subscribe", "sym.*",
            "--publish", "news", "--ttl", "10m");
        assertThat(minted).startsWith("0:");
        final String token = minted.substring(2).trim();
        final Process server = start("server", "--auth.hmac.secret.file", secret.toString());
        try
        {
            final int port = awaitPort(server);
            final String allowed = request(port, "POST /publish/news HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                token + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi", 5000);
            assertThat(allowed).startsWith("HTTP/1.1 200");
            final String refused = request(port, "POST /publish/sym.AAPL HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                token + "\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi", 5000);
            assertThat(refused).startsWith("HTTP/1.1 403");
        }
        finally
        {
            server.destroy();
            server.waitFor(20, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldTakeSettingsFromFilesEnvironmentPropertiesAndFlagsInThatOrderAndRefuseUnknownKeys() throws Exception
    {
        final Path file = dir.resolve("fanout.properties");
        java.nio.file.Files.writeString(file, "fanout.stream.send.buffer=128k\nfanout.stream.max.rate=5\nfanout.io.threads=3\n" +
            "fanout.heartbeat.interval=7s\nfanout.auth.hmac.secret=abcdefghijklmnopqrstuvwxyz0123456789\n");
        final ProcessBuilder builder = FanoutProcess.builder(dir, List.of("fanout.io.threads=2"),
            "config", "--config", file.toString(), "--heartbeat.interval", "9s");
        builder.environment().put("FANOUT_STREAM_MAX_RATE", "6");
        builder.environment().put("FANOUT_IO_THREADS", "4");
        final String config = output(builder.start());
        assertThat(config).startsWith("0:").contains(
            "fanout.stream.send.buffer = 128k   (file " + file + ")",
            "fanout.port = 0   (system property)",
            "fanout.stream.max.rate = 6   (env FANOUT_STREAM_MAX_RATE)",
            "fanout.io.threads = 2   (system property)",
            "fanout.heartbeat.interval = 9s   (flag)",
            "fanout.auth.hmac.secret = ****   (file " + file + ")",
            "fanout.io.idle.strategy = select   (default)");
        assertThat(config).doesNotContain("abcdefghijklmnopqrstuvwxyz");

        java.nio.file.Files.writeString(file, "fanout.hearbeat.interval=7s\n");
        assertThat(run("server", "--config", file.toString())).startsWith("2:")
            .contains("unknown setting fanout.hearbeat.interval; did you mean fanout.heartbeat.interval?");
        final ProcessBuilder badEnvironment = FanoutProcess.builder(dir, List.of(), "server");
        badEnvironment.environment().put("FANOUT_PROT", "9090");
        assertThat(output(badEnvironment.start())).startsWith("2:").contains("env FANOUT_PROT", "did you mean fanout.port?");
    }

    @Test
    void shouldStartUnderTheEnvironmentKubernetesInjectsForAServiceNamedFanout() throws Exception
    {
        final ProcessBuilder builder = FanoutProcess.builder(dir, List.of(), "server");
        final java.util.Map<String, String> environment = builder.environment();
        environment.put("FANOUT_SERVICE_HOST", "10.0.0.12");
        environment.put("FANOUT_SERVICE_PORT", "8080");
        environment.put("FANOUT_SERVICE_PORT_HTTP", "8080");
        environment.put("FANOUT_PORT", "tcp://10.0.0.12:8080");
        environment.put("FANOUT_PORT_8080_TCP", "tcp://10.0.0.12:8080");
        environment.put("FANOUT_PORT_8080_TCP_PROTO", "tcp");
        environment.put("FANOUT_PORT_8080_TCP_PORT", "8080");
        environment.put("FANOUT_PORT_8080_TCP_ADDR", "10.0.0.12");
        environment.put("FANOUT_OPTS", "-Xmx256m");
        environment.put("FANOUT_HEARTBEAT_INTERVAL", "7s");
        final Process server = builder.start();
        servers.add(server);
        final java.io.BufferedReader reader = new java.io.BufferedReader(
            new java.io.InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
        final List<String> lines = new java.util.ArrayList<>();
        String line;
        while (null != (line = reader.readLine()) && !line.contains("listening on "))
        {
            lines.add(line);
        }
        assertThat(line).as("started; output so far: %s", lines).isNotNull().contains("listening on 127.0.0.1:");
        assertThat(lines).as("one warning for the service links")
            .filteredOn(text -> text.contains("service-link")).hasSize(1).first().asString()
            .contains("FANOUT_PORT,", "FANOUT_PORT_8080_TCP_PORT", "FANOUT_SERVICE_HOST");
        final int port = Integer.parseInt(line.replaceAll(".*listening on [^:]*:(\\d+).*", "$1"));
        assertThat(port).as("the port setting, not the service's 8080").isNotEqualTo(8080);
    }

    @Test
    void shouldRefuseASecondServerOnTheSameDirectoryAndShowItsCountersAndErrorsFromOutside() throws Exception
    {
        final Process first = start("server");
        try
        {
            final int port = awaitPort(first);
            assertThat(run("server")).startsWith("2:").contains("fanout.dir=" + dir, "in use by another fanout process");
            request(port, "POST /publish/t HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nConnection: close\r\n\r\nhi", 5000);
            final String stat = run("stat", "--dir", dir.toString(), "--count", "2", "--interval", "100");
            assertThat(stat).startsWith("0:").contains("fanout stat: pid " + first.pid(),
                "Events accepted into the ingest ring", "per second",
                "HTTP requests rejected, by status code {code=\"404\"}", "Delivery latency p99 over the last minute (us)");
            assertThat(run("errors", "--dir", dir.toString())).startsWith("0:").contains("0 distinct error(s)");
        }
        finally
        {
            first.destroy();
            first.waitFor(20, TimeUnit.SECONDS);
        }
    }

    private static String output(final Process process) throws Exception
    {
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        return process.exitValue() + ":" + output;
    }

    /**
     * Run a command to its end.
     *
     * @return {@code status:output}.
     */
    private String run(final String... args) throws Exception
    {
        final Process process = start(args);
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).as("fanout %s ended", String.join(" ", args)).isTrue();
        return process.exitValue() + ":" + output;
    }

    private Process start(final String... args) throws IOException
    {
        return FanoutProcess.start(dir, List.of(), args);
    }

    private static int awaitPort(final Process process) throws IOException
    {
        return FanoutProcess.awaitPort(process);
    }

    private static String request(final int port, final String request, final long timeoutMs) throws IOException
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(100);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
            return readUntil(socket.getInputStream(), text -> false, timeoutMs);
        }
    }

    /**
     * Read until the condition holds, the peer closes, or the deadline passes.
     */
    private static String readUntil(
        final InputStream in, final java.util.function.Predicate<String> condition, final long timeoutMs)
        throws IOException
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final byte[] buffer = new byte[8192];
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        while (System.nanoTime() < deadlineNs)
        {
            try
            {
                final int n = in.read(buffer);
                if (n < 0)
                {
                    break;
                }
                out.write(buffer, 0, n);
                if (condition.test(out.toString(StandardCharsets.UTF_8)))
                {
                    break;
                }
            }
            catch (final SocketTimeoutException ignore)
            {
                // poll again until the deadline
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    private static int count(final String text, final String needle)
    {
        int count = 0;
        for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + 1))
        {
            count++;
        }
        return count;
    }
}
