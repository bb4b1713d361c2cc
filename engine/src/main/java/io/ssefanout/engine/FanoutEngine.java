package io.ssefanout.engine;

import com.lmax.disruptor.BatchEventProcessor;
import com.lmax.disruptor.EventPoller;
import com.lmax.disruptor.BatchEventProcessorBuilder;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import io.ssefanout.codec.SseFrameEncoder;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.IoUtil;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.errors.DistinctErrorLog;
import org.agrona.concurrent.CountedErrorHandler;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The engine: ingest ring, sequencer thread, topics and their frame logs. Publish from any thread; subscribe from
 * the thread that will own the {@link Subscription}.
 * <pre>
 *   publishers --tryPublish--&gt; [Disruptor ring: slots with off-heap payload] --&gt; sequencer (one thread)
 *                                                                                   | encode once
 *                                                                                   v
 *                                                          topic frame logs (off-heap) --&gt; Subscriptions
 * </pre>
 */
public final class FanoutEngine implements AutoCloseable
{
    /** {@link #tryPublish} result: the ring is full, try later. */
    public static final long RING_FULL = -1;
    /** {@link #tryPublish} result: the engine no longer accepts events. */
    public static final long CLOSED = -2;
    /** {@link #tryPublish} result: payload too large or event type invalid. */
    public static final long INVALID = -3;

    private final Context ctx;
    private final FanoutCounters counters;
    private final TopicRegistry topics;
    private final EventIdSequence eventIds;
    private final Sequencer sequencer;
    private final IngestRing ingest;
    private final RingBuffer<IngestEvent> ringBuffer;
    private final BatchEventProcessor<IngestEvent> processor;
    private final Thread sequencerThread;
    private final EventPoller<IngestEvent> poller;
    private final EventPoller.Handler<IngestEvent> pollHandler;
    private int polledCount;
    private final FrameLogAllocator logAllocator;
    private boolean isIngestStopped;
    private boolean isClosed;

    private FanoutEngine(final Context ctx)
    {
        this.ctx = ctx;
        this.counters = ctx.counters();
        this.topics = new TopicRegistry(ctx.topicsMax());
        this.eventIds = new EventIdSequence(ctx.dir(), System.currentTimeMillis() * 1000L);
        this.sequencer = new Sequencer(eventIds, ctx.externalEventIds(), ctx.chunked(), counters);
        this.logAllocator = new FrameLogAllocator(
            new LogSegmentPool(ctx.logSegmentLength(), ctx.logMemoryMax(), counters),
            ctx.historyEvents(), ctx.historyBytes(), ctx.historyAgeNs(), counters.get(EngineCounterDescriptor.TOPICS));
        this.sequencer.topicExpiry(new TopicExpiry(
            topics, logAllocator, ctx.topicIdleExpiryNs(), counters.get(EngineCounterDescriptor.TOPICS_EXPIRED)));
        this.sequencer.stallTracking(ctx.nanoClock(), new DutyCycleStallTracker(
            counters.get(EngineCounterDescriptor.SEQUENCER_CYCLE_MAX_NS),
            counters.get(EngineCounterDescriptor.SEQUENCER_CYCLE_STALLS), ctx.dutyCycleThresholdNs()),
            counters.get(EngineCounterDescriptor.RING_WAIT_MAX_NS));
        this.ingest = new IngestRing(ctx, counters);
        this.ringBuffer = ingest.ringBuffer();
        if (ThreadingMode.SHARED == ctx.threadingMode())
        {
            // no thread of its own: whoever runs the duty cycle calls pollIngest()
            this.processor = null;
            this.sequencerThread = null;
            this.poller = ringBuffer.newPoller();
            ringBuffer.addGatingSequences(poller.getSequence());
            final ErrorHandler errorHandler = ctx.errorHandler();
            this.pollHandler = (event, sequence, endOfBatch) ->
            {
                polledCount++;
                try
                {
                    sequencer.onEvent(event, sequence, endOfBatch);
                }
                catch (final Throwable ex)
                {
                    event.topic = null;
                    errorHandler.onError(ex);
                }
                return true;
            };
        }
        else
        {
            this.poller = null;
            this.pollHandler = null;
            this.processor = new BatchEventProcessorBuilder().build(ringBuffer, ringBuffer.newBarrier(), sequencer);
            this.processor.setExceptionHandler(new SequencerExceptionHandler(ctx.errorHandler()));
            ringBuffer.addGatingSequences(processor.getSequence());
            this.sequencerThread = new Thread(processor, "fanout-sequencer");
            this.sequencerThread.setDaemon(true);
            this.sequencerThread.start();
        }
    }

