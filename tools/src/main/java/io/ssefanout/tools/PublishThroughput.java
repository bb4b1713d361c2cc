package io.ssefanout.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code fanout pubbench}: how many events one publisher connection pushes into an SSE Fanout server, one request
 * in flight at a time (closed loop), as single events ({@code POST /publish/{topic}}) or NDJSON batches of N
 * ({@code POST /publish}); with {@code --server-pid}, the server's CPU per published event from /proc (the process
 * and its children). The request bytes are built once, so the client costs as little as it can and the server is
 * what is measured. Single events go to {@code /publish/sym{i}}, a path nchan's peer configuration also serves.
 */
final class PublishThroughput
{
    private static long refusals;

    private PublishThroughput()
    {
    }

    static final String USAGE = "usage: fanout pubbench [--url http://127.0.0.1:8080] [--batch 1] [--topics 1000]" +
        " [--size 128] [--duration 10] [--warmup 3] [--server-pid PID]";

    static void run(final String[] args) throws IOException
    {
        String url = "http://127.0.0.1:8080";
        int batch = 1;
        int topics = 1000;
        int size = 128;
        int durationSeconds = 10;
        int warmupSeconds = 3;
        long serverPid = -1;
        for (int i = 0; i < args.length; i++)
        {
            final String value = i + 1 < args.length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--url": url = value; i++; break;
                case "--batch": batch = Flags.intValue(args[i], value); i++; break;
                case "--topics": topics = Flags.intValue(args[i], value); i++; break;
                case "--size": size = Flags.intValue(args[i], value); i++; break;
                case "--duration": durationSeconds = Flags.intValue(args[i], value); i++; break;
                case "--warmup": warmupSeconds = Flags.intValue(args[i], value); i++; break;
                case "--server-pid": serverPid = Flags.longValue(args[i], value); i++; break;
                default:
                    throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        final URI base = URI.create(url);
        final byte[][] requests = requests(base, batch, topics, size);
        final byte[] response = new byte[1 << 20];
        try (Socket socket = new Socket())
        {
            socket.setTcpNoDelay(true);
            socket.connect(new InetSocketAddress(base.getHost(), base.getPort()), 5000);
            socket.setSoTimeout(30_000);
            final OutputStream out = socket.getOutputStream();
            final InputStream in = socket.getInputStream();
            int next = 0;
            final long warmupEndNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(warmupSeconds);
            while (System.nanoTime() < warmupEndNs)
            {
                publish(out, in, requests[next], response);
                next = (next + 1) % requests.length;
            }
            refusals = 0;
            final long cpuStartMicros = serverPid > 0 ? ProcStats.cpuMicros(serverPid) : -1;
            final long startNs = System.nanoTime();
            final long endNs = startNs + TimeUnit.SECONDS.toNanos(durationSeconds);
            long requestCount = 0;
            while (System.nanoTime() < endNs)
            {
                publish(out, in, requests[next], response);
                next = (next + 1) % requests.length;
                requestCount++;
            }
            final double seconds = (System.nanoTime() - startNs) / 1e9;
            final long events = requestCount * batch;
            final StringBuilder line = new StringBuilder(String.format(Locale.ROOT,
                "batch %d: %d requests, %d events in %.1f s = %.0f events/s, %.1f µs per request",
                batch, requestCount, events, seconds, events / seconds, seconds * 1e6 / requestCount));
            line.append(", ").append(refusals).append(" refused with 503 and retried");
            if (serverPid > 0)
            {
                final long cpuMicros = ProcStats.cpuMicros(serverPid) - cpuStartMicros;
                line.append(String.format(Locale.ROOT, ", server CPU %.2f µs per event (%.0f%% of a core)",
                    (double)cpuMicros / events, cpuMicros / (seconds * 1e4)));
            }
            System.out.println(line);
        }
    }

    /**
     * Publish one request, retrying it after a millisecond while the server answers 503 (its ring is full: the
     * closed loop outruns the sequencer); those retries are counted, not timed separately.
     */
    private static void publish(final OutputStream out, final InputStream in, final byte[] request, final byte[] buffer)
        throws IOException
    {
        while (503 == exchange(out, in, request, buffer))
        {
            refusals++;
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
        }
    }

    /**
     * @return the status: 2xx or 503; any other answer fails the run.
     */
    private static int exchange(final OutputStream out, final InputStream in, final byte[] request, final byte[] buffer)
        throws IOException
    {
        out.write(request);
        final int status = LoadGenPublisher.readResponse(in, buffer);
        if (status < 0)
        {
            throw new IOException("server closed the connection");
        }
        if (status / 100 != 2 && 503 != status)
        {
            throw new IOException("publish refused: HTTP " + status);
        }
        return status;
    }

    /**
     * Requests that walk the topics round-robin, so consecutive events go to different topics as in market data.
     */
    private static byte[][] requests(final URI base, final int batch, final int topics, final int size)
    {
        final String data = "x".repeat(size);
        final int count = Math.max(1, topics / batch);
        final byte[][] requests = new byte[count][];
        int topic = 0;
        for (int r = 0; r < count; r++)
        {
            final String head;
            final String body;
            if (1 == batch)
            {
                body = data;
                head = "POST /publish/sym" + topic + " HTTP/1.1\r\nHost: " + base.getHost() +
                    "\r\nContent-Type: text/plain\r\nContent-Length: " + body.length() + "\r\n\r\n";
                topic = (topic + 1) % topics;
            }
            else
            {
                final StringBuilder lines = new StringBuilder();
                for (int i = 0; i < batch; i++)
                {
                    lines.append("{\"topic\":\"sym").append(topic).append("\",\"data\":\"").append(data).append("\"}\n");
                    topic = (topic + 1) % topics;
                }
                body = lines.toString();
                head = "POST /publish HTTP/1.1\r\nHost: " + base.getHost() +
                    "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " + body.length() + "\r\n\r\n";
            }
            requests[r] = (head + body).getBytes(StandardCharsets.US_ASCII);
        }
        return requests;
    }
}
