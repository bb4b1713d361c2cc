package io.ssefanout.tools;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * Sends one publish request and retries it only when the server said it published nothing: a {@code 503} (ring
 * full, shutting down; its {@code Retry-After} is honoured) or a refused connection (nothing was sent). Waits grow
 * exponentially with full jitter (a random wait up to the current bound, so retrying publishers spread out) until
 * a deadline. Any other answer, or a failure after the request may have reached the server, ends the attempt:
 * a batch either landed with its ids or did not, so no event is ever published twice.
 */
final class RetryingPublisher
{
    /** Outcome of {@link #send}. */
    static final class Result
    {
        final int status;
        final String body;

        Result(final int status, final String body)
        {
            this.status = status;
            this.body = body;
        }
    }

    private static final long BASE_BACKOFF_MS = 25;
    private static final long MAX_BACKOFF_MS = 2_000;

    private final HttpClient client;
    private final String token;
    private final long retryDeadlineMs;
    private int retries;
    private long nextNoticeNs = System.nanoTime();
    private boolean isNoticed;

    RetryingPublisher(final String token, final long retryDeadlineMs)
    {
        this.client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
        this.token = token;
        this.retryDeadlineMs = retryDeadlineMs;
    }

    /**
     * @return retries made so far, over every send.
     */
    int retries()
    {
        return retries;
    }

    /**
     * Send a body, retrying as described above.
     *
     * @return the last answer: 200 with the ids, or the status that ended the attempt.
     * @throws IOException when the outcome is unknown (the connection failed after the request was sent) or the
     *                     deadline passed while the server could not be reached.
     */
    Result send(final URI uri, final String contentType, final byte[] body) throws IOException, InterruptedException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(retryDeadlineMs);
        for (int attempt = 0; ; attempt++)
        {
            final HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .timeout(Duration.ofSeconds(10))
                .header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
            if (null != token)
            {
                request.header("Authorization", "Bearer " + token);
            }
            long retryAfterMs = 0;
            String why;
            try
            {
                final HttpResponse<String> response =
                    client.send(request.build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
                if (503 != response.statusCode())
                {
                    return new Result(response.statusCode(), response.body());
                }
                why = "503 " + response.body().trim();
                retryAfterMs = response.headers().firstValue("Retry-After").map(RetryingPublisher::retryAfterMs).orElse(0L);
            }
            catch (final ConnectException ex)
            {
                why = "connection refused";
                noticeNoServer(uri, deadlineNs);
            }

            final long boundMs = Math.min(MAX_BACKOFF_MS, BASE_BACKOFF_MS << Math.min(attempt, 20));
            final long waitMs = Math.max(retryAfterMs, ThreadLocalRandom.current().nextLong(boundMs + 1));
            if (System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs) > deadlineNs)
            {
                if (why.startsWith("503"))
                {
                    return new Result(503, why.substring(4));
                }
                throw new ConnectException(why + " until the retry deadline (" + retryDeadlineMs + " ms) " + uri);
            }
            retries++;
            Thread.sleep(waitMs);
        }
    }

    /**
     * Say at once that nothing answers, then how long the retries go on, at most once a second (stderr: the ids on
     * stdout stay clean).
     */
    private void noticeNoServer(final URI uri, final long deadlineNs)
    {
        final long nowNs = System.nanoTime();
        if (nowNs - nextNoticeNs < 0)
        {
            return;
        }
        nextNoticeNs = nowNs + TimeUnit.SECONDS.toNanos(1);
        final long leftS = Math.max(0, TimeUnit.NANOSECONDS.toSeconds(deadlineNs - nowNs));
        System.err.println((isNoticed ? "still no server at " : "no server at ") + uri.getHost() + ":" + uri.getPort() +
            " (connection refused); retrying for " + leftS + " s more (--retry.deadline.ms), Ctrl-C to stop");
        isNoticed = true;
    }

    private static long retryAfterMs(final String value)
    {
        try
        {
            return TimeUnit.SECONDS.toMillis(Long.parseLong(value.trim()));
        }
        catch (final NumberFormatException ex)
        {
            return 0;
        }
    }
}