    /**
     * Start an engine. The context is concluded here if it was not.
     *
     * @param ctx configuration.
     * @return the running engine.
     */
    public static FanoutEngine launch(final Context ctx)
    {
        if (!ctx.isConcluded())
        {
            ctx.conclude();
        }
        return new FanoutEngine(ctx);
    }

    /**
     * @return the concluded context.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * @return the counters.
     */
    public FanoutCounters counters()
    {
        return counters;
    }

    /**
     * @return the sequencer, for watermarks and wake-ups.
     */
    public Sequencer sequencer()
    {
        return sequencer;
    }

    /**
     * @return the topic registry.
     */
    public TopicRegistry topics()
    {
        return topics;
    }

    /**
     * Find or create a topic by name. Control path.
     *
     * @param name topic name.
     * @return the topic, or null if the name is invalid or the topic limit is reached.
     */
    public Topic topic(final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
        return TopicRegistry.isValidName(buffer, 0, bytes.length) ? topics.findOrCreate(buffer, 0, bytes.length) : null;
    }

    /**
     * Publish an event; any thread, allocation-free. The payload is copied once into a ring slot.
     *
     * @param topic           destination topic.
     * @param eventType       event type bytes, may be null if {@code eventTypeLength} is 0.
     * @param eventTypeOffset offset of the event type.
     * @param eventTypeLength length of the event type, 0 for the default {@code message}.
     * @param payload         data bytes (UTF-8 text).
     * @param payloadOffset   offset of the data.
     * @param payloadLength   length of the data.
     * @return the event id assigned, or {@link #RING_FULL}, {@link #CLOSED} or {@link #INVALID}.
     */
    public long tryPublish(
        final Topic topic,
        final DirectBuffer eventType,
        final int eventTypeOffset,
        final int eventTypeLength,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength)
    {
        return ctx.externalEventIds() ? INVALID :
            publish(topic, eventType, eventTypeOffset, eventTypeLength, payload, payloadOffset, payloadLength,
                IngestEvent.ASSIGN);
    }

    /**
     * Publish an event whose id comes from an external log (see {@link Context#externalEventIds(boolean)}): its
     * position there, the same on every node that reads that log. Ids must increase; one that does not is dropped
     * by the sequencer and counted. Any thread, allocation-free.
     *
     * @param eventId the event's id, above the previous one published.
     * @return {@code eventId}, or a negative result as {@link #tryPublish(Topic, DirectBuffer, int, int,
     * DirectBuffer, int, int)} gives.
     */
    public long tryPublishWithId(
        final Topic topic,
        final DirectBuffer eventType,
        final int eventTypeOffset,
        final int eventTypeLength,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength,
        final long eventId)
    {
        return !ctx.externalEventIds() || eventId < 1 ? INVALID :
            publish(topic, eventType, eventTypeOffset, eventTypeLength, payload, payloadOffset, payloadLength, eventId);
    }

    private long publish(
        final Topic topic,
        final DirectBuffer eventType,
        final int eventTypeOffset,
        final int eventTypeLength,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength,
        final long eventId)
    {
        final long checked = check(topic, eventType, eventTypeOffset, eventTypeLength, payloadLength);
        if (checked < 0)
        {
            return checked;
        }
        final long sequence = ingest.publish(
            topic, eventType, eventTypeOffset, eventTypeLength, payload, payloadOffset, payloadLength, eventId);
        if (sequence < 0)
        {
            return sequence;
        }
        return IngestEvent.ASSIGN == eventId ? eventIds.base() + sequence : eventId;
    }

    /**
     * Publish a batch, all or nothing: every event enters the ring, in order, with consecutive ids, or none does.
     * Any thread, allocation-free. Each event is checked (size, event type, a frame log for its topic) before any
     * slot is claimed; the slots are claimed together and published together.
     *
     * @param batch events; left as it is.
     * @return the id of the first event (the others follow it one by one), or {@link #RING_FULL} when the ring
     * cannot take the whole batch now, {@link #INVALID} when an event is invalid or the batch is empty or larger
     * than the ring, or {@link #CLOSED}.
     */
    public long tryPublish(final PublishBatch batch)
    {
        final int count = batch.count();
        if (0 == count || count > ctx.ringSize() || ctx.externalEventIds())
        {
            return INVALID;
        }
        final DirectBuffer buffer = batch.buffer();
        for (int i = 0; i < count; i++)
        {
            final long checked = check(
                batch.topic(i), buffer, batch.eventTypeOffset(i), batch.eventTypeLength(i), batch.dataLength(i));
            if (checked < 0)
            {
                return checked;
            }
        }

        final long first = ingest.publish(batch);
        return first < 0 ? first : eventIds.base() + first;
    }

