package io.ssefanout.transport;

import io.ssefanout.testsupport.SseClient;
import io.ssefanout.testsupport.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.counter;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ConnectionLimitTest
{
    @TempDir
    Path dir;

    private FanoutServer server;

    @AfterEach
    void tearDown()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldSendEventSourceAwayWithRetryAndOthersWith503PastTheConnectionLimit() throws IOException
    {
        server = ServerFixture.start(dir, ctx -> ctx.connectionsMax(2).retryHintMs(1000));
        try (SseClient first = SseClient.connect(server.port(), "/sse/t");
            SseClient second = SseClient.connect(server.port(), "/sse/t"))
        {
            assertThat(first.status).isEqualTo(200);
            assertThat(second.status).isEqualTo(200);

            try (SseClient turnedAway = SseClient.connect(server.port(), "/sse/t"))
            {
                assertThat(turnedAway.status).isEqualTo(200);
                assertThat(turnedAway.awaitEof(5000)).isTrue();
                assertThat(turnedAway.parser.retryMs()).isBetween(1000L, 5000L);
                assertThat(turnedAway.events()).isEmpty();
            }
            final String plain = HttpClient.exchange(server.port(), "POST /publish/t HTTP/1.1\r\nHost: x\r\n" +
                "Content-Length: 1\r\nConnection: close\r\n\r\nx");
            assertThat(HttpClient.status(plain)).isEqualTo(503);
            assertThat(plain).contains("Retry-After: 1");
            // what an operator needs most at the limit is still answered, on a connection of its own
            final String health = HttpClient.exchange(server.port(), "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(HttpClient.status(health)).isEqualTo(200);
            assertThat(health).contains("Connection: close");
            final String metrics = HttpClient.exchange(server.port(), "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(HttpClient.status(metrics)).isEqualTo(200);
            assertThat(HttpClient.body(metrics)).contains("fanout_connection_limit_rejects_total 2");

            publish(server, "t", "still served");
            assertThat(first.awaitEvents(1, 5000)).isTrue();
            assertThat(second.awaitEvents(1, 5000)).isTrue();
            assertThat(counter(server, TransportCounterDescriptor.REJECTS_OVER_LIMIT)).isEqualTo(2);
        }

        await(() -> counter(server, TransportCounterDescriptor.CONNECTIONS_OPEN) == 0, 5000, "connections released");
        try (SseClient later = SseClient.connect(server.port(), "/sse/t"))
        {
            publish(server, "t", "after others left");
            assertThat(later.awaitEvents(1, 5000)).isTrue();
            assertThat(later.events().get(0).data).isEqualTo("after others left");
        }
    }

    @Test
    void shouldLimitConnectionsPerClientAddress() throws IOException
    {
        server = ServerFixture.start(dir, ctx -> ctx.connectionsPerAddressMax(1));
        try (Socket held = open("127.0.0.1"))
        {
            assertThat(status(held)).isEqualTo(200);
            try (Socket sameAddress = open("127.0.0.1"); Socket otherAddress = open("127.0.0.2"))
            {
                assertThat(status(sameAddress)).isEqualTo(503);
                assertThat(status(otherAddress)).isEqualTo(200);
            }
        }
    }

    private Socket open(final String sourceAddress) throws IOException
    {
        final Socket socket = new Socket();
        socket.bind(new InetSocketAddress(sourceAddress, 0));
        socket.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
        socket.setSoTimeout(5000);
        socket.getOutputStream().write("GET /sse/t HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return socket;
    }

    private static int status(final Socket socket) throws IOException
    {
        final InputStream in = socket.getInputStream();
        final byte[] line = new byte[12];
        int read = 0;
        while (read < line.length)
        {
            final int n = in.read(line, read, line.length - read);
            if (n < 0)
            {
                throw new IOException("closed before status line");
            }
            read += n;
        }
        return Integer.parseInt(new String(line, 9, 3, StandardCharsets.US_ASCII));
    }
}
