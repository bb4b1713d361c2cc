package io.ssefanout.tools;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code fanout abuse}: the attacks of the abuse suite, run against a server for a bounded time so that a load
 * generator beside it can measure what they cost well-behaved subscribers. Loopback only; every loop is bounded by
 * the duration and paced.
 * <p>
 * Attacks, each on its own thread: slow-loris sockets trickling a request a byte at a time; connect/disconnect churn
 * (empty, partial GET, partial POST); malformed and hostile requests answered one by one (bad request lines,
 * oversized headers and bodies, bad percent-encoding, unknown methods and paths, bogus tokens, pipelined publishes
 * to a separate topic); subscribers that never read, reopened every few seconds.
 */
final class AbuseGenerator
{
    private static final byte[] LORIS_REQUEST =
        "GET /sse/loris HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ".getBytes(StandardCharsets.US_ASCII);

    private final String host;
    private final int port;
    private final long endNs;
    private final int lorisSockets;
    private final int churnPerSecond;
    private final int neverReaders;
    private final String neverReaderTopic;
    private final Map<String, AtomicLong> outcomes = new TreeMap<>();

    private AbuseGenerator(
        final String host,
        final int port,
        final int durationSeconds,
        final int lorisSockets,
        final int churnPerSecond,
        final int neverReaders,
        final String neverReaderTopic)
    {
        this.host = host;
        this.port = port;
        this.endNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(durationSeconds);
        this.lorisSockets = lorisSockets;
        this.churnPerSecond = churnPerSecond;
        this.neverReaders = neverReaders;
        this.neverReaderTopic = neverReaderTopic;
    }

    static final String USAGE = "usage: fanout abuse [--host 127.0.0.1] [--port 8080] [--duration 30] " +
        "[--slow-loris 50] [--churn-rate 200] [--never-readers 20] [--never-reader-topic bench0]";

    static void run(final String[] args) throws InterruptedException
    {
        String host = "127.0.0.1";
        int port = 8080;
        int duration = 30;
        int loris = 50;
        int churn = 200;
        int neverReaders = 20;
        String topic = "bench0";
        if (0 != args.length % 2)
        {
            throw new IllegalArgumentException("every flag takes a value: " + String.join(" ", args));
        }
        for (int i = 0; i + 1 < args.length; i += 2)
        {
            final String value = args[i + 1];
            switch (args[i])
            {
                case "--host": host = value; break;
                case "--port": port = Flags.intValue(args[i], value); break;
                case "--duration": duration = Flags.intValue(args[i], value); break;
                case "--slow-loris": loris = Flags.intValue(args[i], value); break;
                case "--churn-rate": churn = Flags.intValue(args[i], value); break;
                case "--never-readers": neverReaders = Flags.intValue(args[i], value); break;
                case "--never-reader-topic": topic = value; break;
                default: throw new IllegalArgumentException("unknown flag " + args[i]);
            }
        }
        if (!host.startsWith("127."))
        {
            throw new IllegalArgumentException("abuse traffic goes to loopback (127.0.0.0/8) only: " + host);
        }
        final StringBuilder summary = new StringBuilder("abuse done:");
        attack(host, port, duration, loris, churn, neverReaders, topic)
            .forEach((name, count) -> summary.append(' ').append(name).append('=').append(count));
        System.out.println(summary);
    }

    /**
     * Run every attack for {@code durationSeconds}.
     *
     * @return how often each outcome was seen: {@code status-NNN} per answer, {@code churn-cycles},
     *         {@code loris-bytes}, {@code loris-cut}, {@code never-readers-opened}, and errors by kind.
     */
    static Map<String, Long> attack(
        final String host,
        final int port,
        final int durationSeconds,
        final int lorisSockets,
        final int churnPerSecond,
        final int neverReaders,
        final String neverReaderTopic) throws InterruptedException
    {
        return new AbuseGenerator(host, port, durationSeconds, lorisSockets, churnPerSecond, neverReaders, neverReaderTopic)
            .runAll();
    }

    private Map<String, Long> runAll() throws InterruptedException
    {
        final List<Thread> threads = new ArrayList<>();
        threads.add(new Thread(this::slowLoris, "abuse-loris"));
        threads.add(new Thread(this::churn, "abuse-churn"));
        threads.add(new Thread(this::hostileRequests, "abuse-requests"));
        threads.add(new Thread(this::neverReadingSubscribers, "abuse-never-read"));
        for (final Thread thread : threads)
        {
            thread.start();
        }
        for (final Thread thread : threads)
        {
            thread.join();
        }
        final Map<String, Long> counts = new TreeMap<>();
        synchronized (outcomes)
        {
            outcomes.forEach((name, count) -> counts.put(name, count.get()));
        }
        return counts;
    }

    private boolean isRunning()
    {
        return System.nanoTime() < endNs;
    }

    private void count(final String outcome)
    {
        synchronized (outcomes)
        {
            outcomes.computeIfAbsent(outcome, name -> new AtomicLong()).incrementAndGet();
        }
    }

    private Socket connect(final int readTimeoutMs) throws IOException
    {
        final Socket socket = new Socket();
        socket.connect(new InetSocketAddress(host, port), 2000);
        socket.setSoTimeout(readTimeoutMs);
        return socket;
    }