    /**
     * Embedded API: publish text events together, all or nothing, with consecutive ids. Allocates (encodes the
     * strings); for a hot path fill a {@link PublishBatch} over your own buffer and use {@link #tryPublish(PublishBatch)}.
     *
     * @param topicNames one topic per event.
     * @param data       one data text per event.
     * @param eventTypes one event type per event (null entries for {@code message}), or null for all.
     * @return the id of the first event, or a negative {@link #tryPublish(PublishBatch)} result.
     */
    public long publishBatch(final String[] topicNames, final String[] data, final String[] eventTypes)
    {
        final PublishBatch batch = PublishBatch.ofText(this, topicNames, data, eventTypes);
        return null == batch ? INVALID : tryPublish(batch);
    }

    /**
     * An event may enter the ring: payload within the limit, a valid event type, a frame log for its topic.
     *
     * @return 0, {@link #INVALID} or {@link #CLOSED}.
     */
    private long check(
        final Topic topic,
        final DirectBuffer eventType,
        final int eventTypeOffset,
        final int eventTypeLength,
        final int payloadLength)
    {
        if (payloadLength > ctx.payloadMaxLength() ||
            (eventTypeLength > 0 && !SseFrameEncoder.isValidEventType(eventType, eventTypeOffset, eventTypeLength)))
        {
            return INVALID;
        }
        return null != topic.log() || logAllocator.ensureLog(topic) ? 0 : CLOSED;
    }

    /**
     * Ask the sequencer to look after a slice of the topics (age out idle history, forget unused topics), in ring
     * order with the events. The server asks about once a second; an embedder without the server calls it itself.
     * Any thread; does nothing when the ring is full or the engine stopped.
     *
     * @return true if the request entered the ring.
     */
    public boolean requestMaintenance()
    {
        return ingest.requestMaintenance();
    }

    /**
     * Ask the sequencer for a bounded slice of maintenance that takes no event id: it runs at the end of the next
     * batch of events (shared mode: at the next {@link #pollIngest()} that finds the ring empty). Only when no batch
     * has run it for {@code idleNs} (the ring is idle, nothing is being assigned ids) does a request enter the ring as
     * {@link #requestMaintenance()} does, so ids stay consecutive while events flow. The server asks several times a
     * second. Any thread.
     *
     * @param idleNs how long without a slice before the request goes through the ring.
     */
    public void requestMaintenanceSlice(final long idleNs)
    {
        final boolean wasDue = sequencer.isMaintenanceSliceDue();
        sequencer.requestMaintenanceSlice();
        if (null == poller && wasDue && ctx.nanoClock().nanoTime() - sequencer.lastMaintenanceNs() > idleNs)
        {
            ingest.requestMaintenance();
        }
    }

    /**
     * Shared threading mode: sequence every event waiting in the ring, on the caller's thread (the I/O agent's duty
     * cycle). The sequencer's wake listeners run at the end of the batch as usual. Returns at once in dedicated mode.
     *
     * @return events sequenced.
     */
    public int pollIngest()
    {
        if (null == poller)
        {
            return 0;
        }
        polledCount = 0;
        try
        {
            poller.poll(pollHandler);
            if (0 == polledCount && sequencer.isMaintenanceSliceDue())
            {
                // the ring is empty and this thread is the sequencer: the slice runs here, taking no id
                sequencer.runMaintenanceSlice(ctx.nanoClock().nanoTime());
            }
        }
        catch (final Exception ex)
        {
            ctx.errorHandler().onError(ex);
        }
        return polledCount;
    }

    /**
     * Would the ring take {@code events} more now? A publisher asks before it creates topics for them, so that a
     * publish refused as ring-full creates no topic (another publisher may still take the room meanwhile: then the
     * publish is refused all the same, and only that race can leave a topic behind). Any thread.
     *
     * @param events how many events.
     * @return true if there is room for them at this moment; else they are counted as refused, ring full.
     */
    public boolean hasIngestCapacity(final int events)
    {
        return ingest.hasCapacity(events);
    }

    /**
     * @return true while events claimed in the ring have not been sequenced yet. Any thread.
     */
    public boolean hasIngestPending()
    {
        return ingestBacklog() > 0;
    }

