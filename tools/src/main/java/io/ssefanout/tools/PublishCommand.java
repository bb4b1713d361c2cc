package io.ssefanout.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * {@code fanout publish TOPIC [DATA]}: publish one event, or one event per line of stdin, over HTTP keep-alive.
 * Prints each assigned id; exits non-zero on the first failure.
 */
final class PublishCommand
{
    private PublishCommand()
    {
    }

    static void run(final String[] args) throws IOException, InterruptedException
    {
        if (args.length < 1)
        {
            System.err.println("usage: fanout publish TOPIC [DATA] [--url http://127.0.0.1:8080] [--event NAME]");
            System.exit(2);
        }
        final String baseUrl = System.getProperty("fanout.url", "http://127.0.0.1:" + System.getProperty("fanout.port", "8080"));
        final String eventType = System.getProperty("fanout.event");
        String url = baseUrl + "/publish/" + URLEncoder.encode(args[0], StandardCharsets.UTF_8).replace("+", "%20");
        if (null != eventType)
        {
            url += "?event=" + URLEncoder.encode(eventType, StandardCharsets.UTF_8);
        }
        final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
        final URI uri = URI.create(url);
        if (args.length >= 2)
        {
            publish(client, uri, args[1]);
            return;
        }
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = in.readLine()))
            {
                publish(client, uri, line);
            }
        }
    }

    private static void publish(final HttpClient client, final URI uri, final String data)
        throws IOException, InterruptedException
    {
        final HttpRequest request = HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(10))
            .POST(HttpRequest.BodyPublishers.ofString(data, StandardCharsets.UTF_8))
            .build();
        final HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (200 != response.statusCode())
        {
            System.err.println("publish failed: " + response.statusCode() + " " + response.body().trim());
            System.exit(1);
        }
        System.out.println(response.body());
    }
}
