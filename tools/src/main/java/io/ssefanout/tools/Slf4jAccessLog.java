package io.ssefanout.tools;

import io.ssefanout.transport.AccessLog;
import io.ssefanout.transport.ConnectionRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The access log through SLF4J: logger {@code fanout.access} (one line per connection end, info) and
 * {@code fanout.access.publish} (one line per publish, debug). The I/O agents only offer records to a bounded queue;
 * a daemon thread formats and logs them, so a slow log never holds up a write. When the queue is full, records are
 * dropped and counted, and the count is logged.
 */
final class Slf4jAccessLog implements AccessLog, AutoCloseable
{
    private static final Logger CONNECTIONS = LoggerFactory.getLogger("fanout.access");
    private static final Logger PUBLISHES = LoggerFactory.getLogger("fanout.access.publish");

    private final BlockingQueue<Object> queue = new ArrayBlockingQueue<>(65_536);
    private final AtomicLong dropped = new AtomicLong();
    private final Thread thread = new Thread(this::drain, "fanout-access-log");
    private final boolean isPublishLogEnabled = PUBLISHES.isDebugEnabled();
    private volatile boolean isRunning = true;

    Slf4jAccessLog()
    {
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void onConnectionClosed(final ConnectionRecord record)
    {
        if (CONNECTIONS.isInfoEnabled() && !queue.offer(record))
        {
            dropped.incrementAndGet();
        }
    }

    @Override
    public boolean isPublishLogEnabled()
    {
        return isPublishLogEnabled;
    }

    @Override
    public void onPublish(
        final long connectionId,
        final String clientAddress,
        final String requestId,
        final int status,
        final long eventId,
        final int length)
    {
        final String line = "publish conn=" + connectionId + " client=" + clientAddress + " traceId=" +
            (null == requestId ? "fanout-" + connectionId : requestId) + " status=" + status + " id=" + eventId +
            " bytes=" + length;
        if (!queue.offer(line))
        {
            dropped.incrementAndGet();
        }
    }

    private void drain()
    {
        while (isRunning || !queue.isEmpty())
        {
            try
            {
                final Object item = queue.poll(100, TimeUnit.MILLISECONDS);
                if (item instanceof ConnectionRecord)
                {
                    CONNECTIONS.info("closed {}", item);
                }
                else if (null != item)
                {
                    PUBLISHES.debug("{}", item);
                }
                final long lost = dropped.getAndSet(0);
                if (lost > 0)
                {
                    CONNECTIONS.warn("access log queue full: {} records dropped", lost);
                }
            }
            catch (final InterruptedException ex)
            {
                return;
            }
        }
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
}