    /** Sockets that send a request one byte per second per socket and reconnect when the server gives up. */
    private void slowLoris()
    {
        final Socket[] sockets = new Socket[lorisSockets];
        final int[] sent = new int[lorisSockets];
        while (isRunning())
        {
            for (int i = 0; i < sockets.length && isRunning(); i++)
            {
                try
                {
                    if (null == sockets[i])
                    {
                        sockets[i] = connect(1);
                        sent[i] = 0;
                    }
                    final OutputStream out = sockets[i].getOutputStream();
                    out.write(sent[i] < LORIS_REQUEST.length ? LORIS_REQUEST[sent[i]] : 'x');
                    out.flush();
                    sent[i]++;
                    count("loris-bytes");
                }
                catch (final IOException ex)
                {
                    count("loris-cut");
                    closeQuietly(sockets[i]);
                    sockets[i] = null;
                }
            }
            pause(TimeUnit.SECONDS.toNanos(1));
        }
        for (final Socket socket : sockets)
        {
            closeQuietly(socket);
        }
    }

    /** Connect and drop at a fixed rate: nothing, half a GET, half a POST. */
    private void churn()
    {
        final byte[][] variants = {
            new byte[0],
            "GET /sse/churn HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII),
            "POST /publish/churn HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc".getBytes(StandardCharsets.US_ASCII),
        };
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / Math.max(1, churnPerSecond);
        long next = System.nanoTime();
        for (long cycle = 0; isRunning(); cycle++)
        {
            try (Socket socket = connect(1000))
            {
                socket.getOutputStream().write(variants[(int)(cycle % variants.length)]);
                count("churn-cycles");
            }
            catch (final IOException ex)
            {
                count("churn-refused");
            }
            next += intervalNs;
            pause(next - System.nanoTime());
        }
    }

    /** Hostile requests in turn, each answered before the next; outcomes counted by status. */
    private void hostileRequests()
    {
        final String bigHeader = "X-Big: " + "a".repeat(70 * 1024) + "\r\n";
        final StringBuilder pipelined = new StringBuilder();
        for (int i = 0; i < 30; i++)
        {
            pipelined.append("POST /publish/abuse HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\n\r\nhi");
        }
        pipelined.append("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        final String[] requests = {
            "GARBAGE\r\n\r\n",
            "GET /sse/x HTTP/9.9\r\n\r\n",
            "GET  /sse/x HTTP/1.1\r\nHost: x\r\n\r\n",
            "GET /sse/x HTTP/1.1\r\nHost: x\r\n" + bigHeader + "\r\n",
            "POST /publish/abuse HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\nConnection: close\r\n\r\n",
            "GET /sse/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "BREW /sse/x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /nowhere HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "GET /sse/abuse HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer not.a.token\r\nConnection: close\r\n\r\n",
            pipelined.toString(),
        };
        final byte[] buffer = new byte[16 * 1024];
        for (int i = 0; isRunning(); i++)
        {
            final String request = requests[i % requests.length];
            try (Socket socket = connect(2000))
            {
                socket.getOutputStream().write(request.getBytes(StandardCharsets.US_ASCII));
                socket.shutdownOutput();
                final InputStream in = socket.getInputStream();
                final int n = in.read(buffer);
                count(n >= 12 ? "status-" + new String(buffer, 9, 3, StandardCharsets.US_ASCII) : "no-answer");
                while (in.read(buffer) >= 0)
                {
                    // drain until the server closes (an event stream is cut by the read timeout)
                }
            }
            catch (final IOException ex)
            {
                count("request-io-" + ex.getClass().getSimpleName());
            }
            pause(TimeUnit.MILLISECONDS.toNanos(5));
        }
    }

    /** Subscribers with a tiny receive window that never read, reopened every 5 s. */
    private void neverReadingSubscribers()
    {
        final byte[] request = ("GET /sse/" + neverReaderTopic + " HTTP/1.1\r\nHost: x\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
        final List<Socket> sockets = new ArrayList<>();
        while (isRunning())
        {
            for (final Socket socket : sockets)
            {
                closeQuietly(socket);
            }
            sockets.clear();
            for (int i = 0; i < neverReaders; i++)
            {
                try
                {
                    final Socket socket = new Socket();
                    socket.setReceiveBufferSize(4096);
                    socket.connect(new InetSocketAddress(host, port), 2000);
                    socket.getOutputStream().write(request);
                    sockets.add(socket);
                    count("never-readers-opened");
                }
                catch (final IOException ex)
                {
                    count("never-readers-refused");
                }
            }
            pause(Math.min(TimeUnit.SECONDS.toNanos(5), endNs - System.nanoTime()));
        }
        for (final Socket socket : sockets)
        {
            closeQuietly(socket);
        }
    }

    private static void pause(final long nanos)
    {
        if (nanos > 0)
        {
            LockSupport.parkNanos(nanos);
        }
    }

    private static void closeQuietly(final Socket socket)
    {
        if (null != socket)
        {
            try
            {
                socket.close();
            }
            catch (final IOException ignore)
            {
                // nothing to do
            }
        }
    }
}
