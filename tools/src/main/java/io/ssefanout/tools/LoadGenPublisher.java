package io.ssefanout.tools;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The load generator's publishing side: each publisher thread owns one keep-alive connection and sends its share of
 * the events at their intended times, one per request or N per NDJSON batch ({@code --pub-batch}), each stamped
 * with its intended send time so coordinated omission is charged to latency. Marks each published event's topic so
 * the subscribers' deliveries can be checked against it.
 */
final class LoadGenPublisher
{
    private static final long HIGHEST_LATENCY_NS = TimeUnit.SECONDS.toNanos(120);

    private final LoadGenSettings settings;
    private final int totalEvents;
    private final int[] plannedTopic;
    private final int[] topicOfSeq;
    private final Histogram publishLag = new Histogram(HIGHEST_LATENCY_NS, 3);
    private final AtomicLong pubErrors = new AtomicLong();
    private volatile String firstError = "";
    private volatile long startNs;

    /**
     * @param plannedTopic the topic of each event to publish, indexed by its sequence.
     * @param topicOfSeq   filled with the topic of each event that was published, indexed by its sequence.
     */
    LoadGenPublisher(final LoadGenSettings settings, final int[] plannedTopic, final int[] topicOfSeq)
    {
        this.settings = settings;
        this.totalEvents = plannedTopic.length;
        this.plannedTopic = plannedTopic;
        this.topicOfSeq = topicOfSeq;
    }

    /**
     * @param startNs when event 0 is due; event {@code s} is due {@code s / rate} seconds later.
     */
    void startAt(final long startNs)
    {
        this.startNs = startNs;
    }

    /**
     * @return how late each request went out against its intended time.
     */
    Histogram publishLag()
    {
        return publishLag;
    }

    long errorCount()
    {
        return pubErrors.get();
    }

    String firstError()
    {
        return firstError;
    }

