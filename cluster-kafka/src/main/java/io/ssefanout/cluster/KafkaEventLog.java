package io.ssefanout.cluster;

import io.ssefanout.transport.ExternalEventLog;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * Publishes go to Kafka: one record per event (key = fanout topic, value = data, header {@code event} = event
 * type) on partition 0, through an idempotent producer with {@code acks=all}; each is answered with the id its
 * offset gives, once every record of the request is acknowledged. The producer never blocks the I/O agent
 * ({@code max.block.ms=0}): with the brokers unreachable a publish fails within the publish timeout and is answered
 * {@code 503}. A batch is appended in order but is not atomic across a failure: some of its events may be in the
 * log when the answer is {@code 503}.
 */
public final class KafkaEventLog implements ExternalEventLog, AutoCloseable
{
    private final String topic;
    private final KafkaProducer<byte[], byte[]> producer;

    /**
     * @param bootstrapServers Kafka brokers.
     * @param topic            the Kafka topic.
     * @param publishTimeoutNs longest wait for an acknowledgement.
     */
    public KafkaEventLog(final String bootstrapServers, final String topic, final long publishTimeoutNs)
    {
        this.topic = topic;
        final int timeoutMs = (int)Math.max(1000, TimeUnit.NANOSECONDS.toMillis(publishTimeoutNs));
        final Properties properties = new Properties();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.CLIENT_ID_CONFIG, "fanout-publisher");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        // latency first: a record goes as soon as it is handed over
        properties.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        properties.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 0);
        properties.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, timeoutMs);
        properties.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, Math.max(500, timeoutMs / 2));
        properties.put(ProducerConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        this.producer = new KafkaProducer<>(properties);
    }

    /**
     * Fetch the topic's metadata, so the first publishes need not wait for it (they may not: {@code max.block.ms}
     * is 0). Blocks, retrying every 50 ms until the deadline; at start-up.
     *
     * @param timeoutNs longest wait.
     */
    public void awaitMetadata(final long timeoutNs)
    {
        final long deadlineNs = System.nanoTime() + timeoutNs;
        while (true)
        {
            try
            {
                producer.partitionsFor(topic);
                return;
            }
            catch (final org.apache.kafka.common.errors.TimeoutException ex)
            {
                if (System.nanoTime() > deadlineNs)
                {
                    throw new IllegalStateException("no metadata for Kafka topic " + topic, ex);
                }
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
            }
        }
    }

    @Override
    public void append(final String[] topics, final String[] eventTypes, final byte[][] data, final AppendCallback done)
    {
        final int count = topics.length;
        final long[] eventIds = new long[count];
        final AtomicInteger remaining = new AtomicInteger(count);
        for (int i = 0; i < count; i++)
        {
            final int index = i;
            final RecordHeaders headers = new RecordHeaders();
            if (null != eventTypes[i])
            {
                headers.add(KafkaClusterConfiguration.EVENT_TYPE_HEADER, eventTypes[i].getBytes(StandardCharsets.US_ASCII));
            }
            final ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(
                topic, 0, topics[i].getBytes(StandardCharsets.UTF_8), data[i], headers);
            try
            {
                producer.send(record, (metadata, exception) ->
                {
                    if (null != exception)
                    {
                        if (remaining.getAndSet(-1) > 0)
                        {
                            done.onAppended(null, describe(exception));
                        }
                        return;
                    }
                    eventIds[index] = KafkaEventIds.idOf(metadata.offset());
                    if (remaining.decrementAndGet() == 0)
                    {
                        done.onAppended(eventIds, null);
                    }
                });
            }
            catch (final RuntimeException ex)
            {
                // refused before it was queued (no metadata yet, buffer full, closed): the rest is not sent
                if (remaining.getAndSet(-1) > 0)
                {
                    done.onAppended(null, describe(ex));
                }
                return;
            }
        }
    }

    private static String describe(final Exception exception)
    {
        return exception.getClass().getSimpleName() + (null == exception.getMessage() ? "" : ": " + exception.getMessage());
    }

    @Override
    public void close()
    {
        producer.close(Duration.ofSeconds(5));
    }

    @Override
    public String toString()
    {
        return "KafkaEventLog{topic=" + topic + "}";
    }
}