    /**
     * @return events claimed in the ring and not sequenced yet. Any thread.
     */
    public long ingestBacklog()
    {
        final long consumed = null != poller ? poller.getSequence().get() : processor.getSequence().get();
        return ringBuffer.getCursor() - consumed;
    }

    /**
     * Shared threading mode: what to run after an event enters the ring, so the thread that sequences wakes up
     * (it may be asleep in {@code select}). Control path, before publishing starts.
     *
     * @param signal quick and thread-safe, e.g. a selector wake-up when the agent is asleep.
     */
    public void ingestSignal(final Runnable signal)
    {
        ingest.ingestSignal(signal);
    }

    /**
     * @return bytes of the topics' kept newest values, copies out of evicted history; part of {@link #logMemoryUsed()}.
     */
    public long logMemoryOfKeptValues()
    {
        return logAllocator.pool().looseMemoryUsed();
    }

    /**
     * @return bytes taken by topic logs.
     */
    public long logMemoryUsed()
    {
        return logAllocator.memoryUsed();
    }

    /**
     * Embedded API: publish a text event. Allocates (encodes the strings); use {@link #tryPublish} on hot paths.
     *
     * @param topicName topic.
     * @param data      event data, any text; line breaks become several {@code data:} lines.
     * @param eventType event type, or null for the default {@code message}.
     * @return true if accepted, false when the ring is full, the engine is closed, or the input is invalid.
     */
    public boolean publish(final String topicName, final String data, final String eventType)
    {
        final Topic topic = topic(topicName);
        if (null == topic)
        {
            return false;
        }
        final byte[] payload = data.getBytes(StandardCharsets.UTF_8);
        final byte[] type = null == eventType ? new byte[0] : eventType.getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer typeBuffer = new UnsafeBuffer(type);
        return tryPublish(topic, typeBuffer, 0, type.length, new UnsafeBuffer(payload), 0, payload.length) >= 0;
    }

    /**
     * Subscribe to topics, live or resuming after an event id. Call on the thread that will own the subscription.
     * Control path.
     *
     * @param subscribedTopics topics, at least one, no duplicates.
     * @param lastEventId      last id the client has, or -1 to start live.
     * @return the subscription.
     */
    public Subscription subscribe(final Topic[] subscribedTopics, final long lastEventId)
    {
        return subscribe(subscribedTopics, lastEventId, false);
    }

    /**
     * Subscribe with a snapshot: unless resuming from an id still in the history, each topic's newest retained event
     * comes first (in id order across the topics), then live events. Control path.
     *
     * @param subscribedTopics topics, at least one, no duplicates.
     * @param lastEventId      last id the client has, or -1.
     * @param isSnapshot       start with each topic's current value.
     * @return the subscription.
     */
    public Subscription subscribe(final Topic[] subscribedTopics, final long lastEventId, final boolean isSnapshot)
    {
        return new Subscription(
            sequencer, logAllocator.pool().newReader(), true, retain(subscribedTopics), lastEventId, isSnapshot);
    }

    /**
     * Subscribe a consumer whose thread brackets its reads with its own {@link LogReader} epoch (an I/O agent: one
     * reader for all its subscriptions, entered once per duty cycle). Control path, on that thread.
     *
     * @param reader           the reading thread's reader, from {@link #newReader()}.
     * @param subscribedTopics topics, from {@link #topic(String)}.
     * @param lastEventId      resume point, or -1 for live only.
     * @return the subscription.
     */
    public Subscription subscribe(final LogReader reader, final Topic[] subscribedTopics, final long lastEventId)
    {
        return subscribe(reader, subscribedTopics, lastEventId, false);
    }

    /**
     * As {@link #subscribe(LogReader, Topic[], long)}, with a snapshot first (see
     * {@link #subscribe(Topic[], long, boolean)}).
     *
     * @param reader           the reading thread's reader.
     * @param subscribedTopics topics.
     * @param lastEventId      resume point, or -1.
     * @param isSnapshot       start with each topic's current value.
     * @return the subscription.
     */
    public Subscription subscribe(
        final LogReader reader, final Topic[] subscribedTopics, final long lastEventId, final boolean isSnapshot)
    {
        return new Subscription(sequencer, reader, false, retain(subscribedTopics), lastEventId, isSnapshot);
    }

