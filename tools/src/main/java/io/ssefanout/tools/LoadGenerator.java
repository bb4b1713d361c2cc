package io.ssefanout.tools;

import org.HdrHistogram.Histogram;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code fanout loadgen}: N event-stream subscribers on a few NIO threads and a fixed-rate publisher over keep-alive
 * HTTP, against any SSE server given URL templates. Event {@code i} is stamped with its intended send time
 * ({@code start + i/R}, {@link System#nanoTime()}, which is CLOCK_MONOTONIC and comparable across processes on
 * Linux), so a publisher held up by the server still charges the delay to latency (coordinated omission). Reports
 * deliveries, missing and duplicate events per connection, latency percentiles, and with {@code --server-pid} the
 * server's CPU per 1000 deliveries, write syscalls per delivery and peak RSS; prints one {@code RESULT_JSON} line.
 */
final class LoadGenerator
{
    private static final long HIGHEST_LATENCY_NS = TimeUnit.SECONDS.toNanos(120);

    private final LoadGenSettings settings;
    private final List<SubscriberConnection> connections = new ArrayList<>();
    private final int totalEvents;
    private final int[] topicOfSeq;
    private final LoadGenPublisher publisher;
    private final LoadGenReport report;
    private volatile long startNs;
    private volatile long measureFromNs = Long.MAX_VALUE;

    private LoadGenerator(final LoadGenSettings settings)
    {
        this.settings = settings;
        this.totalEvents = settings.ratePerSecond * (settings.warmupSeconds + settings.durationSeconds);
        this.topicOfSeq = new int[totalEvents];
        Arrays.fill(topicOfSeq, -1);
        final int[] plannedTopic = TopicPlan.plan(settings.topicCount, settings.zipfExponent, settings.seed, totalEvents);
        this.publisher = new LoadGenPublisher(settings, plannedTopic, topicOfSeq);
        this.report = new LoadGenReport(settings, publisher, connections, topicOfSeq);
    }

    static void run(final String[] args) throws Exception
    {
        if (args.length > 0 && ("--help".equals(args[0]) || "help".equals(args[0])))
        {
            System.out.println(LoadGenSettings.usage());
            return;
        }
        final LoadGenSettings settings = LoadGenSettings.parse(args);
        new LoadGenerator(settings).execute();
    }

    private void execute() throws Exception
    {
        final Random random = new Random(7);
        for (int i = 0; i < settings.connections; i++)
        {
            final int count = settings.minTopicsPerConnection +
                random.nextInt(settings.maxTopicsPerConnection - settings.minTopicsPerConnection + 1);
            final int[] topics = new int[count];
            final List<Integer> pool = new ArrayList<>();
            for (int t = 0; t < settings.topicCount; t++)
            {
                pool.add(t);
            }
            for (int k = 0; k < count; k++)
            {
                topics[k] = 1 == settings.topicCount ? 0 : pool.remove(random.nextInt(pool.size()));
            }
            Arrays.sort(topics);
            final SubscriberConnection connection = new SubscriberConnection(i, topics, settings.size + 256);
            // every k-th connection is slow, k = 1 / fraction
            connection.isSlow = settings.slowFraction > 0 && 0 == i % Math.max(1, (int)Math.round(1 / settings.slowFraction));
            connections.add(connection);
        }

        final IoThread[] ioThreads = new IoThread[settings.ioThreads];
        for (int t = 0; t < ioThreads.length; t++)
        {
            ioThreads[t] = new IoThread(t);
            ioThreads[t].start();
        }

        final long connectStartNs = System.nanoTime();
        final long connectDeadlineNs = connectStartNs + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < connectDeadlineNs && countHeads() + countFailed(ioThreads) < settings.connections)
        {
            progress("connecting: " + countHeads() + " of " + settings.connections);
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
        }
        final double connectSeconds = (System.nanoTime() - connectStartNs) / 1e9;
        final int established = countOk();
        progress("connected " + established + " of " + settings.connections + " in " + connectSeconds + " s");

        startNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(100);
        publisher.startAt(startNs);
        measureFromNs = startNs + TimeUnit.SECONDS.toNanos(settings.warmupSeconds);
        final Thread[] publishers = new Thread[settings.pubConnections];
        for (int p = 0; p < publishers.length; p++)
        {
            final int publisherIndex = p;
            publishers[p] = new Thread(() -> publisher.publish(publisherIndex), "loadgen-pub-" + p);
            publishers[p].start();
        }

        long cpuStart = -1;
        long writesStart = -1;
        boolean isWindowOpen = false;
        long lastDeliveries = 0;
        long lastProgressNs = System.nanoTime();
        final long publishEndNs = startNs +
            TimeUnit.SECONDS.toNanos(settings.warmupSeconds + settings.durationSeconds + 5);
        while (anyAlive(publishers) && System.nanoTime() < publishEndNs + TimeUnit.SECONDS.toNanos(5))
        {
            if (!isWindowOpen && System.nanoTime() >= measureFromNs)
            {
                isWindowOpen = true;
                cpuStart = settings.serverPid > 0 ? ProcStats.cpuMicros(settings.serverPid) : -1;
                writesStart = serverWrites();
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            if (System.nanoTime() - lastProgressNs >= TimeUnit.SECONDS.toNanos(1))
            {
                final long deliveries = totalDeliveries(ioThreads);
                progress(String.format(Locale.ROOT, "published %d, delivered %d (%d/s)",
                    report.publishedCount(), deliveries, deliveries - lastDeliveries));
                lastDeliveries = deliveries;
                lastProgressNs = System.nanoTime();
            }
        }
        for (final Thread publisher : publishers)
        {
            publisher.interrupt();
            publisher.join(TimeUnit.SECONDS.toMillis(5));
        }

        final long drainStartNs = System.nanoTime();
        long lastChangeNs = drainStartNs;
        long seen = totalDeliveries(ioThreads);
        while (System.nanoTime() - lastChangeNs < TimeUnit.SECONDS.toNanos(settings.drainIdleSeconds) &&
            System.nanoTime() - drainStartNs < TimeUnit.SECONDS.toNanos(settings.drainMaxSeconds) &&
            totalDeliveries(ioThreads) < report.expectedDeliveries())
        {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            final long now = totalDeliveries(ioThreads);
            if (now != seen)
            {
                seen = now;
                lastChangeNs = System.nanoTime();
            }
        }
        final LoadGenReport.Measured measured = new LoadGenReport.Measured(HIGHEST_LATENCY_NS);
        final long cpuEnd = settings.serverPid > 0 ? ProcStats.cpuMicros(settings.serverPid) : -1;
        final long writesEnd = serverWrites();
        measured.cpuMicros = cpuEnd >= 0 && cpuStart >= 0 ? cpuEnd - cpuStart : -1;
        measured.writes = writesEnd >= 0 && writesStart >= 0 ? writesEnd - writesStart : -1;
        measured.rssPeakKb = settings.serverPid > 0 ? ProcStats.peakRssKb(settings.serverPid) : -1;
        measured.established = established;
        measured.connectSeconds = connectSeconds;
        measured.measureFromNs = measureFromNs;
        for (final IoThread ioThread : ioThreads)
        {
            ioThread.shutdown();
            measured.latency.add(ioThread.latency);
            measured.slowLatency.add(ioThread.slowLatency);
            measured.windowDeliveries += ioThread.window.measuredDeliveries;
            measured.lastDeliveryNs = Math.max(measured.lastDeliveryNs, ioThread.window.lastDeliveryNs);
        }
        report.print(measured);
    }

    private long serverWrites()
    {
        if (null != settings.serverMetricsUrl)
        {
            return PrometheusScrape.sample(settings.serverMetricsUrl, "fanout_socket_writes_total");
        }
        return settings.serverPid > 0 ? ProcStats.writeSyscalls(settings.serverPid) : -1;
    }

    private int countHeads()
    {
        int count = 0;
        for (final SubscriberConnection connection : connections)
        {
            count += connection.hasHead() ? 1 : 0;
        }
        return count;
    }

    private int countOk()
    {
        int count = 0;
        for (final SubscriberConnection connection : connections)
        {
            count += 200 == connection.status ? 1 : 0;
        }
        return count;
    }

    private static int countFailed(final IoThread[] ioThreads)
    {
        int count = 0;
        for (final IoThread ioThread : ioThreads)
        {
            count += ioThread.failedConnects;
        }
        return count;
    }

    private static long totalDeliveries(final IoThread[] ioThreads)
    {
        long total = 0;
        for (final IoThread ioThread : ioThreads)
        {
            total += ioThread.deliveries;
        }
        return total;
    }

    private static boolean anyAlive(final Thread[] threads)
    {
        for (final Thread thread : threads)
        {
            if (thread.isAlive())
            {
                return true;
            }
        }
        return false;
    }

    private void progress(final String message)
    {
        if (!settings.isQuiet)
        {
            System.err.println("[loadgen] " + message);
        }
    }

    /**
     * Measured-window accounting of one I/O thread.
     */
    static final class Window
    {
        long measuredDeliveries;
        long lastDeliveryNs;

        void onMeasuredDelivery(final long nowNs)
        {
            measuredDeliveries++;
            lastDeliveryNs = nowNs;
        }
    }

    /**
     * A subscriber selector thread: connects its share of the connections (bounded handshakes in flight) and reads
     * them, parsing every event.
     */
    private final class IoThread extends Thread
    {
        final Histogram latency = new Histogram(HIGHEST_LATENCY_NS, 3);
        final Histogram slowLatency = new Histogram(HIGHEST_LATENCY_NS, 3);
        final Window window = new Window();
        final Window slowWindow = new Window();
        volatile long deliveries;
        volatile int failedConnects;
        private final int threadIndex;
        private volatile boolean isRunning = true;

        IoThread(final int threadIndex)
        {
            super("loadgen-io-" + threadIndex);
            this.threadIndex = threadIndex;
            setDaemon(true);
        }

        void shutdown() throws InterruptedException
        {
            isRunning = false;
            join(TimeUnit.SECONDS.toMillis(5));
        }

        @Override
        public void run()
        {
            final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
            final byte[] bytes = new byte[buffer.capacity()];
            try (Selector selector = Selector.open())
            {
                final List<SubscriberConnection> mine = new ArrayList<>();
                for (final SubscriberConnection connection : connections)
                {
                    if (connection.index % settings.ioThreads == threadIndex)
                    {
                        mine.add(connection);
                    }
                }
                int next = 0;
                int pending = 0;
                long localDeliveries = 0;
                final SlowReaders slowReaders = new SlowReaders(settings.slowBytesPerSecond);
                while (isRunning)
                {
                    while (next < mine.size() && pending < settings.maxPendingConnects / settings.ioThreads + 1)
                    {
                        final SubscriberConnection connection = mine.get(next++);
                        if (open(selector, connection))
                        {
                            pending++;
                        }
                        else
                        {
                            failedConnects++;
                        }
                    }
                    selector.select(10);
                    if (settings.slowFraction > 0)
                    {
                        slowReaders.refill(mine, System.nanoTime());
                    }
                    final var keys = selector.selectedKeys().iterator();
                    while (keys.hasNext())
                    {
                        final SelectionKey key = keys.next();
                        keys.remove();
                        final SubscriberConnection connection = (SubscriberConnection)key.attachment();
                        try
                        {
                            if (key.isConnectable())
                            {
                                connection.channel.finishConnect();
                                final String[] names = new String[connection.topics.length];
                                for (int i = 0; i < names.length; i++)
                                {
                                    names[i] = settings.topicName(connection.topics[i]);
                                }
                                final URI uri = settings.subscribeUri(names);
                                final String request = "GET " + uri.getRawPath() +
                                    (null == uri.getRawQuery() ? "" : "?" + uri.getRawQuery()) + " HTTP/1.1\r\nHost: " +
                                    uri.getHost() + "\r\nAccept: text/event-stream\r\nCache-Control: no-cache\r\n\r\n";
                                connection.channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
                                key.interestOps(SelectionKey.OP_READ);
                                connection.isConnected = true;
                            }
                            else if (key.isReadable())
                            {
                                buffer.clear();
                                if (connection.isSlow)
                                {
                                    final int limit = slowReaders.readLimit(key, connection, buffer.capacity());
                                    if (0 == limit)
                                    {
                                        continue;
                                    }
                                    buffer.limit(limit);
                                }
                                final int n = connection.channel.read(buffer);
                                final long nowNs = System.nanoTime();
                                if (connection.isSlow)
                                {
                                    slowReaders.onRead(connection, n);
                                }
                                if (n < 0)
                                {
                                    connection.isClosedByServer = true;
                                    key.cancel();
                                    connection.channel.close();
                                    pending -= connection.hasHead() ? 0 : 1;
                                    continue;
                                }
                                buffer.flip();
                                buffer.get(bytes, 0, n);
                                final boolean hadHead = connection.hasHead();
                                localDeliveries += connection.isSlow ?
                                    connection.onBytes(bytes, n, nowNs, measureFromNs, slowLatency, slowWindow) :
                                    connection.onBytes(bytes, n, nowNs, measureFromNs, latency, window);
                                if (!hadHead && connection.hasHead())
                                {
                                    pending--;
                                }
                            }
                        }
                        catch (final IOException ex)
                        {
                            failedConnects += connection.isConnected ? 0 : 1;
                            pending -= connection.hasHead() ? 0 : 1;
                            key.cancel();
                            connection.channel.close();
                        }
                    }
                    deliveries = localDeliveries;
                }
                for (final SubscriberConnection connection : mine)
                {
                    if (null != connection.channel)
                    {
                        connection.channel.close();
                    }
                }
            }
            catch (final IOException ex)
            {
                throw new java.io.UncheckedIOException(ex);
            }
        }

        private boolean open(final Selector selector, final SubscriberConnection connection)
        {
            try
            {
                final URI uri = settings.subscribeUri(new String[]{ settings.topicName(connection.topics[0]) });
                final SocketChannel channel = SocketChannel.open();
                channel.configureBlocking(false);
                if (connection.isSlow)
                {
                    channel.setOption(java.net.StandardSocketOptions.SO_RCVBUF, 8 * 1024);
                }
                if (settings.sourceAddresses > 1)
                {
                    final int source = 1 + connection.index % settings.sourceAddresses;
                    channel.bind(new InetSocketAddress("127.0.0." + source, 0));
                }
                connection.channel = channel;
                channel.connect(new InetSocketAddress(uri.getHost(), uri.getPort()));
                channel.register(selector, SelectionKey.OP_CONNECT, connection);
                return true;
            }
            catch (final IOException ex)
            {
                return false;
            }
        }
    }
}
