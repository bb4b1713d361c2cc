package io.ssefanout.transport;

import io.ssefanout.testsupport.FreePort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.counter;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The deployment in {@code deploy/nginx/fanout.conf}, run for real: Debian's nginx with a self-signed certificate in
 * front of a server, curl streaming over TLS and HTTP/2: events arrive unbuffered, and two streams share one HTTP/2
 * connection.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NginxTlsHttp2IT
{
    private static final Path NGINX = Path.of("/usr/sbin/nginx");
    private static final Path OPENSSL = Path.of("/usr/bin/openssl");
    private static final Path CURL = Path.of("/usr/bin/curl");

    @TempDir
    Path dir;

    private FanoutServer server;
    private Process nginx;
    private Process curl;

    @AfterEach
    void tearDown() throws InterruptedException
    {
        for (final Process process : new Process[]{ curl, nginx })
        {
            if (null != process)
            {
                process.destroy();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldStreamOverTlsAndHttp2UnbufferedWithStreamsSharingOneConnection() throws Exception
    {
        assumeTrue(Files.isExecutable(NGINX) && Files.isExecutable(OPENSSL) && Files.isExecutable(CURL),
            "needs nginx, openssl and curl (.ci/run installs them)");
        server = ServerFixture.start(dir.resolve("server"), ctx -> { });
        final Path key = dir.resolve("fanout.key");
        final Path certificate = dir.resolve("fanout.pem");
        run(OPENSSL.toString(), "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1", "-subj", "/CN=localhost",
            "-keyout", key.toString(), "-out", certificate.toString());

        final int port = FreePort.next();
        final Path accessLog = dir.resolve("access.log");
        String config = Files.readString(Path.of("..", "deploy", "nginx", "fanout.conf"));
        config = swap(config, "worker_processes auto;", "worker_processes 1;");
        config = swap(config, "access_log /var/log/nginx/fanout.log fanout;", "access_log " + accessLog + " fanout;");
        config = swap(config, "server 127.0.0.1:8080;", "server 127.0.0.1:" + server.port() + ";");
        config = swap(config, "listen 443 ssl http2;", "listen 127.0.0.1:" + port + " ssl http2;");
        config = swap(config, "/etc/ssl/certs/fanout.pem", certificate.toString());
        config = swap(config, "/etc/ssl/private/fanout.key", key.toString());
        final Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, config);
        nginx = new ProcessBuilder(NGINX.toString(), "-p", dir + "/", "-c", conf.toString(), "-e", "stderr",
            "-g", "daemon off; pid " + dir.resolve("nginx.pid") + ";")
            .redirectErrorStream(true).redirectOutput(dir.resolve("nginx.out").toFile()).start();
        await(() -> isListening(port), 10_000, "nginx listening: " + read(dir.resolve("nginx.out")));

        final String base = "https://127.0.0.1:" + port + "/sse/";
        curl = new ProcessBuilder(CURL.toString(), "--http2", "-k", "-sN", "--parallel", "--max-time", "4",
            "-w", "%{http_version}\\n", base + "a", "-o", dir.resolve("a.out").toString(),
            base + "b", "-o", dir.resolve("b.out").toString())
            .redirectErrorStream(true).redirectOutput(dir.resolve("curl.out").toFile()).start();
        await(() -> 2 == counter(server, TransportCounterDescriptor.SUBSCRIBERS_OPEN), 10_000, "two streams open");

        final long startNs = System.nanoTime();
        publish(server, "a", "first-a");
        await(() -> read(dir.resolve("a.out")).contains("data: first-a"), 5_000, "the event through nginx");
        final long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNs);
        System.out.println("first event through nginx (TLS, HTTP/2) after " + tookMs + " ms");
        assertThat(tookMs).as("unbuffered: not held back for a buffer to fill").isLessThan(500);
        publish(server, "b", "first-b");
        await(() -> read(dir.resolve("b.out")).contains("data: first-b"), 5_000, "the second stream's event");

        assertThat(curl.waitFor(10, TimeUnit.SECONDS)).isTrue();
        assertThat(read(dir.resolve("curl.out"))).contains("2");
        await(() -> read(accessLog).contains("/sse/b"), 5_000, "both streams logged");
        final List<String> lines = Files.readAllLines(accessLog);
        final Pattern streamLine = Pattern.compile("conn=(\\d+) req=\\d+ \"GET /sse/[ab] HTTP/2.0\" 200");
        String connection = null;
        int streams = 0;
        for (final String line : lines)
        {
            final Matcher matcher = streamLine.matcher(line);
            if (matcher.find())
            {
                streams++;
                assertThat(null == connection || connection.equals(matcher.group(1)))
                    .as("both streams on one connection: %s", lines).isTrue();
                connection = matcher.group(1);
            }
        }
        assertThat(streams).as("two HTTP/2 streams in %s", lines).isEqualTo(2);
    }

    private static String swap(final String config, final String from, final String to)
    {
        assertThat(config).as("deploy/nginx/fanout.conf still has: %s", from).contains(from);
        return config.replace(from, to);
    }

    private static void run(final String... command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
    }

    private static String read(final Path file)
    {
        try
        {
            return Files.exists(file) ? Files.readString(file) : "";
        }
        catch (final IOException ex)
        {
            return "";
        }
    }

    private static boolean isListening(final int port)
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        }
        catch (final IOException ex)
        {
            return false;
        }
    }
}
