package io.ssefanout.transport;

import io.ssefanout.testsupport.SseClient;
import io.ssefanout.testsupport.HttpClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AccessLogTest
{
    @TempDir
    Path dir;

    private final List<ConnectionRecord> records = new CopyOnWriteArrayList<>();
    private final List<String> publishes = new CopyOnWriteArrayList<>();
    private FanoutServer server;

    private final AccessLog recordingLog = new AccessLog()
    {
        @Override
        public void onConnectionClosed(final ConnectionRecord record)
        {
            records.add(record);
        }

        @Override
        public boolean isPublishLogEnabled()
        {
            return true;
        }

        @Override
        public void onPublish(
            final long connectionId,
            final String clientAddress,
            final String requestId,
            final int status,
            final long eventId,
            final int length)
        {
            publishes.add(requestId + " " + status + " " + eventId + " " + length);
        }
    };

    @AfterEach
    void tearDown()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldReportEachConnectionEndWithWhatItDidAndWhy() throws IOException
    {
        server = ServerFixture.start(dir, ctx -> ctx.accessLog(recordingLog));
        try (SseClient client = SseClient.connect(server.port(), "/sse?topic=a&topic=b&clientId=desk-7",
            "X-Request-ID: trace-123"))
        {
            publish(server, "a", "one");
            publish(server, "b", "two");
            assertThat(client.awaitEvents(2, 5000)).isTrue();
        }
        await(() -> records.stream().anyMatch(r -> "client-closed".equals(r.closeReason)), 5000, "close reported");
        final ConnectionRecord stream = records.stream()
            .filter(r -> "client-closed".equals(r.closeReason)).findFirst().orElseThrow();
        assertThat(stream.traceId).isEqualTo("trace-123");
        assertThat(stream.clientId).isEqualTo("desk-7");
        assertThat(stream.topics).containsExactly("a", "b");
        assertThat(stream.eventsSent).isEqualTo(2);
        assertThat(stream.bytesSent).isGreaterThan(0);
        assertThat(stream.clientAddress).contains("127.0.0.1");
        assertThat(stream.toString()).contains("reason=client-closed", "traceId=trace-123", "topics=a,b");

        final String response = HttpClient.exchange(server.port(), "POST /publish/a HTTP/1.1\r\nHost: x\r\n" +
            "X-Request-ID: pub-9\r\nContent-Length: 3\r\nConnection: close\r\n\r\nabc");
        assertThat(HttpClient.status(response)).isEqualTo(200);
        await(() -> records.stream().anyMatch(r -> "response-complete".equals(r.closeReason) && 1 == r.requestCount),
            5000, "publisher close reported");
        assertThat(publishes).anyMatch(line -> line.startsWith("pub-9 200 ") && line.endsWith(" 3"));

        HttpClient.exchange(server.port(), "BAD\r\n\r\n");
        await(() -> records.stream().anyMatch(r -> "rejected".equals(r.closeReason)), 5000, "rejection reported");
    }
}
