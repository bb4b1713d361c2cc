package io.ssefanout.dist;

import io.ssefanout.testsupport.ListeningPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The archive {@code mvn package} makes, as a newcomer uses it: unpacked into an empty folder, {@code bin/fanout}
 * answers {@code --version}, starts a server with the shipped {@code conf/fanout.properties}, serves {@code /health},
 * and stops with exit 0 on SIGTERM.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DistributionIT
{

    @TempDir
    Path dir;

    @Test
    void shouldUnpackAndRunFromTheArchive() throws Exception
    {
        final Path archive = Path.of(System.getProperty("fanout.dist.archive"));
        assertThat(archive).exists();
        run(dir, "tar", "-xzf", archive.toString());
        final String name = archive.getFileName().toString().replace(".tar.gz", "");
        final Path home = dir.resolve(name);
        for (final String file : new String[]{ "bin/fanout", "lib/fanout.jar", "conf/fanout.properties",
            "systemd/fanout.service", "nginx/fanout.conf", "grafana/fanout-dashboard.json",
            "prometheus/fanout-rules.yml", "LICENSE", "README.md" })
        {
            assertThat(home.resolve(file)).as(file).exists();
        }
        assertThat(Files.isExecutable(home.resolve("bin/fanout"))).isTrue();
        assertThat(run(home, "bin/fanout", "--version")).startsWith("fanout ");

        final Process server = new ProcessBuilder("bin/fanout", "server", "--config", "conf/fanout.properties",
            "--port", "0", "--bind.address", "127.0.0.1", "--dir", dir.resolve("state").toString())
            .directory(home.toFile()).redirectErrorStream(true).start();
        try
        {
            final int port = ListeningPort.await(server);
            try (Socket socket = new Socket())
            {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
                socket.getOutputStream().write(
                    "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
                final String response = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
                assertThat(response).startsWith("HTTP/1.1 200").endsWith("ok\n");
            }
            server.destroy();
            assertThat(server.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(server.exitValue()).isZero();
        }
        finally
        {
            server.destroyForcibly();
        }
    }

    private static String run(final Path directory, final String... command) throws Exception
    {
        final Process process = new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true).start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(process.exitValue()).as(output).isZero();
        return output;
    }
}
