package io.ssefanout.cluster;

import io.ssefanout.codec.SseFrameEncoder;
import io.ssefanout.transport.LogCatchUp;
import org.agrona.concurrent.UnsafeBuffer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * Replays a resume older than a node's memory from the Kafka log: a consumer reads from the resume point to where
 * the node's memory is complete, the records of the stream's topics are encoded as SSE frames (with the ids their
 * offsets give, as everywhere) into a buffer, and the buffer is written to the client's socket as it drains. Replays
 * run on a small pool of their own threads, one consumer each; nothing of the I/O agents waits for them.
 */
public final class KafkaCatchUp implements LogCatchUp, AutoCloseable
{
    private static final int BUFFER_LENGTH = 256 * 1024;
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(100);
    private static final long STALL_TIMEOUT_NS = TimeUnit.SECONDS.toNanos(30);

    private final String bootstrapServers;
    private final TopicPartition partition;
    private final ExecutorService executor;

    /**
     * @param bootstrapServers Kafka brokers.
     * @param topic            the Kafka topic.
     * @param threads          replays that may run at once.
     */
    public KafkaCatchUp(final String bootstrapServers, final String topic, final int threads)
    {
        this.bootstrapServers = bootstrapServers;
        this.partition = new TopicPartition(topic, 0);
        this.executor = Executors.newFixedThreadPool(threads, runnable ->
        {
            final Thread thread = new Thread(runnable, "fanout-kafka-catchup");
            thread.setDaemon(true);
            return thread;
        });
    }

    @Override
    public void replay(
        final SocketChannel channel,
        final ByteBuffer head,
        final Predicate<String> topics,
        final boolean isChunked,
        final long afterEventId,
        final long throughEventId,
        final Done done)
    {
        try
        {
            executor.execute(() -> new Replay(channel, head, topics, isChunked, done).run(afterEventId, throughEventId));
        }
        catch (final RejectedExecutionException ex)
        {
            done.onReplayed(false, 0, "shutting down");
        }
    }

    @Override
    public void close()
    {
        executor.shutdownNow();
    }

    /**
     * One replay, on a pool thread.
     */
    private final class Replay
    {
        private final SocketChannel channel;
        private final ByteBuffer head;
        private final Predicate<String> topics;
        private final boolean isChunked;
        private final Done done;
        private final ByteBuffer out = ByteBuffer.allocateDirect(BUFFER_LENGTH);
        private final UnsafeBuffer outBuffer = new UnsafeBuffer(out);
        private final UnsafeBuffer type = new UnsafeBuffer(0, 0);
        private final UnsafeBuffer value = new UnsafeBuffer(0, 0);
        private Selector selector;
        private int outLength;
        private long bytesWritten;
        private boolean isHeadSent;

        Replay(
            final SocketChannel channel,
            final ByteBuffer head,
            final Predicate<String> topics,
            final boolean isChunked,
            final Done done)
        {
            this.channel = channel;
            this.head = head;
            this.topics = topics;
            this.isChunked = isChunked;
            this.done = done;
        }

        void run(final long afterEventId, final long throughEventId)
        {
            String failure = null;
            try (KafkaConsumer<byte[], byte[]> consumer = consumer(); Selector selector = Selector.open())
            {
                this.selector = selector;
                channel.register(selector, SelectionKey.OP_WRITE);
                final long from = KafkaEventIds.offsetOf(afterEventId + 1);
                final long through = KafkaEventIds.offsetOf(throughEventId);
                consumer.assign(List.of(partition));
                final long begin = consumer.beginningOffsets(List.of(partition)).get(partition);
                if (from < begin)
                {
                    failure = "the resume point is older than the Kafka log retains (from offset " + begin + ")";
                    return;
                }
                if (null != head)
                {
                    writeFully(head);
                    isHeadSent = true;
                }
                consumer.seek(partition, from);
                long lastProgressNs = System.nanoTime();
                while (consumer.position(partition) <= through)
                {
                    boolean isProgress = false;
                    for (final ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT))
                    {
                        if (record.offset() > through)
                        {
                            break;
                        }
                        isProgress = true;
                        append(record);
                    }
                    final long nowNs = System.nanoTime();
                    if (isProgress)
                    {
                        lastProgressNs = nowNs;
                    }
                    else if (nowNs - lastProgressNs > STALL_TIMEOUT_NS)
                    {
                        failure = "Kafka gave nothing for 30 s at offset " + consumer.position(partition);
                        return;
                    }
                }
                flush();
            }
            catch (final IOException | RuntimeException ex)
            {
                failure = ex.toString();
            }
            finally
            {
                done.onReplayed(isHeadSent, bytesWritten, failure);
            }
        }

        private KafkaConsumer<byte[], byte[]> consumer()
        {
            final Properties properties = KafkaClients.consumerProperties(bootstrapServers, "fanout-catchup");
            properties.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5000);
            properties.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 4 * 1024 * 1024);
            return new KafkaConsumer<>(properties);
        }

        private void append(final ConsumerRecord<byte[], byte[]> record) throws IOException
        {
            if (null == record.key() || !topics.test(new String(record.key(), StandardCharsets.UTF_8)))
            {
                return;
            }
            final Header typeHeader = record.headers().lastHeader(KafkaClusterConfiguration.EVENT_TYPE_HEADER);
            final byte[] typeBytes = null == typeHeader || null == typeHeader.value() ? new byte[0] : typeHeader.value();
            final byte[] data = null == record.value() ? new byte[0] : record.value();
            type.wrap(typeBytes);
            value.wrap(data);
            final long eventId = KafkaEventIds.idOf(record.offset());
            final int length = SseFrameEncoder.eventFrameLength(isChunked, eventId, typeBytes.length, value, 0, data.length);
            if (length > BUFFER_LENGTH - outLength)
            {
                flush();
            }
            if (length > BUFFER_LENGTH)
            {
                throw new IOException("event " + eventId + " is larger than the replay buffer");
            }
            outLength += SseFrameEncoder.encodeEvent(
                outBuffer, outLength, isChunked, eventId, type, 0, typeBytes.length, value, 0, data.length);
        }

        private void flush() throws IOException
        {
            out.limit(outLength).position(0);
            writeFully(out);
            outLength = 0;
            out.clear();
        }

        /**
         * Write everything, waiting for the socket to drain (a slow client slows its own replay only).
         */
        private void writeFully(final ByteBuffer bytes) throws IOException
        {
            long lastProgressNs = System.nanoTime();
            while (bytes.hasRemaining())
            {
                final int written = channel.write(bytes);
                if (written > 0)
                {
                    bytesWritten += written;
                    lastProgressNs = System.nanoTime();
                    continue;
                }
                if (System.nanoTime() - lastProgressNs > STALL_TIMEOUT_NS)
                {
                    throw new IOException("the client took nothing for 30 s");
                }
                selector.select(100);
                selector.selectedKeys().clear();
            }
        }
    }
}
