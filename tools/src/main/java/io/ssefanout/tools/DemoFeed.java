package io.ssefanout.tools;

import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.engine.Topic;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * A synthetic market-data feed: a random walk of prices for N symbols, published as JSON ticks, one topic per symbol
 * ({@code sym.AAPL}, ...), at a fixed rate through the embedded API. Encodes each tick into a reused buffer, so it
 * allocates nothing per tick.
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

    private DemoFeed(final FanoutEngine engine, final Settings settings)
    {
        this.settings = settings;
        this.thread = new Thread(() -> run(engine), "fanout-demo-feed");
        this.thread.setDaemon(true);
    }

    static DemoFeed start(final FanoutEngine engine, final Settings settings)
    {
        final DemoFeed feed = new DemoFeed(engine, settings);
        feed.thread.start();
        return feed;
    }

    String describe()
    {
        return settings.symbolCount + " symbols, one topic each ('" + settings.topicPrefix + ".AAPL', ...) at " +
            settings.ratePerSecond + " events/s";
    }

    private void run(final FanoutEngine engine)
    {
        final Topic[] topics = new Topic[settings.symbolCount];
        for (int i = 0; i < topics.length; i++)
        {
            topics[i] = engine.topic(settings.topicPrefix + "." + SYMBOLS[i]);
        }
        final Random random = new Random(42);
        final long[] pricesMicros = new long[settings.symbolCount];
        for (int i = 0; i < pricesMicros.length; i++)
        {
            pricesMicros[i] = (50 + random.nextInt(450)) * 1_000_000L;
        }
        final UnsafeBuffer payload = new UnsafeBuffer(new byte[256]);
        final UnsafeBuffer noType = new UnsafeBuffer(new byte[0]);
        final long intervalNs = TimeUnit.SECONDS.toNanos(1) / Math.max(1, settings.ratePerSecond);
        long nextNs = System.nanoTime();
        long sequence = 0;
        while (isRunning)
        {
            final int symbol = random.nextInt(settings.symbolCount);
            final long move = (long)(random.nextGaussian() * pricesMicros[symbol] / 2000);
            pricesMicros[symbol] = Math.max(1_000_000L, pricesMicros[symbol] + move);
            final int length = encodeTick(payload, symbol, pricesMicros[symbol], 100 * (1 + random.nextInt(50)), ++sequence);
            engine.tryPublish(topics[symbol], noType, 0, 0, payload, 0, length);

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

        static Settings fromProperties()
        {
            return new Settings(
                System.getProperty("fanout.demo.topic.prefix", "sym"),
                Integer.getInteger("fanout.demo.symbols", 50),
                Integer.getInteger("fanout.demo.rate", 20));
        }
    }
}