    /**
     * Hold each topic for a subscription, taking the live topic of the same name for one forgotten meanwhile.
     */
    private Topic[] retain(final Topic[] subscribedTopics)
    {
        final Topic[] retained = subscribedTopics.clone();
        for (int i = 0; i < retained.length; i++)
        {
            while (!retained[i].retain())
            {
                final Topic successor = topics.findOrCreate(retained[i].name());
                if (null == successor)
                {
                    throw new IllegalStateException("topic limit reached");
                }
                retained[i] = successor;
            }
        }
        return retained;
    }

    /**
     * A reading thread's epoch for {@link #subscribe(LogReader, Topic[], long)}. Control path.
     *
     * @return a new reader, quiescent.
     */
    public LogReader newReader()
    {
        return logAllocator.pool().newReader();
    }

    /**
     * @return true while publishes are accepted.
     */
    public boolean isAcceptingPublishes()
    {
        return ingest.isAcceptingPublishes();
    }

    /**
     * Stop accepting publishes, let the sequencer encode everything already in the ring (bounded by the timeout),
     * then stop it and record a clean shutdown. Logs stay readable until {@link #close()}.
     *
     * @param timeoutNs longest wait for the ring to drain.
     * @return true if the ring drained fully.
     */
    public boolean stopIngest(final long timeoutNs)
    {
        if (isIngestStopped)
        {
            return true;
        }
        isIngestStopped = true;
        final long deadlineNs = System.nanoTime() + timeoutNs;
        ingest.stopAccepting(deadlineNs);
        boolean drained = true;
        while (hasIngestPending())
        {
            if (System.nanoTime() >= deadlineNs)
            {
                drained = false;
                break;
            }
            ingest.signalIngest();
            LockSupport.parkNanos(TimeUnit.MICROSECONDS.toNanos(100));
        }
        if (null != processor)
        {
            processor.halt();
            try
            {
                sequencerThread.join(TimeUnit.NANOSECONDS.toMillis(Math.max(timeoutNs, TimeUnit.SECONDS.toNanos(1))));
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
        }
        if (drained && !ctx.externalEventIds())
        {
            eventIds.onCleanShutdown(sequencer.lastFrameEventId());
        }
        return drained;
    }

    /**
     * Stop ingest if still running and free all off-heap memory. Only after every consumer has stopped.
     */
    @Override
    public void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        stopIngest(ctx.shutdownTimeoutNs());
        logAllocator.close();
        ingest.close();
        ctx.close();
    }


    private static final class SequencerExceptionHandler implements ExceptionHandler<IngestEvent>
    {
        private final ErrorHandler errorHandler;

        SequencerExceptionHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
        }

        @Override
        public void handleEventException(final Throwable ex, final long sequence, final IngestEvent event)
        {
            event.topic = null;
            errorHandler.onError(ex);
        }

        @Override
        public void handleOnStartException(final Throwable ex)
        {
            errorHandler.onError(ex);
        }

