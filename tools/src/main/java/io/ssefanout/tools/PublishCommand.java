package io.ssefanout.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code fanout publish TOPIC [DATA]}: publish DATA as one event, or each line of stdin as one event. Lines are sent
 * as NDJSON batches to {@code POST /publish} as they arrive: a batch goes when it is full or a few milliseconds
 * after its first line, so a pipe of many lines costs few requests and a slow trickle is not held back. Each
 * request is retried by {@link RetryingPublisher}. Prints the assigned ids, one per event (unless {@code --quiet});
 * exits 1 on the first request that fails.
 */
final class PublishCommand
{
    static final String USAGE = "usage: fanout publish TOPIC [DATA] [--url http://127.0.0.1:8080] [--event NAME] " +
        "[--token JWT] [--quiet] [--batch.max 500] [--batch.linger.ms 5] [--retry.deadline.ms 30000]";

    private static final String END = new String("end of input");

    private PublishCommand()
    {
    }

    static void run(final String[] args) throws InterruptedException
    {
        try
        {
            publish(args);
        }
        catch (final java.net.ConnectException ex)
        {
            System.err.println("publish failed: " + ex.getMessage());
            System.exit(1);
        }
        catch (final IOException ex)
        {
            // the request may have reached the server: retrying could publish it twice, so stop and say so
            System.err.println("publish failed, outcome unknown (not retried): " + ex);
            System.exit(1);
        }
    }

    private static void publish(final String[] args) throws IOException, InterruptedException
    {
        if (args.length < 1 || args.length > 2)
        {
            System.err.println(USAGE);
            System.exit(2);
        }
        final String baseUrl = System.getProperty(
            "fanout.url", "http://127.0.0.1:" + System.getProperty("fanout.port", "8080"));
        final String topic = args[0];
        final String eventType = System.getProperty("fanout.event");
        final boolean isQuiet = Boolean.getBoolean("fanout.quiet");
        final int batchMax = Integer.getInteger("fanout.batch.max", 500);
        final long lingerMs = Long.getLong("fanout.batch.linger.ms", 5);
        final RetryingPublisher publisher = new RetryingPublisher(
            System.getProperty("fanout.token"), Long.getLong("fanout.retry.deadline.ms", 30_000));
        final PrintStream out = System.out;

        if (2 == args.length)
        {
            String path = baseUrl + "/publish/" + URLEncoder.encode(topic, StandardCharsets.UTF_8).replace("+", "%20");
            if (null != eventType)
            {
                path += "?event=" + URLEncoder.encode(eventType, StandardCharsets.UTF_8);
            }
            final RetryingPublisher.Result result = publisher.send(
                URI.create(path), "text/plain; charset=utf-8", args[1].getBytes(StandardCharsets.UTF_8));
            exitOnFailure(result);
            if (!isQuiet)
            {
                out.println(result.body.trim());
            }
            return;
        }

        final BlockingQueue<String> lines = new ArrayBlockingQueue<>(batchMax * 4);
        final Thread reader = new Thread(() -> readLines(lines), "fanout-publish-stdin");
        reader.setDaemon(true);
        reader.start();

        final URI batchUri = URI.create(baseUrl + "/publish");
        final String prefix = "{\"topic\":" + JsonText.quote(topic) +
            (null != eventType ? ",\"event\":" + JsonText.quote(eventType) : "") + ",\"data\":";
        final List<String> batch = new ArrayList<>(batchMax);
        boolean isEnd = false;
        while (!isEnd)
        {
            final String first = lines.take();
            if (END == first)
            {
                break;
            }
            batch.add(first);
            final long sendByNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(lingerMs);
            while (batch.size() < batchMax)
            {
                final String next = lines.poll(Math.max(0, sendByNs - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (null == next)
                {
                    break;
                }
                if (END == next)
                {
                    isEnd = true;
                    break;
                }
                batch.add(next);
            }
            final StringBuilder body = new StringBuilder();
            for (final String line : batch)
            {
                body.append(prefix).append(JsonText.quote(line)).append("}\n");
            }
            final RetryingPublisher.Result result = publisher.send(
                batchUri, "application/x-ndjson", body.toString().getBytes(StandardCharsets.UTF_8));
            exitOnFailure(result);
            if (!isQuiet)
            {
                out.print(result.body);
                out.flush();
            }
            batch.clear();
        }
    }

    private static void readLines(final BlockingQueue<String> lines)
    {
        try (BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8)))
        {
            String line;
            while (null != (line = in.readLine()))
            {
                lines.put(line);
            }
        }
        catch (final IOException ex)
        {
            System.err.println("reading stdin: " + ex.getMessage());
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
        try
        {
            lines.put(END);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private static void exitOnFailure(final RetryingPublisher.Result result)
    {
        if (200 != result.status)
        {
            System.out.flush();
            System.err.println("publish failed: " + result.status + " " + result.body.trim());
            System.exit(1);
        }
    }
}
