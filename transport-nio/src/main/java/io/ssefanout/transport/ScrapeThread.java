package io.ssefanout.transport;

import org.agrona.ErrorHandler;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * Renders {@code /metrics} away from the I/O agents. A scrape walks the latency histograms, the counters and the
 * JVM's MXBeans: about a millisecond warm and over a hundred while the JIT is cold, time an I/O thread would take
 * from every delivery queued behind it. The I/O agents queue scrapes here (the connection parked meanwhile); one
 * thread of its own, waiting while there is none, renders them in turn and hands each body back to its agent. It
 * also runs the housekeeping the agents must not do (folding their latency intervals) at least once a second.
 */
final class ScrapeThread implements AutoCloseable
{
    /** Scrapes waiting at once; past that a scrape is answered {@code 503} at once. */
    static final int QUEUE_CAPACITY = 64;
    private static final long HOUSEKEEPING_INTERVAL_MS = 1000;

    /**
     * Where a rendered scrape goes; called on the scrape thread.
     */
    @FunctionalInterface
    interface Rendered
    {
        /**
         * @param body the exposition, or null when rendering failed.
         */
        void onRendered(byte[] body);
    }

    private final BlockingQueue<Rendered> scrapes = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
    private final MetricsRenderer renderer;
    private final Runnable housekeeping;
    private final ErrorHandler errorHandler;
    private final Thread thread;

    /**
     * @param housekeeping run before each scrape and at least once a second.
     */
    ScrapeThread(
        final MetricsRenderer renderer, final Runnable housekeeping, final ErrorHandler errorHandler)
    {
        this.renderer = renderer;
        this.housekeeping = housekeeping;
        this.errorHandler = errorHandler;
        this.thread = new Thread(this::run, "fanout-scrapes");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queue a scrape. Any thread.
     *
     * @return false when too many wait already.
     */
    boolean offer(final Rendered rendered)
    {
        return scrapes.offer(rendered);
    }

    @Override
    public void close()
    {
        thread.interrupt();
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }

    private void run()
    {
        try
        {
            while (!Thread.currentThread().isInterrupted())
            {
                final Rendered next = scrapes.poll(HOUSEKEEPING_INTERVAL_MS, TimeUnit.MILLISECONDS);
                try
                {
                    housekeeping.run();
                }
                catch (final RuntimeException ex)
                {
                    errorHandler.onError(ex);
                }
                if (null != next)
                {
                    render(next);
                }
            }
        }
        catch (final InterruptedException ex)
        {
            // closed
        }
    }

    private void render(final Rendered rendered)
    {
        byte[] body = null;
        try
        {
            body = renderer.render().getBytes(StandardCharsets.UTF_8);
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
        // answered either way: a parked scrape must not wait for ever on a failed render
        rendered.onRendered(body);
    }
}
