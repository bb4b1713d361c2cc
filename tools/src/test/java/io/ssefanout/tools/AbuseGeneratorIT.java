package io.ssefanout.tools;

import io.ssefanout.engine.EngineCounterDescriptor;
import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.transport.FanoutServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code fanout abuse} against a real server for two seconds: every hostile request gets the status the README
 * promises, the churn and slow-loris loops run, and the server is healthy afterwards with no error counted.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AbuseGeneratorIT
{
    @TempDir
    Path dir;

    @Test
    void shouldDriveEveryAttackAndLeaveTheServerHealthy() throws Exception
    {
        final FanoutServer.Context ctx = new FanoutServer.Context()
            .port(0)
            .bindAddress("127.0.0.1")
            .shutdownTimeoutNs(TimeUnit.SECONDS.toNanos(2))
            .engineContext(new FanoutEngine.Context().dir(dir).ringSize(1024));
        try (FanoutServer server = FanoutServer.launch(ctx))
        {
            final Map<String, Long> outcomes = AbuseGenerator.attack("127.0.0.1", server.port(), 2, 10, 100, 5, "t");

            assertThat(outcomes).containsKeys(
                "status-200", "status-400", "status-404", "status-405", "status-413", "status-431", "status-505",
                "churn-cycles", "loris-bytes", "never-readers-opened");
            assertThat(outcomes.get("churn-cycles")).isGreaterThan(50);
            assertThat(outcomes).doesNotContainKeys("churn-refused", "never-readers-refused", "no-answer");
            assertThat(health(server.port())).startsWith("HTTP/1.1 200");
            assertThat(server.engine().counters().get(EngineCounterDescriptor.ERRORS).get()).isZero();
        }
    }

    private static String health(final int port) throws IOException
    {
        try (Socket socket = new Socket())
        {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(
                "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            final InputStream in = socket.getInputStream();
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            in.transferTo(out);
            return out.toString(StandardCharsets.US_ASCII);
        }
    }
}