        @Override
        public void handleOnShutdownException(final Throwable ex)
        {
            errorHandler.onError(ex);
        }
    }

    /**
     * Engine configuration, initialised from {@link EngineConfiguration}; concluded once.
     */
    public static final class Context
    {
        private boolean isConcluded;
        private int ringSize = EngineConfiguration.ringSize();
        private int payloadMaxLength = EngineConfiguration.payloadMaxLength();
        private String threadingModeName = EngineConfiguration.threadingMode();
        private ThreadingMode threadingMode;
        private int logSegmentLength = EngineConfiguration.logSegmentLength();
        private int historyEvents = EngineConfiguration.historyEvents();
        private long historyBytes = EngineConfiguration.historyBytes();
        private long historyAgeNs = EngineConfiguration.historyAgeNs();
        private long topicIdleExpiryNs = EngineConfiguration.topicIdleExpiryNs();
        private long logMemoryMax = EngineConfiguration.logMemoryMax();
        private boolean chunked = EngineConfiguration.CHUNKED_DEFAULT;
        private boolean externalEventIds;
        private String waitStrategy = EngineConfiguration.waitStrategy();
        private Path dir = EngineConfiguration.dir();
        private int topicsMax = EngineConfiguration.topicsMax();
        private long shutdownTimeoutNs = TimeUnit.SECONDS.toNanos(5);
        private FanoutCounters counters;
        private boolean isCountersOwned;
        private DirectoryLock directoryLock;
        private java.nio.MappedByteBuffer errorLogFile;
        private boolean isClosed;
        private ErrorHandler errorHandler;
        private NanoClock nanoClock = SystemNanoClock.INSTANCE;
        private long dutyCycleThresholdNs = EngineConfiguration.dutyCycleThresholdNs();

        /**
         * Validate and fill in what was not supplied. Once only.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (isConcluded)
            {
                throw new IllegalStateException("Context already concluded");
            }
            isConcluded = true;
            requirePowerOfTwo(EngineConfiguration.RING_SIZE_PROP_NAME, ringSize);
            try
            {
                // a bare engine has nobody to poll its ring: auto means a thread of its own
                threadingMode = EngineConfiguration.THREADING_MODE_AUTO.equalsIgnoreCase(threadingModeName) ?
                    ThreadingMode.DEDICATED : ThreadingMode.of(threadingModeName);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigurationException(EngineConfiguration.THREADING_MODE_PROP_NAME, threadingModeName,
                    "must be auto, dedicated or shared");
            }
            requirePowerOfTwo(EngineConfiguration.LOG_SEGMENT_LENGTH_PROP_NAME, logSegmentLength);
            if (logSegmentLength < 4096 || logSegmentLength > 1 << 30)
            {
                throw new ConfigurationException(
                    EngineConfiguration.LOG_SEGMENT_LENGTH_PROP_NAME, logSegmentLength, "must be 4k to 1g");
            }
            if (logMemoryMax < 4L * logSegmentLength)
            {
                throw new ConfigurationException(EngineConfiguration.LOG_MEMORY_MAX_PROP_NAME, logMemoryMax,
                    "must hold at least 4 segments of " + logSegmentLength + " bytes");
            }
            if (historyEvents < 1)
            {
                throw new ConfigurationException(EngineConfiguration.HISTORY_EVENTS_PROP_NAME, historyEvents, "must be > 0");
            }
            if (historyBytes < 1)
            {
                throw new ConfigurationException(EngineConfiguration.HISTORY_BYTES_PROP_NAME, historyBytes, "must be > 0");
            }
            if (topicIdleExpiryNs < 0)
            {
                throw new ConfigurationException(
                    EngineConfiguration.TOPIC_IDLE_EXPIRY_PROP_NAME, topicIdleExpiryNs + "ns", "must be >= 0");
            }
            if (historyAgeNs < 0)
            {
                throw new ConfigurationException(
                    EngineConfiguration.HISTORY_AGE_PROP_NAME, historyAgeNs + "ns", "must be >= 0");
            }
            if (payloadMaxLength < 1)
            {
                throw new ConfigurationException(EngineConfiguration.PAYLOAD_MAX_LENGTH_PROP_NAME, payloadMaxLength, "must be > 0");
            }
            if (topicsMax < 1)
            {
                throw new ConfigurationException(EngineConfiguration.TOPICS_MAX_PROP_NAME, topicsMax, "must be > 0");
            }
            try
            {
                EngineConfiguration.waitStrategy(waitStrategy);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigurationException(EngineConfiguration.WAIT_STRATEGY_PROP_NAME, waitStrategy,
                    "must be blocking, sleeping, yielding or busy-spin");
            }
            final long worstFrameLength = 7L * payloadMaxLength + 64 + SseFrameEncoder.MAX_EVENT_TYPE_LENGTH +
                SseFrameEncoder.MAX_CHUNK_OVERHEAD;
            if (worstFrameLength > logMemoryMax / 4)
            {
                throw new ConfigurationException(EngineConfiguration.LOG_MEMORY_MAX_PROP_NAME, logMemoryMax,
                    "must be at least 4x the worst-case frame (" + worstFrameLength + " bytes for " +
                    EngineConfiguration.PAYLOAD_MAX_LENGTH_PROP_NAME + "=" + payloadMaxLength + ")");
            }
            // one process per directory: its id reservations, counters and error log are this engine's alone
            directoryLock = DirectoryLock.acquire(dir);
            if (null == counters)
            {
                counters = new FanoutCounters(dir.resolve(StatFiles.COUNTERS_FILE));
                isCountersOwned = true;
            }
            ErrorHandler reporter = errorHandler;
            if (null == reporter)
            {
                // each distinct error once with its stack, for `fanout errors`; one line on stderr
                IoUtil.deleteIfExists(dir.resolve(StatFiles.ERRORS_FILE).toFile());
                errorLogFile = IoUtil.mapNewFile(dir.resolve(StatFiles.ERRORS_FILE).toFile(), StatFiles.ERROR_LOG_LENGTH);
                final DistinctErrorLog errorLog = new DistinctErrorLog(new UnsafeBuffer(errorLogFile),
                    SystemEpochClock.INSTANCE);
                final Path errorsAt = dir;
                reporter = ex ->
                {
                    if (!errorLog.record(ex))
                    {
                        ex.printStackTrace();
                    }
                    System.err.println("error: " + ex + " (with its stack: fanout errors --dir " + errorsAt + ")");
                };
            }
            errorHandler = new CountedErrorHandler(reporter, counters.get(EngineCounterDescriptor.ERRORS));
            return this;
        }

        /**
         * @return true once concluded.
         */
        public boolean isConcluded()
        {
            return isConcluded;
        }

        /**
         * Free what {@link #conclude()} made (the counters, unless they were supplied). Last in shutdown, so that
         * errors raised while stopping are still counted; the engine's {@link FanoutEngine#close()} calls it.
         */
        public void close()
        {
            if (isClosed)
            {
                return;
            }
            isClosed = true;
            if (isCountersOwned)
            {
                counters.close();
            }
            if (null != errorLogFile)
            {
                IoUtil.unmap(errorLogFile);
            }
            if (null != directoryLock)
            {
                directoryLock.close();
            }
        }

        /**
         * @return ring slots.
         */
        public int ringSize()
        {
            return ringSize;
        }

        /**
         * @param ringSize ring slots, a power of two.
         * @return this.
         */
        public Context ringSize(final int ringSize)
        {
            this.ringSize = ringSize;
            return this;
        }

        /**
         * @return payload limit in bytes.
         */
        public int payloadMaxLength()
        {
            return payloadMaxLength;
        }

        /**
         * @param payloadMaxLength payload limit in bytes.
         * @return this.
         */
        public Context payloadMaxLength(final int payloadMaxLength)
        {
            this.payloadMaxLength = payloadMaxLength;
            return this;
        }

        /**
         * @return the threading mode as given: {@code auto}, {@code dedicated} or {@code shared}.
         */
        public String threadingModeName()
        {
            return threadingModeName;
        }

        /**
         * @return who runs the sequencer; valid once concluded.
         */
        public ThreadingMode threadingMode()
        {
            return threadingMode;
        }

        /**
         * @param threadingMode {@code auto}, {@code dedicated} or {@code shared}.
         * @return this.
         */
        public Context threadingMode(final String threadingMode)
        {
            this.threadingModeName = threadingMode;
            return this;
        }

        /**
         * @return idle time after which an unused topic is forgotten, 0 for never.
         */
        public long topicIdleExpiryNs()
        {
            return topicIdleExpiryNs;
        }

        /**
         * @param topicIdleExpiryNs idle time after which an unused topic is forgotten, 0 for never.
         * @return this.
         */
        public Context topicIdleExpiryNs(final long topicIdleExpiryNs)
        {
            this.topicIdleExpiryNs = topicIdleExpiryNs;
            return this;
        }

        /**
         * @return bytes per log segment, a power of two.
         */
        public int logSegmentLength()
        {
            return logSegmentLength;
        }

        /**
         * @param logSegmentLength bytes per log segment, a power of two.
         * @return this.
         */
        public Context logSegmentLength(final int logSegmentLength)
        {
            this.logSegmentLength = logSegmentLength;
            return this;
        }

        /**
         * @return most events a topic keeps.
         */
        public int historyEvents()
        {
            return historyEvents;
        }

        /**
         * @param historyEvents most events a topic keeps.
         * @return this.
         */
        public Context historyEvents(final int historyEvents)
        {
            this.historyEvents = historyEvents;
            return this;
        }

        /**
         * @return most frame bytes a topic keeps.
         */
        public long historyBytes()
        {
            return historyBytes;
        }

        /**
         * @param historyBytes most frame bytes a topic keeps.
         * @return this.
         */
        public Context historyBytes(final long historyBytes)
        {
            this.historyBytes = historyBytes;
            return this;
        }

        /**
         * @return age after which events leave a topic's history, 0 for none.
         */
        public long historyAgeNs()
        {
            return historyAgeNs;
        }

        /**
         * @param historyAgeNs age after which events leave a topic's history, 0 for none.
         * @return this.
         */
        public Context historyAgeNs(final long historyAgeNs)
        {
            this.historyAgeNs = historyAgeNs;
            return this;
        }

        /**
         * @return total bytes all topic logs may take.
         */
        public long logMemoryMax()
        {
            return logMemoryMax;
        }

        /**
         * @param logMemoryMax total bytes all topic logs may take.
         * @return this.
         */
        public Context logMemoryMax(final long logMemoryMax)
        {
            this.logMemoryMax = logMemoryMax;
            return this;
        }

        /**
         * @return whether frames carry chunk framing.
         */
        public boolean chunked()
        {
            return chunked;
        }

        /**
         * @param chunked whether frames carry chunk framing.
         * @return this.
         */
        public Context chunked(final boolean chunked)
        {
            this.chunked = chunked;
            return this;
        }

        /**
         * @return whether event ids come from an external log ({@link #tryPublishWithId}) instead of the engine.
         */
        public boolean externalEventIds()
        {
            return externalEventIds;
        }

        /**
         * @param externalEventIds true for ids from an external log (a cluster on Kafka): only
         *                         {@link #tryPublishWithId} publishes, and resumes below the first id this run
         *                         sequenced are older than its history.
         * @return this.
         */
        public Context externalEventIds(final boolean externalEventIds)
        {
            this.externalEventIds = externalEventIds;
            return this;
        }

        /**
         * @return sequencer wait strategy alias.
         */
        public String waitStrategy()
        {
            return waitStrategy;
        }

        /**
         * @param waitStrategy blocking, sleeping, yielding or busy-spin.
         * @return this.
         */
        public Context waitStrategy(final String waitStrategy)
        {
            this.waitStrategy = waitStrategy;
            return this;
        }

        /**
         * @return directory of the id file.
         */
        public Path dir()
        {
            return dir;
        }

        /**
         * @param dir directory of the id file.
         * @return this.
         */
        public Context dir(final Path dir)
        {
            this.dir = dir;
            return this;
        }

        /**
         * @return topic limit.
         */
        public int topicsMax()
        {
            return topicsMax;
        }

        /**
         * @param topicsMax topic limit.
         * @return this.
         */
        public Context topicsMax(final int topicsMax)
        {
            this.topicsMax = topicsMax;
            return this;
        }

        /**
         * @return longest wait for the ring to drain at shutdown.
         */
        public long shutdownTimeoutNs()
        {
            return shutdownTimeoutNs;
        }

        /**
         * @param shutdownTimeoutNs longest wait for the ring to drain at shutdown.
         * @return this.
         */
        public Context shutdownTimeoutNs(final long shutdownTimeoutNs)
        {
            this.shutdownTimeoutNs = shutdownTimeoutNs;
            return this;
        }

        /**
         * @return the counters.
         */
        public FanoutCounters counters()
        {
            return counters;
        }

        /**
         * @param counters counters to use instead of new ones.
         * @return this.
         */
        public Context counters(final FanoutCounters counters)
        {
            this.counters = counters;
            return this;
        }

        /**
         * @return a sequencer batch or I/O duty cycle longer than this counts as a stall.
         */
        public long dutyCycleThresholdNs()
        {
            return dutyCycleThresholdNs;
        }

        /**
         * @param dutyCycleThresholdNs a sequencer batch or I/O duty cycle longer than this counts as a stall.
         * @return this.
         */
        public Context dutyCycleThresholdNs(final long dutyCycleThresholdNs)
        {
            this.dutyCycleThresholdNs = dutyCycleThresholdNs;
            return this;
        }

        /**
         * @return the clock events are stamped with at ingest (latency is measured from it).
         */
        public NanoClock nanoClock()
        {
            return nanoClock;
        }

        /**
         * @param nanoClock the clock events are stamped with at ingest; the transport hands it its own.
         * @return this.
         */
        public Context nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        /**
         * @return the error handler.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * @param errorHandler where unexpected errors go.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        @Override
        public String toString()
        {
            return "FanoutEngine.Context{" +
                "ringSize=" + ringSize +
                ", payloadMaxLength=" + payloadMaxLength +
                ", threadingMode=" + threadingModeName +
                ", logSegmentLength=" + logSegmentLength +
                ", historyEvents=" + historyEvents +
                ", historyBytes=" + historyBytes +
                ", historyAgeNs=" + historyAgeNs +
                ", topicIdleExpiryNs=" + topicIdleExpiryNs +
                ", logMemoryMax=" + logMemoryMax +
                ", chunked=" + chunked +
                ", waitStrategy=" + waitStrategy +
                ", dir=" + dir +
                ", topicsMax=" + topicsMax +
                '}';
        }

        private static void requirePowerOfTwo(final String name, final int value)
        {
            if (value <= 0 || Integer.bitCount(value) != 1)
            {
                throw new ConfigurationException(name, value, "must be a power of two");
            }
        }
    }
}