    void publish(final int publisherIndex)
    {
        if (settings.pubBatch > 1)
        {
            publishBatches(publisherIndex);
            return;
        }
        final byte[] pad = new byte[settings.size];
        Arrays.fill(pad, (byte)'x');
        final byte[] response = new byte[4096];
        Socket socket = null;
        try
        {
            for (int seq = publisherIndex; seq < totalEvents; seq += settings.pubConnections)
            {
                final long intendedNs = startNs + (long)seq * 1_000_000_000L / settings.ratePerSecond;
                long waitNs;
                while ((waitNs = intendedNs - System.nanoTime()) > 0)
                {
                    LockSupport.parkNanos(waitNs);
                    if (Thread.currentThread().isInterrupted())
                    {
                        return;
                    }
                }
                final int topic = plannedTopic[seq];
                final URI uri = settings.publishUri(topic);
                if (null == socket || socket.isClosed())
                {
                    socket = new Socket();
                    socket.setTcpNoDelay(true);
                    socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
                    socket.setSoTimeout(30_000);
                }
                final String prefix = "{\"ts\":" + intendedNs + ",\"seq\":" + seq + ",\"pad\":\"";
                final int padLength = Math.max(0, settings.size - prefix.length() - 2);
                final byte[] body = new byte[prefix.length() + padLength + 2];
                System.arraycopy(prefix.getBytes(StandardCharsets.US_ASCII), 0, body, 0, prefix.length());
                System.arraycopy(pad, 0, body, prefix.length(), padLength);
                body[body.length - 2] = '"';
                body[body.length - 1] = '}';
                final String path = uri.getRawPath() + (null == uri.getRawQuery() ? "" : "?" + uri.getRawQuery());
                final byte[] head = ("POST " + path + " HTTP/1.1\r\nHost: " + uri.getHost() +
                    "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
                final OutputStream out = socket.getOutputStream();
                synchronized (publishLag)
                {
                    publishLag.recordValue(Math.min(Math.max(0, System.nanoTime() - intendedNs), HIGHEST_LATENCY_NS));
                }
                out.write(concat(head, body));
                final int status = readResponse(socket.getInputStream(), response);
                if (status >= 200 && status < 300)
                {
                    topicOfSeq[seq] = topic;
                }
                else
                {
                    onPublishError("publish HTTP " + status);
                    if (status < 0)
                    {
                        socket.close();
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            onPublishError("publish: " + ex);
        }
        finally
        {
            if (null != socket)
            {
                try
                {
                    socket.close();
                }
                catch (final IOException ignore)
                {
                    // closing a publisher socket at the end
                }
            }
        }
    }

    /**
     * Publish this connection's share of the events N at a time, one NDJSON request each, sent when the last event
     * of the batch is due: the earlier ones wait for it, and their latency says so (stamped with their own times).
     */
    private void publishBatches(final int publisherIndex)
    {
        final byte[] response = new byte[1 << 20];
        final URI uri = settings.batchPublishUri();
        final int step = settings.pubConnections;
        final int[] seqs = new int[settings.pubBatch];
        final StringBuilder body = new StringBuilder();
        try (Socket socket = new Socket())
        {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5000);
            socket.setSoTimeout(30_000);
            for (int seq = publisherIndex; seq < totalEvents; )
            {
                int count = 0;
                for (; count < seqs.length && seq < totalEvents; count++, seq += step)
                {
                    seqs[count] = seq;
                }
                final long dueNs = startNs + (long)seqs[count - 1] * 1_000_000_000L / settings.ratePerSecond;
                long waitNs;
                while ((waitNs = dueNs - System.nanoTime()) > 0)
                {
                    LockSupport.parkNanos(waitNs);
                    if (Thread.currentThread().isInterrupted())
                    {
                        return;
                    }
                }
                body.setLength(0);
                for (int i = 0; i < count; i++)
                {
                    final int s = seqs[i];
                    final long intendedNs = startNs + (long)s * 1_000_000_000L / settings.ratePerSecond;
                    final String prefix = "{\"ts\":" + intendedNs + ",\"seq\":" + s + ",\"pad\":\"";
                    body.append("{\"topic\":\"").append(settings.topicName(plannedTopic[s]))
                        .append("\",\"data\":").append(prefix)
                        .append("x".repeat(Math.max(0, settings.size - prefix.length() - 2))).append("\"}}\n");
                }
                final byte[] bytes = body.toString().getBytes(StandardCharsets.US_ASCII);
                final byte[] head = ("POST /publish HTTP/1.1\r\nHost: " + uri.getHost() +
                    "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
                synchronized (publishLag)
                {
                    publishLag.recordValue(Math.min(Math.max(0, System.nanoTime() - dueNs), HIGHEST_LATENCY_NS));
                }
                socket.getOutputStream().write(concat(head, bytes));
                final int status = readResponse(socket.getInputStream(), response);
                if (200 == status)
                {
                    for (int i = 0; i < count; i++)
                    {
                        topicOfSeq[seqs[i]] = plannedTopic[seqs[i]];
                    }
                }
                else
                {
                    onPublishError("batch publish HTTP " + status);
                    if (status < 0)
                    {
                        return;
                    }
                }
            }
        }
        catch (final IOException ex)
        {
            onPublishError("batch publish: " + ex);
        }
    }

    private void onPublishError(final String error)
    {
        if (0 == pubErrors.getAndIncrement())
        {
            firstError = error;
        }
    }

    /**
     * Read one response (head and Content-Length body).
     *
     * @return status, -1 when the connection closed.
     */
    static int readResponse(final InputStream in, final byte[] buffer) throws IOException
    {
        int length = 0;
        int headEnd = -1;
        while (headEnd < 0)
        {
            final int n = in.read(buffer, length, buffer.length - length);
            if (n < 0)
            {
                return -1;
            }
            length += n;
            for (int i = 3; i < length; i++)
            {
                if ('\n' == buffer[i] && '\r' == buffer[i - 1] && '\n' == buffer[i - 2])
                {
                    headEnd = i + 1;
                    break;
                }
            }
        }
        final String head = new String(buffer, 0, headEnd, StandardCharsets.ISO_8859_1);
        final int status = Integer.parseInt(head.substring(9, 12));
        final int lengthAt = head.toLowerCase(Locale.ROOT).indexOf("content-length:");
        int bodyLength = 0;
        if (lengthAt >= 0)
        {
            bodyLength = Integer.parseInt(head.substring(lengthAt + 15, head.indexOf('\r', lengthAt)).trim());
        }
        int remaining = bodyLength - (length - headEnd);
        while (remaining > 0)
        {
            final int n = in.read(buffer, 0, Math.min(buffer.length, remaining));
            if (n < 0)
            {
                return -1;
            }
            remaining -= n;
        }
        return status;
    }

    private static byte[] concat(final byte[] a, final byte[] b)
    {
        final byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }
}
