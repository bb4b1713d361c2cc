package io.ssefanout.transport;

import io.ssefanout.testsupport.SseClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.counter;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Publishing with the HTTP clients people already have, each as its users call it, none told anything about this
 * server: the JDK's HttpClient with a streamed (chunked) and a fixed body, Python's urllib with an iterable body
 * (chunked), Node's http.request writing a body without Content-Length (chunked). Each event must reach a
 * subscriber with the id the publisher was answered.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class RealClientPublishTest
{
    @TempDir
    Path dir;

    private FanoutServer server;
    private SseClient subscriber;

    @BeforeEach
    void setUp() throws IOException
    {
        server = ServerFixture.start(dir, ctx -> { });
        subscriber = SseClient.connect(server.port(), "/sse?topic=jdk&topic=py&topic=node&topic=batch");
        await(() -> counter(server, TransportCounterDescriptor.SUBSCRIBERS_OPEN) == 1, 5000, "subscribed");
    }

    @AfterEach
    void tearDown() throws IOException
    {
        subscriber.close();
        server.close();
    }

    @Test
    void shouldPublishFromTheJdkHttpClientWithStreamedAndFixedBodies() throws Exception
    {
        final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
        final URI uri = URI.create("http://127.0.0.1:" + server.port() + "/publish/jdk?event=quote");
        final byte[] streamed = "streamed\nbody".getBytes(StandardCharsets.UTF_8);
        final HttpResponse<String> chunked = client.send(HttpRequest.newBuilder(uri)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(streamed))).build(),
            HttpResponse.BodyHandlers.ofString());
        final HttpResponse<String> fixed = client.send(HttpRequest.newBuilder(uri)
            .POST(HttpRequest.BodyPublishers.ofString("fixed body")).build(), HttpResponse.BodyHandlers.ofString());
        final HttpResponse<String> batch = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/publish"))
            .header("Content-Type", "application/x-ndjson")
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(
                "{\"topic\":\"batch\",\"data\":\"one\"}\n{\"topic\":\"batch\",\"data\":\"two\"}\n"
                    .getBytes(StandardCharsets.UTF_8)))).build(), HttpResponse.BodyHandlers.ofString());

        assertThat(chunked.statusCode()).isEqualTo(200);
        assertThat(fixed.statusCode()).isEqualTo(200);
        assertThat(batch.statusCode()).isEqualTo(200);
        assertThat(subscriber.awaitEvents(4, 5000)).isTrue();
        assertThat(subscriber.events()).extracting(e -> e.data)
            .containsExactly("streamed\nbody", "fixed body", "one", "two");
        assertThat(subscriber.events().get(0).type).isEqualTo("quote");
        assertThat(subscriber.events().get(0).lastEventId).isEqualTo(chunked.body());
        assertThat(subscriber.events().get(1).lastEventId).isEqualTo(fixed.body());
        assertThat(batch.body().split("\n")).containsExactly(
            subscriber.events().get(2).lastEventId, subscriber.events().get(3).lastEventId);

        final HttpResponse<Void> head = client.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + server.port() + "/health")).method("HEAD", HttpRequest.BodyPublishers.noBody())
            .build(), HttpResponse.BodyHandlers.discarding());
        assertThat(head.statusCode()).isEqualTo(200);
    }

    @Test
    void shouldPublishFromPythonUrllibWithAnIterableBody() throws Exception
    {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/python3"))).as("python3 installed (.ci/run installs it)").isTrue();
        final String script = String.join("\n",
            "import sys, urllib.request",
            "port = sys.argv[1]",
            "def parts():",
            "    yield b'from '",
            "    yield b'python'",
            "req = urllib.request.Request('http://127.0.0.1:' + port + '/publish/py', data=parts(), method='POST')",
            "with urllib.request.urlopen(req, timeout=10) as r:",
            "    print(r.status, r.read().decode())",
            "lines = (l.encode() for l in ['{\"topic\":\"batch\",\"data\":{\"px\":1}}\\n', '{\"topic\":\"batch\",\"data\":2}\\n'])",
            "req = urllib.request.Request('http://127.0.0.1:' + port + '/publish', data=lines, method='POST',",
            "    headers={'Content-Type': 'application/x-ndjson'})",
            "with urllib.request.urlopen(req, timeout=10) as r:",
            "    print(r.status, r.read().decode().replace('\\n', ' ').strip())",
            "");
        final List<String> output = run(List.of("/usr/bin/python3", "-c", script, String.valueOf(server.port())));
        assertThat(output).hasSize(2);
        assertThat(output.get(0)).startsWith("200 ");
        assertThat(output.get(1)).startsWith("200 ");
        assertThat(subscriber.awaitEvents(3, 5000)).isTrue();
        assertThat(subscriber.events()).extracting(e -> e.data).containsExactly("from python", "{\"px\":1}", "2");
        assertThat(subscriber.events().get(0).lastEventId).isEqualTo(output.get(0).substring(4));
    }

    @Test
    void shouldPublishFromNodeHttpRequestWithoutContentLength() throws Exception
    {
        final Path node = Files.isExecutable(Path.of("/usr/bin/node")) ? Path.of("/usr/bin/node") :
            Path.of("/usr/local/bin/node");
        assumeThat(Files.isExecutable(node)).as("node installed (.ci/run installs it)").isTrue();
        final String script = String.join("\n",
            "const http = require('http');",
            "const port = process.argv[process.argv.length - 1];",
            "function post(path, headers, parts) {",
            "  return new Promise((resolve, reject) => {",
            "    const req = http.request({ host: '127.0.0.1', port, path, method: 'POST', headers }, (res) => {",
            "      let body = ''; res.setEncoding('utf8');",
            "      res.on('data', (c) => body += c); res.on('end', () => resolve(res.statusCode + ' ' + body.trim().replace(/\\n/g, ' ')));",
            "    });",
            "    req.on('error', reject);",
            "    for (const p of parts) req.write(p);",
            "    req.end();",
            "  });",
            "}",
            "(async () => {",
            "  console.log(await post('/publish/node?event=n', {}, ['from ', 'node']));",
            "  console.log(await post('/publish', { 'Content-Type': 'application/x-ndjson' },",
            "    ['{\"topic\":\"batch\",\"data\":\"x\"}\\n', '{\"topic\":\"node\",\"data\":[1,2]}\\n']));",
            "})().catch((e) => { console.error(e); process.exit(1); });",
            "");
        final List<String> output = run(List.of(node.toString(), "-e", script, String.valueOf(server.port())));
        assertThat(output).hasSize(2);
        assertThat(output.get(0)).startsWith("200 ");
        assertThat(output.get(1)).startsWith("200 ");
        assertThat(subscriber.awaitEvents(3, 5000)).isTrue();
        assertThat(subscriber.events()).extracting(e -> e.data).containsExactly("from node", "x", "[1,2]");
        assertThat(subscriber.events().get(0).type).isEqualTo("n");
        assertThat(subscriber.events().get(0).lastEventId).isEqualTo(output.get(0).substring(4));
    }

    @Test
    void shouldPublishFromCurlChunkedAndAsABatchFileAndAnswerItsHead() throws Exception
    {
        assumeThat(Files.isExecutable(Path.of("/usr/bin/curl"))).as("curl installed (.ci/run installs it)").isTrue();
        final String base = "http://127.0.0.1:" + server.port();
        final List<String> chunked = run(List.of("/usr/bin/curl", "-sS", "-H", "Transfer-Encoding: chunked",
            "--data-binary", "from curl", base + "/publish/jdk"));
        final Path file = Files.writeString(dir.resolve("events.ndjson"),
            "{\"topic\":\"batch\",\"event\":\"tick\",\"data\":\"a\"}\n{\"topic\":\"batch\",\"data\":\"b\"}\n");
        final List<String> batch = run(List.of("/usr/bin/curl", "-sS", "--data-binary", "@" + file,
            "-H", "Content-Type: application/x-ndjson", base + "/publish"));
        final List<String> head = run(List.of("/usr/bin/curl", "-sS", "-I", base + "/sse/jdk"));

        assertThat(subscriber.awaitEvents(3, 5000)).isTrue();
        assertThat(subscriber.events()).extracting(e -> e.data).containsExactly("from curl", "a", "b");
        assertThat(chunked).containsExactly(subscriber.events().get(0).lastEventId);
        assertThat(batch).containsExactly(subscriber.events().get(1).lastEventId, subscriber.events().get(2).lastEventId);
        assertThat(head.get(0)).startsWith("HTTP/1.1 200");
        assertThat(head).anyMatch(line -> line.startsWith("Content-Type: text/event-stream"));
    }

    private static List<String> run(final List<String> command) throws IOException, InterruptedException
    {
        final Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly();
            throw new AssertionError(command.get(0) + " did not finish");
        }
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as(output).isZero();
        return output.lines().toList();
    }
}
