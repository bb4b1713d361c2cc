package io.ssefanout.cluster;

import io.ssefanout.engine.EngineCounterDescriptor;
import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.engine.Topic;
import io.ssefanout.engine.TopicRegistry;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * The Kafka ingest agent of a cluster node: its own thread reads the Kafka topic's partition from a position (no
 * consumer group: every node reads everything) and publishes each record into the engine's ring with the id its
 * offset gives ({@link KafkaEventIds}), so the sequencer frames it exactly as on every other node. When the ring is
 * full it waits (Kafka holds the rest). At start it reads the newest records back (the warm-up) and says when it
 * has caught up with the end the log had then.
 */
public final class KafkaIngest implements AutoCloseable
{
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);

    private final FanoutEngine engine;
    private final TopicPartition partition;
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final ErrorHandler errorHandler;
    private final AtomicCounter errors;
    private final int warmupEvents;
    private final CountDownLatch caughtUp = new CountDownLatch(1);
    private final UnsafeBuffer keyBuffer = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer typeBuffer = new UnsafeBuffer(0, 0);
    private final UnsafeBuffer valueBuffer = new UnsafeBuffer(0, 0);
    private final Thread thread;
    private volatile boolean isRunning = true;
    private volatile String failure;
    private long warmupEndOffset;
    private boolean isStarted;

    /**
     * @param bootstrapServers Kafka brokers.
     * @param topic            the Kafka topic (partition 0 is read).
     * @param engine           where records are published, with external ids.
     * @param warmupEvents     newest records to read back at start.
     */
    public KafkaIngest(final String bootstrapServers, final String topic, final FanoutEngine engine, final int warmupEvents)
    {
        this.engine = engine;
        this.partition = new TopicPartition(topic, 0);
        this.errorHandler = engine.context().errorHandler();
        this.errors = engine.counters().get(EngineCounterDescriptor.ERRORS);
        this.warmupEvents = warmupEvents;
        // a position the log no longer has is a log that went back (recreated topic): said, never skipped silently
        final Properties properties = KafkaClients.consumerProperties(bootstrapServers, "fanout-ingest");
        properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        properties.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        properties.put(ConsumerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        this.consumer = new KafkaConsumer<>(properties);
        this.thread = new Thread(this::run, "fanout-kafka-ingest");
        this.thread.setDaemon(true);
    }

    /**
     * Start reading: from the newest {@code warmupEvents} records.
     */
    public void start()
    {
        isStarted = true;
        thread.start();
    }

    /**
     * Wait until the records that were in the log at start are in the engine.
     *
     * @return true if caught up within the timeout.
     * @throws IllegalStateException when ingest failed.
     */
    public boolean awaitCaughtUp(final long timeoutNs) throws InterruptedException
    {
        final boolean isCaughtUp = caughtUp.await(timeoutNs, TimeUnit.NANOSECONDS);
        if (null != failure)
        {
            throw new IllegalStateException("Kafka ingest failed: " + failure);
        }
        return isCaughtUp;
    }

    /**
     * @return why ingest stopped, or null while it runs.
     */
    public String failure()
    {
        return failure;
    }

    private void run()
    {
        try
        {
            consumer.assign(List.of(partition));
            final long begin = consumer.beginningOffsets(List.of(partition)).get(partition);
            warmupEndOffset = consumer.endOffsets(List.of(partition)).get(partition);
            consumer.seek(partition, Math.max(begin, warmupEndOffset - warmupEvents));
            checkCaughtUp();
            while (isRunning)
            {
                final ConsumerRecords<byte[], byte[]> records = consumer.poll(POLL_TIMEOUT);
                for (final ConsumerRecord<byte[], byte[]> record : records)
                {
                    if (!publish(record))
                    {
                        return;
                    }
                }
                checkCaughtUp();
            }
        }
        catch (final WakeupException ex)
        {
            // closing
        }
        catch (final OffsetOutOfRangeException ex)
        {
            fail("the Kafka log no longer has this node's position " + ex.offsetOutOfRangePartitions() +
                ": was the topic recreated? Events are not read past it; restart the node", ex);
        }
        catch (final RuntimeException ex)
        {
            fail(ex.toString(), ex);
        }
        finally
        {
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
        }
    }

    private void checkCaughtUp()
    {
        if (caughtUp.getCount() > 0 && consumer.position(partition) >= warmupEndOffset)
        {
            caughtUp.countDown();
        }
    }

    /**
     * @return false when the engine stopped.
     */
    private boolean publish(final ConsumerRecord<byte[], byte[]> record)
    {
        final byte[] key = record.key();
        final byte[] value = null == record.value() ? new byte[0] : record.value();
        final Topic topic = null == key ? null : topicOf(key);
        if (null == topic)
        {
            errors.increment();
            errorHandler.onError(new IllegalArgumentException(
                "Kafka record at offset " + record.offset() + ": key is not a valid topic name (or the topic limit)"));
            return true;
        }
        final Header typeHeader = record.headers().lastHeader(KafkaClusterConfiguration.EVENT_TYPE_HEADER);
        final byte[] type = null == typeHeader || null == typeHeader.value() ? null : typeHeader.value();
        if (null != type)
        {
            typeBuffer.wrap(type);
        }
        valueBuffer.wrap(value);
        final long eventId = KafkaEventIds.idOf(record.offset());
        while (isRunning)
        {
            final long result = engine.tryPublishWithId(
                topic, typeBuffer, 0, null == type ? 0 : type.length, valueBuffer, 0, value.length, eventId);
            if (result >= 0)
            {
                return true;
            }
            if (FanoutEngine.CLOSED == result)
            {
                return false;
            }
            if (FanoutEngine.INVALID == result)
            {
                errors.increment();
                errorHandler.onError(new IllegalArgumentException("Kafka record at offset " + record.offset() +
                    " is not a valid event (too large, or a bad event type): skipped"));
                return true;
            }
            // the ring is full: Kafka keeps the rest until the sequencer has room
            Thread.onSpinWait();
            Thread.yield();
        }
        return false;
    }

    private Topic topicOf(final byte[] key)
    {
        keyBuffer.wrap(key);
        return TopicRegistry.isValidName(keyBuffer, 0, key.length) ?
            engine.topics().findOrCreate(keyBuffer, 0, key.length) : null;
    }

    private void fail(final String reason, final Exception ex)
    {
        failure = reason;
        errors.increment();
        errorHandler.onError(new IllegalStateException(reason, ex));
        caughtUp.countDown();
    }

    @Override
    public void close()
    {
        isRunning = false;
        if (!isStarted)
        {
            // never started: the consumer is still this thread's to close
            consumer.close(CloseOptions.timeout(Duration.ofSeconds(1)));
            return;
        }
        consumer.wakeup();
        try
        {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
