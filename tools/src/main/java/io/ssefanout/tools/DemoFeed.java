package io.ssefanout.tools;

import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.engine.Topic;
import io.ssefanout.transport.ExternalEventLog;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A synthetic market-data feed: a random walk of prices for N symbols, published as JSON ticks, one topic per symbol
 * ({@code sym.AAPL}, ...), at a fixed rate through the embedded API (encoded into a reused buffer: nothing allocated
 * per tick), or in cluster mode appended to the Kafka log like any publish (one node runs the feed for all).
 */
final class DemoFeed implements AutoCloseable
{
    private static final String[] SYMBOLS = {
        "AAPL", "MSFT", "NVDA", "AMZN", "GOOG", "META", "TSLA", "AVGO", "JPM", "LLY",
        "V", "UNH", "XOM", "MA", "JNJ", "PG", "HD", "COST", "MRK", "ABBV",
        "CVX", "CRM", "AMD", "PEP", "KO", "ADBE", "WMT", "BAC", "MCD", "CSCO",
        "ACN", "NFLX", "TMO", "LIN", "ABT", "ORCL", "INTC", "DIS", "WFC", "CMCSA",
        "VZ", "TXN", "PFE", "DHR", "NKE", "PM", "INTU", "AMGN", "IBM", "QCOM"
    };

    private final Thread thread;
    private final Settings settings;
    private volatile boolean isRunning = true;

    /**
     * Where ticks go.
     */
    @FunctionalInterface
    interface TickSink
    {
        void publish(int symbol, UnsafeBuffer payload, int length);
    }

    private DemoFeed(final TickSink sink, final Settings settings)
    {
        this.settings = settings;
        this.thread = new Thread(() -> run(sink), "fanout-demo-feed");
        this.thread.setDaemon(true);
    }

    static DemoFeed start(final FanoutEngine engine, final Settings settings)
    {
        final Topic[] topics = new Topic[settings.symbolCount];
        for (int i = 0; i < topics.length; i++)
        {
            topics[i] = engine.topic(settings.topicName(i));
        }
        final UnsafeBuffer noType = new UnsafeBuffer(new byte[0]);
        return start((symbol, payload, length) -> engine.tryPublish(topics[symbol], noType, 0, 0, payload, 0, length),
            settings);
    }

    static DemoFeed start(final ExternalEventLog log, final Settings settings)
    {
        final String[] noType = { null };
        return start((symbol, payload, length) ->
        {
            final byte[] data = new byte[length];
            payload.getBytes(0, data);
            log.append(new String[]{ settings.topicName(symbol) }, noType, new byte[][]{ data }, (ids, failure) -> { });
        }, settings);
    }

    private static DemoFeed start(final TickSink sink, final Settings settings)
    {
        final DemoFeed feed = new DemoFeed(sink, settings);
        feed.thread.start();
        return feed;
    }

    String describe()
    {
        return settings.symbolCount + " symbols, one topic each ('" + settings.topicPrefix + ".AAPL', ...) at " +
            settings.ratePerSecond + " events/s";
    }

    private void run(final TickSink sink)
    {
        final Random random = new Random(42);
        final long[] pricesMicros = new long[settings.symbolCount];
        for (int i = 0; i < pricesMicros.length; i++)
        {
            pricesMicros[i] = (50 + random.nextInt(450)) * 1_000_000L;
        }
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / Math.max(1, settings.ratePerSecond);
        long nextNs = System.nanoTime();
        long sequence = 0;
        while (isRunning)
        {
            final int symbol = random.nextInt(settings.symbolCount);
            final long move = (long)(random.nextGaussian() * pricesMicros[symbol] / 2000);
            pricesMicros[symbol] = Math.max(1_000_000L, pricesMicros[symbol] + move);
            final int length = encodeTick(payload, symbol, pricesMicros[symbol], 100 * (1 + random.nextInt(50)), ++sequence);
            sink.publish(symbol, payload, length);

            nextNs += intervalNs;
            final long waitNs = nextNs - System.nanoTime();
            if (waitNs > 0)
            {
                LockSupport.parkNanos(waitNs);
            }
            else if (waitNs < -TimeUnit.SECONDS.toNanos(1))
            {
                nextNs = System.nanoTime();
            }
        }
    }

    private static int encodeTick(
        final UnsafeBuffer buffer, final int symbol, final long priceMicros, final int quantity, final long sequence)
    {
        int i = 0;
        i += buffer.putStringWithoutLengthAscii(i, "{\"sym\":\"");
        i += buffer.putStringWithoutLengthAscii(i, SYMBOLS[symbol % SYMBOLS.length]);
        i += buffer.putStringWithoutLengthAscii(i, "\",\"px\":");
        final long cents = priceMicros / 10_000;
        i += buffer.putLongAscii(i, cents / 100);
        buffer.putByte(i++, (byte)'.');
        final long fraction = cents % 100;
        if (fraction < 10)
        {
            buffer.putByte(i++, (byte)'0');
        }
        i += buffer.putLongAscii(i, fraction);
        i += buffer.putStringWithoutLengthAscii(i, ",\"qty\":");
        i += buffer.putIntAscii(i, quantity);
        i += buffer.putStringWithoutLengthAscii(i, ",\"seq\":");
        i += buffer.putLongAscii(i, sequence);
        i += buffer.putStringWithoutLengthAscii(i, ",\"ts\":");
        i += buffer.putLongAscii(i, System.currentTimeMillis());
        buffer.putByte(i++, (byte)'}');
        return i;
    }

    @Override
    public void close()
    {
        isRunning = false;
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(2));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Demo feed settings: {@code fanout.demo.topic.prefix} (sym), {@code fanout.demo.symbols} (50),
     * {@code fanout.demo.rate} (20 events/s).
     */
    static final class Settings
    {
        final String topicPrefix;
        final int symbolCount;
        final int ratePerSecond;

        Settings(final String topicPrefix, final int symbolCount, final int ratePerSecond)
        {
            this.topicPrefix = topicPrefix;
            this.symbolCount = Math.max(1, Math.min(symbolCount, SYMBOLS.length));
            this.ratePerSecond = ratePerSecond;
        }

        String topicName(final int symbol)
        {
            return topicPrefix + "." + SYMBOLS[symbol];
        }

        static Settings fromProperties()
        {
            return new Settings(
                System.getProperty("fanout.demo.topic.prefix", "sym"),
                Integer.getInteger("fanout.demo.symbols", 50),
                Integer.getInteger("fanout.demo.rate", 20));
        }
    }
}
