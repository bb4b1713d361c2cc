package io.ssefanout.tools;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Minimal Chrome DevTools Protocol client over the JDK's WebSocket: attach to the page a headless browser opened
 * and evaluate expressions in it. Test support.
 */
final class DevToolsPage implements AutoCloseable
{
    private static final Pattern WS_URL = Pattern.compile("\"webSocketDebuggerUrl\"\\s*:\\s*\"(ws://[^\"]+/page/[^\"]+)\"");
    private static final Pattern VALUE = Pattern.compile("\"value\"\\s*:\\s*(\"((?:[^\"\\\\]|\\\\.)*)\"|[-0-9.eE]+|true|false)");

    private final WebSocket webSocket;
    private final AtomicInteger nextId = new AtomicInteger();
    private volatile CompletableFuture<String> pending = new CompletableFuture<>();

    private DevToolsPage(final WebSocket.Builder builder, final URI uri) throws Exception
    {
        this.webSocket = builder.buildAsync(uri, new Listener()).get(10, TimeUnit.SECONDS);
    }

    static DevToolsPage attach(final Path profile, final long timeoutMs) throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        final Path portFile = profile.resolve("DevToolsActivePort");
        final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        while (System.nanoTime() < deadlineNs)
        {
            if (Files.exists(portFile))
            {
                final String[] lines = Files.readString(portFile, StandardCharsets.UTF_8).split("\n");
                if (lines.length >= 1 && !lines[0].isBlank())
                {
                    final HttpResponse<String> targets = client.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + lines[0].trim() + "/json/list")).build(),
                        HttpResponse.BodyHandlers.ofString());
                    final Matcher matcher = WS_URL.matcher(targets.body());
                    if (matcher.find())
                    {
                        return new DevToolsPage(client.newWebSocketBuilder(), URI.create(matcher.group(1)));
                    }
                }
            }
            Thread.onSpinWait();
        }
        throw new IOException("browser did not open its DevTools port in time");
    }

    /**
     * Evaluate an expression in the page and return its value as text.
     */
    String evaluate(final String expression) throws Exception
    {
        final CompletableFuture<String> response = new CompletableFuture<>();
        pending = response;
        final String message = "{\"id\":" + nextId.incrementAndGet() + ",\"method\":\"Runtime.evaluate\",\"params\":" +
            "{\"expression\":\"" + expression.replace("\\", "\\\\").replace("\"", "\\\"") + "\",\"returnByValue\":true}}";
        webSocket.sendText(message, true).get(10, TimeUnit.SECONDS);
        final String json = response.get(10, TimeUnit.SECONDS);
        final Matcher matcher = VALUE.matcher(json);
        if (!matcher.find())
        {
            throw new IOException("no value in " + json);
        }
        return null != matcher.group(2) ? matcher.group(2) : matcher.group(1);
    }

    @Override
    public void close()
    {
        webSocket.abort();
    }

    private final class Listener implements WebSocket.Listener
    {
        private final StringBuilder text = new StringBuilder();

        @Override
        public CompletionStage<?> onText(final WebSocket webSocket, final CharSequence data, final boolean last)
        {
            text.append(data);
            if (last)
            {
                final String message = text.toString();
                text.setLength(0);
                if (message.contains("\"id\":"))
                {
                    pending.complete(message);
                }
            }
            webSocket.request(1);
            return null;
        }
    }
}
