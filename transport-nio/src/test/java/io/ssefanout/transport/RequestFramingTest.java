package io.ssefanout.transport;

import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.SseClient;
import io.ssefanout.testsupport.HttpClient;
import io.ssefanout.testsupport.RawHttpConnection;
import io.ssefanout.engine.EngineCounterDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.counter;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Request bodies and methods as real clients send them, over real sockets: chunked bodies in every shape RFC 9112
 * allows and the malformed ones it forbids, {@code Expect: 100-continue}, HEAD, batch publishes, and the defects
 * probing found (Host, UTF-8 names, percent-encoded resume ids, registry filling before authorization).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RequestFramingTest
{
    private static final String CHUNKED_HEAD = "POST /publish/t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    private static final String CHUNKED_BODY = "5;ext=1\r\nhello\r\n1\r\n \r\n5\r\nworld\r\n0\r\nX-Sum: 1\r\n\r\n";

    @TempDir
    Path dir;

    private FanoutServer server;
    private final List<AutoCloseable> clients = new ArrayList<>();

    @AfterEach
    void tearDown() throws Exception
    {
        for (final AutoCloseable client : clients)
        {
            client.close();
        }
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldPublishChunkedBodiesSplitAtEveryByteBoundaryOnOneKeepAliveConnection() throws IOException
    {
        start(ctx -> { });
        final SseClient subscriber = subscribe("/sse/t");
        final RawHttpConnection publisher = connect();
        final byte[] request = (CHUNKED_HEAD + CHUNKED_BODY).getBytes(StandardCharsets.US_ASCII);
        final int from = CHUNKED_HEAD.length() - 2;
        for (int split = from; split < request.length; split++)
        {
            publisher.write(java.util.Arrays.copyOfRange(request, 0, split));
            publisher.write(java.util.Arrays.copyOfRange(request, split, request.length));
            final RawHttpConnection.Response response = publisher.read();
            assertThat(response.status).as("split at %d: %s", split, response.body).isEqualTo(200);
        }
        final int count = request.length - from;
        assertThat(subscriber.awaitEvents(count, 5000)).isTrue();
        assertThat(subscriber.events()).extracting(e -> e.data).containsOnly("hello world");
    }

    @Test
    void shouldPublishAChunkedBodySentOneByteAtATime() throws IOException
    {
        start(ctx -> { });
        final SseClient subscriber = subscribe("/sse/t");
        final RawHttpConnection publisher = connect();
        publisher.write(CHUNKED_HEAD);
        for (final byte b : "B\r\nline1\nline2\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
        {
            publisher.write(new byte[]{ b });
        }
        final RawHttpConnection.Response response = publisher.read();
        assertThat(response.status).isEqualTo(200);
        assertThat(subscriber.awaitEvents(1, 5000)).isTrue();
        assertThat(subscriber.events().get(0).data).isEqualTo("line1\nline2");
        assertThat(subscriber.events().get(0).lastEventId).isEqualTo(response.body);
    }

    @Test
    void shouldAnswerPipelinedChunkedAndFixedRequestsInOrder() throws IOException
    {
        start(ctx -> { });
        final SseClient subscriber = subscribe("/sse/t");
        final RawHttpConnection publisher = connect();
        publisher.write(CHUNKED_HEAD + "1\r\na\r\n0\r\n\r\n" + HttpClient.publishRequest("t", "b", false) +
            CHUNKED_HEAD + "1\r\nc\r\n0\r\n\r\n" + "GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        final long first = Long.parseLong(publisher.read().body);
        assertThat(Long.parseLong(publisher.read().body)).isEqualTo(first + 1);
        assertThat(Long.parseLong(publisher.read().body)).isEqualTo(first + 2);
        assertThat(publisher.read().body).isEqualTo("ok\n");
        assertThat(subscriber.awaitEvents(3, 5000)).isTrue();
        assertThat(subscriber.events()).extracting(e -> e.data).containsExactly("a", "b", "c");
    }

    @Test
    void shouldAnswer413AsSoonAsAChunkPassesTheLimitAndClose() throws IOException
    {
        start(ctx -> ctx.engineContext().payloadMaxLength(1024));
        final RawHttpConnection publisher = connect();
        publisher.write(CHUNKED_HEAD + "200\r\n" + "a".repeat(512) + "\r\n" + "201\r\n");
        final RawHttpConnection.Response response = publisher.read();
        assertThat(response.status).isEqualTo(413);
        assertThat(response.header("connection")).isEqualTo("close");
        assertThat(publisher.isClosedByServer()).isTrue();
        assertThat(counter(server, EngineCounterDescriptor.EVENTS_PUBLISHED)).isZero();
    }

    @Test
    void shouldRefuseSmugglingShapesMalformedChunksAndUnknownCodingsAndClose() throws IOException
    {
        start(ctx -> { });
        final String[][] cases = {
            { "POST /publish/t HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n" +
                "0\r\n\r\nGET /health HTTP/1.1\r\nHost: x\r\n\r\n", "400" },
            { "POST /publish/t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n", "501" },
            { "POST /publish/t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip, chunked\r\n\r\n", "501" },
            { CHUNKED_HEAD + "zz\r\nhi\r\n0\r\n\r\n", "400" },
            { CHUNKED_HEAD + "2\r\nhiXX0\r\n\r\n", "400" },
            { CHUNKED_HEAD + "FFFFFFFFFFFFFFFFFFFF\r\n", "400" },
            { CHUNKED_HEAD + "-1\r\n", "400" },
            { CHUNKED_HEAD + "2\nhi\r\n0\r\n\r\n", "400" },
            { "POST /publish/t HTTP/1.1\r\nContent-Length: 1\r\n\r\nx", "400" },
            { "GET /health HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n", "400" },
        };
        for (final String[] c : cases)
        {
            final RawHttpConnection connection = connect();
            connection.write(c[0]);
            final RawHttpConnection.Response response = connection.read();
            assertThat(response.status).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
            assertThat(connection.isClosedByServer()).as("closed after " + c[0]).isTrue();
        }
        assertThat(counter(server, EngineCounterDescriptor.EVENTS_PUBLISHED)).isZero();
    }

    @Test
    void shouldKeepANearlyFullBatchAndTrailersUpToTheHeaderLimitAcrossReads() throws IOException
    {
        start(ctx -> ctx.publishBatchMaxLength(32 * 1024).engineContext().payloadMaxLength(1024));
        final RawHttpConnection publisher = connect();
        publisher.write("POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\n" +
            "Transfer-Encoding: chunked\r\n\r\n");
        final String line = "{\"topic\":\"big\",\"data\":\"" + "d".repeat(760) + "\"}\n";
        for (int i = 0; i < 40; i++)
        {
            publisher.write(Integer.toHexString(line.length()) + "\r\n" + line + "\r\n");
        }
        publisher.write("0\r\n");
        for (int i = 0; i < 14; i++)
        {
            publisher.write("X-Trailer-" + i + ": " + "t".repeat(1000) + "\r\n");
        }
        publisher.write("\r\n");
        final RawHttpConnection.Response response = publisher.read();
        assertThat(response.status).as(response.body).isEqualTo(200);
        assertThat(response.body.split("\n")).hasSize(40);
    }

    @Test
    void shouldTimeOutAChunkedBodyThatStopsHalfWayAndPublishNothing() throws IOException
    {
        start(ctx -> ctx.requestTimeoutNs(TimeUnit.MILLISECONDS.toNanos(300)));
        final RawHttpConnection publisher = connect();
        publisher.write(CHUNKED_HEAD + "5\r\nhel");
        final RawHttpConnection.Response response = publisher.read();
        assertThat(response.status).isEqualTo(408);
        assertThat(publisher.isClosedByServer()).isTrue();
        assertThat(counter(server, EngineCounterDescriptor.EVENTS_PUBLISHED)).isZero();
    }

    @Test
    void shouldAnswer100ContinueBeforeTheBodyWithEitherFraming() throws IOException
    {
        start(ctx -> { });
        final RawHttpConnection publisher = connect();
        publisher.write("POST /publish/t HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n");
        assertThat(publisher.read().status).isEqualTo(100);
        publisher.write("abc");
        assertThat(publisher.read().status).isEqualTo(200);

        publisher.write("POST /publish/t HTTP/1.1\r\nHost: x\r\nExpect: 100-continue\r\nTransfer-Encoding: chunked\r\n\r\n");
        assertThat(publisher.read().status).isEqualTo(100);
        publisher.write("3\r\nabc\r\n0\r\n\r\n");
        assertThat(publisher.read().status).isEqualTo(200);
        assertThat(counter(server, EngineCounterDescriptor.EVENTS_PUBLISHED)).isEqualTo(2);
    }

    @Test
    void shouldAnswerHeadOnEveryGetRouteWithTheSameHeadersAndNoBody() throws IOException
    {
        start(ctx -> ctx.indexPage("<html>demo</html>".getBytes(StandardCharsets.UTF_8)));
        final RawHttpConnection connection = connect();
        for (final String path : new String[]{ "/health", "/metrics", "/", "/sse/t", "/sse?topic=a&topic=b" })
        {
            connection.write("GET /nothing" + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            assertThat(connection.read().status).isEqualTo(404);
            connection.write("HEAD " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
            final RawHttpConnection.Response head = connection.read(true);
            assertThat(head.status).as(path).isEqualTo(200);
            if (path.startsWith("/sse"))
            {
                assertThat(head.header("content-type")).startsWith("text/event-stream");
                assertThat(head.header("transfer-encoding")).isEqualTo("chunked");
            }
            else
            {
                assertThat(head.header("content-length")).isNotEqualTo("0");
            }
        }
        // nothing followed the heads: the next answer on this connection is the next request's
        connection.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(connection.read().body).isEqualTo("ok\n");
        assertThat(counter(server, TransportCounterDescriptor.SUBSCRIBERS_OPEN)).isZero();

        connection.write("HEAD /publish/t HTTP/1.1\r\nHost: x\r\n\r\n");
        final RawHttpConnection.Response refused = connection.read(true);
        assertThat(refused.status).isEqualTo(405);
        assertThat(refused.header("allow")).isEqualTo("POST, OPTIONS");
        connection.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(connection.read().body).isEqualTo("ok\n");
    }

    @Test
    void shouldPublishANdjsonBatchWithConsecutiveIdsAllOrNothing() throws IOException
    {
        start(ctx -> ctx.publishBatchMaxEvents(3));
        final SseClient subscriber = subscribe("/sse?topic=sym1&topic=sym2");
        final RawHttpConnection publisher = connect();
        final String batch = "{\"topic\":\"sym1\",\"event\":\"tick\",\"data\":\"190.12\"}\n" +
            "{\"topic\":\"sym2\",\"data\":{\"bid\":1.5,\"ask\":[1,2]}}\r\n\n" +
            "{\"topic\":\"sym1\",\"data\":\"a\\nb\"}\n";
        final RawHttpConnection.Response ok = publisher.write(batchRequest(batch)).read();
        assertThat(ok.status).isEqualTo(200);
        final String[] ids = ok.body.split("\n");
        assertThat(ids).hasSize(3);
        final long first = Long.parseLong(ids[0]);
        assertThat(ids).containsExactly(String.valueOf(first), String.valueOf(first + 1), String.valueOf(first + 2));
        assertThat(subscriber.awaitEvents(3, 5000)).isTrue();
        final List<EventStreamParser.Event> events = subscriber.events();
        assertThat(events).extracting(e -> e.type).containsExactly("tick", "message", "message");
        assertThat(events).extracting(e -> e.data).containsExactly("190.12", "{\"bid\":1.5,\"ask\":[1,2]}", "a\nb");
        assertThat(events).extracting(e -> e.lastEventId).containsExactly(ids);

        final long published = counter(server, EngineCounterDescriptor.EVENTS_PUBLISHED);
        final RawHttpConnection.Response badLine = publisher.write(batchRequest(
            "{\"topic\":\"sym1\",\"data\":1}\n{\"topic\":\"new.topic\",\"data\":2}\n{\"topic\":\"sym1\",\"data\":x}\n")).read();
        assertThat(badLine.status).isEqualTo(400);
        assertThat(badLine.body).startsWith("line 3: ");
        final RawHttpConnection.Response joined = publisher.write(batchRequest(
            "{\"topic\":\"sym1\",\"data\":1}{\"topic\":\"sym1\",\"data\":2}")).read();
        assertThat(joined.status).as("two events on one line, as curl -d sends a file").isEqualTo(400);
        assertThat(joined.body).startsWith("line 1: text after the object").contains("--data-binary");
        assertThat(server.engine().topics().find(
            new org.agrona.concurrent.UnsafeBuffer("new.topic".getBytes(StandardCharsets.US_ASCII)), 0, 9))
            .as("a refused batch creates no topic").isNull();
        final RawHttpConnection.Response tooMany = publisher.write(batchRequest(
            "{\"topic\":\"a\",\"data\":1}\n".repeat(4))).read();
        assertThat(tooMany.status).isEqualTo(413);
        final RawHttpConnection.Response badType = publisher.write(batchRequest(
            "{\"topic\":\"a\",\"event\":\"x y\\n\",\"data\":1}\n")).read();
        assertThat(badType.status).isEqualTo(400);
        assertThat(badType.body).isEqualTo("line 1: invalid event type\n");
        final RawHttpConnection.Response empty = publisher.write(batchRequest("\n\n")).read();
        assertThat(empty.status).isEqualTo(400);
        final RawHttpConnection.Response wrongType = publisher.write(
            "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nhi").read();
        assertThat(wrongType.status).isEqualTo(415);
        assertThat(counter(server, EngineCounterDescriptor.EVENTS_PUBLISHED)).as("nothing of a refused batch").isEqualTo(published);

        final RawHttpConnection.Response chunked = publisher.write(
            "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nTransfer-Encoding: chunked\r\n\r\n" +
            "C\r\n{\"topic\":\"sy\r\n13\r\nm2\",\"data\":\"last\"}\n\r\n0\r\n\r\n").read();
        assertThat(chunked.status).isEqualTo(200);
        assertThat(subscriber.awaitEvents(4, 5000)).isTrue();
        assertThat(subscriber.events().get(3).data).isEqualTo("last");
    }

    @Test
    void shouldRefuseInvalidUtf8TopicNamesAndDecodeResumeIds() throws IOException
    {
        start(ctx -> { });
        assertThat(HttpClient.status(HttpClient.exchange(server.port(), HttpClient.publishRequest("%FF", "x", true))))
            .isEqualTo(400);
        assertThat(HttpClient.status(HttpClient.exchange(server.port(),
            "GET /sse?topic=%FE HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"))).isEqualTo(400);
        assertThat(HttpClient.status(HttpClient.exchange(server.port(),
            HttpClient.publishRequest("%EF%BF%BD", "replacement character is a valid name", true)))).isEqualTo(200);

        final long first = ServerFixture.publish(server, "r", "one");
        final long second = ServerFixture.publish(server, "r", "two");
        // a resume point the sequencer has not reached yet is unknown to a subscription (reset): wait for it
        ServerFixture.await(() -> server.engine().sequencer().publishedEventId() >= second, 5000, "events sequenced");
        final String encodedFirst = String.valueOf(first).chars().mapToObj(c -> "%" + Integer.toHexString(c))
            .reduce("", String::concat);
        final SseClient resumed = subscribe("/sse/r?lastEventId=" + encodedFirst);
        assertThat(resumed.awaitEvents(1, 5000)).isTrue();
        assertThat(resumed.events().get(0).lastEventId).isEqualTo(String.valueOf(second));

        final SseClient garbage = subscribe("/sse/r", "Last-Event-ID: not-a-number");
        assertThat(garbage.awaitEvents(1, 5000)).isTrue();
        assertThat(garbage.events().get(0).type).isEqualTo("reset");
        assertThat(garbage.events().get(0).data).isEqualTo("{\"lastEventId\":null}");
    }

    @Test
    void shouldStreamToAnHttp10ClientWithACloseDelimitedBody() throws IOException
    {
        start(ctx -> ctx.writeMaxLength(64).heartbeatIntervalNs(TimeUnit.MILLISECONDS.toNanos(50)));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", server.port()))
        {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write("GET /sse/old HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            final java.io.InputStream in = socket.getInputStream();
            final StringBuilder head = new StringBuilder();
            while (!head.toString().endsWith("\r\n\r\n"))
            {
                head.append((char)in.read());
            }
            assertThat(head.toString()).startsWith("HTTP/1.1 200 ").contains("Connection: close")
                .doesNotContainIgnoringCase("transfer-encoding");
            await(() -> counter(server, TransportCounterDescriptor.SUBSCRIBERS_OPEN) == 1, 5000, "subscribed");

            // frames longer than one write, so runs end inside chunks
            final List<String> sent = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                sent.add("event " + i + " " + "x".repeat(i * 7) + "\nsecond line");
                ServerFixture.publish(server, "old", sent.get(i));
            }
            final EventStreamParser parser = new EventStreamParser();
            final byte[] buffer = new byte[4096];
            final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (parser.events().size() < sent.size() && System.nanoTime() < deadlineNs)
            {
                final int n = in.read(buffer);
                assertThat(n).isPositive();
                final String text = new String(buffer, 0, n, StandardCharsets.UTF_8);
                assertThat(text).as("no chunk framing").doesNotContain("\r\n");
                parser.onBytes(buffer, 0, n);
            }
            assertThat(parser.events()).extracting(e -> e.data).containsExactlyElementsOf(sent);
            assertThat(parser.retryMs()).isPositive();
        }
    }

    private static String batchRequest(final String body)
    {
        final byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        return "POST /publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: " +
            bytes.length + "\r\n\r\n" + body;
    }

    private void start(final Consumer<FanoutServer.Context> customise)
    {
        server = ServerFixture.start(dir, customise);
    }

    private RawHttpConnection connect() throws IOException
    {
        final RawHttpConnection connection = new RawHttpConnection(server.port());
        clients.add(connection);
        return connection;
    }

    private SseClient subscribe(final String path, final String... headers) throws IOException
    {
        final SseClient client = SseClient.connect(server.port(), path, headers);
        clients.add(client);
        await(() -> counter(server, TransportCounterDescriptor.SUBSCRIBERS_OPEN) >= clients.stream()
            .filter(c -> c instanceof SseClient).count(), 5000, "subscribed");
        return client;
    }
}
