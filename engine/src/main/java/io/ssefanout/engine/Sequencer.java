package io.ssefanout.engine;

import com.lmax.disruptor.EventHandler;
import io.ssefanout.codec.SseFrameEncoder;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * The single writer of every topic frame log: the one consumer of the ingest ring. For each event it assigns the id
 * ({@code base + ring sequence}), or, with ids from an external log (a cluster on Kafka), takes the event's own,
 * which must increase; encodes the complete frame once into the topic's log, publishes the log's new
 * position and then the global watermark (the highest id whose frame is visible), and at the end of a batch wakes
 * the consumers that asked to be woken.
 */
public final class Sequencer implements EventHandler<IngestEvent>
{
    private static final VarHandle PUBLISHED_EVENT_ID;
    private static final VarHandle LAST_FRAME_EVENT_ID;

    static
    {
        try
        {
            PUBLISHED_EVENT_ID = MethodHandles.lookup().findVarHandle(Sequencer.class, "publishedEventId", long.class);
            LAST_FRAME_EVENT_ID = MethodHandles.lookup().findVarHandle(Sequencer.class, "lastFrameEventId", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final EventIdSequence eventIds;
    private final boolean isExternalIds;
    private final boolean isChunked;
    private final AtomicCounter framesAppended;
    private final AtomicCounter eventsOutOfOrder;
    /** External ids: the id before the first event this run sequenced; older ones were never in its history. */
    private volatile long externalFloorEventId = Long.MAX_VALUE;
    private final UnsafeBuffer frameScratch = new UnsafeBuffer(new byte[4096]);
    private TopicExpiry topicExpiry;
    private final MovedTopicJournal movedTopics = new MovedTopicJournal(MovedTopicJournal.CAPACITY_DEFAULT);
    private NanoClock clock;
    private DutyCycleStallTracker batchTracker;
    private AtomicCounter ringWaitMaxNs;
    private boolean isInBatch;
    private long batchStartNs;
    private long batchOldestIngestNs;
    private long localRingWaitMaxNs;
    /** Set by any thread, taken by the sequencer at the end of a batch: a maintenance slice that takes no event id. */
    private volatile boolean isSliceDue;
    /** Sequencer thread writes: ingest-clock time of the last maintenance slice or sweep. */
    private volatile long lastMaintenanceNs;
    private volatile Runnable[] wakeListeners = new Runnable[0];

    @SuppressWarnings("unused")
    private volatile long publishedEventId;
    private volatile long lastFrameEventId;

    Sequencer(
        final EventIdSequence eventIds,
        final boolean isExternalIds,
        final boolean isChunked,
        final FanoutCounters counters)
    {
        this.eventIds = eventIds;
        this.isExternalIds = isExternalIds;
        this.isChunked = isChunked;
        this.framesAppended = counters.get(EngineCounterDescriptor.FRAMES_APPENDED);
        this.eventsOutOfOrder = counters.get(EngineCounterDescriptor.EVENTS_REJECTED_ID_ORDER);
        final long initial = isExternalIds ? 0 : eventIds.base() - 1;
        PUBLISHED_EVENT_ID.setRelease(this, initial);
        LAST_FRAME_EVENT_ID.setRelease(this, initial);
    }

    void topicExpiry(final TopicExpiry topicExpiry)
    {
        this.topicExpiry = topicExpiry;
    }

    /**
     * Track each batch's duration and the longest any event waited in the ring (two clock reads per batch).
     */
    void stallTracking(
        final NanoClock clock, final DutyCycleStallTracker batchTracker,
        final AtomicCounter ringWaitMaxNs)
    {
        this.clock = clock;
        this.batchTracker = batchTracker;
        this.ringWaitMaxNs = ringWaitMaxNs;
    }

    /**
     * @return the topics that moved, in sequencing order, for the fan-out passes to read from their own positions.
     */
    public MovedTopicJournal movedTopics()
    {
        return movedTopics;
    }

    /**
     * @return highest event id whose frame is visible in its log, acquire load.
     */
    public long publishedEventId()
    {
        return (long)PUBLISHED_EVENT_ID.getAcquire(this);
    }

    /**
     * @return id of the newest event that made a frame (maintenance requests take ids too, and carry none), acquire
     *         load.
     */
    public long lastFrameEventId()
    {
        return (long)LAST_FRAME_EVENT_ID.getAcquire(this);
    }

    /**
     * @return the oldest resume point this run has every later event of (an older one may have missed events that
     *         were never in this run's history).
     */
    public long historyFloorEventId()
    {
        return isExternalIds ? externalFloorEventId : eventIds.historyFloorEventId();
    }

    /**
     * @return whether ids come with the events (from an external log) rather than from the ring's sequence.
     */
    public boolean isExternalIds()
    {
        return isExternalIds;
    }

    /**
     * @return whether frames carry HTTP/1.1 chunk framing.
     */
    public boolean isChunked()
    {
        return isChunked;
    }

    /**
     * Register a callback run on the sequencer thread at the end of each batch, e.g. a selector wake-up.
     * Control path.
     *
     * @param listener to run; must be quick and must not throw.
     */
    public synchronized void addWakeListener(final Runnable listener)
    {
        final Runnable[] listeners = Arrays.copyOf(wakeListeners, wakeListeners.length + 1);
        listeners[listeners.length - 1] = listener;
        wakeListeners = listeners;
    }

    /**
     * Remove a wake-up callback. Control path.
     *
     * @param listener to remove.
     */
    public synchronized void removeWakeListener(final Runnable listener)
    {
        final Runnable[] listeners = wakeListeners;
        for (int i = 0; i < listeners.length; i++)
        {
            if (listeners[i] == listener)
            {
                final Runnable[] updated = new Runnable[listeners.length - 1];
                System.arraycopy(listeners, 0, updated, 0, i);
                System.arraycopy(listeners, i + 1, updated, i, listeners.length - i - 1);
                wakeListeners = updated;
                return;
            }
        }
    }

    @Override
    public void onEvent(final IngestEvent event, final long sequence, final boolean endOfBatch)
    {
        if (!isInBatch && null != clock)
        {
            // the batch's first event is its oldest: how long it waited is the most any of them waited
            isInBatch = true;
            batchStartNs = clock.nanoTime();
            batchOldestIngestNs = event.ingestTimeNs;
        }
        final long givenEventId = event.eventId;
        event.eventId = IngestEvent.ASSIGN;
        Topic topic = event.topic;
        event.topic = null;
        final long eventId;
        if (!isExternalIds)
        {
            eventId = eventIds.base() + sequence;
        }
        else if (IngestEvent.ASSIGN == givenEventId)
        {
            // a maintenance request: no id of its own
            eventId = (long)PUBLISHED_EVENT_ID.get(this);
        }
        else if (givenEventId <= (long)PUBLISHED_EVENT_ID.get(this))
        {
            // never a frame that breaks id order: the external log went back (e.g. its topic was recreated)
            eventsOutOfOrder.increment();
            topic = null;
            eventId = (long)PUBLISHED_EVENT_ID.get(this);
        }
        else
        {
            eventId = givenEventId;
            if (Long.MAX_VALUE == externalFloorEventId)
            {
                externalFloorEventId = eventId - 1;
            }
        }
        if (event.isMaintenance)
        {
            event.isMaintenance = false;
            topicExpiry.sweep(event.ingestTimeNs);
            lastMaintenanceNs = event.ingestTimeNs;
        }
        else if (null != topic && topic.isExpired())
        {
            // forgotten after this event was published: it belongs to the topic of that name now
            topic = topicExpiry.successorOf(topic);
        }
        if (null != topic)
        {
            topic.lastActiveNs = event.ingestTimeNs;
            final TopicFrameLog log = topic.log();

            final int frameLength = SseFrameEncoder.eventFrameLength(
                isChunked, eventId, event.eventTypeLength, event.payload, 0, event.payloadLength);
            final int offset = log.claim(frameLength, event.ingestTimeNs);
            if (offset >= 0)
            {
                encode(event, eventId, log.claimedBuffer(), offset);
            }
            else
            {
                // the frame crosses into the next segment: encoded once here, copied in two parts
                if (frameScratch.capacity() < frameLength)
                {
                    frameScratch.wrap(new byte[frameLength]);
                }
                encode(event, eventId, frameScratch, 0);
                log.write(frameScratch, 0, frameLength);
            }
            log.commit(eventId, frameLength, event.ingestTimeNs);
            // before the watermark: a reader that read the watermark first finds this topic in the journal
            movedTopics.append(topic.id());
            LAST_FRAME_EVENT_ID.setRelease(this, eventId);
            framesAppended.incrementRelease();
        }

        PUBLISHED_EVENT_ID.setRelease(this, eventId);
        if (!isExternalIds)
        {
            eventIds.onAssigned(eventId);
        }

        if (endOfBatch)
        {
            if (isSliceDue)
            {
                runMaintenanceSlice(event.ingestTimeNs);
            }
            if (isInBatch)
            {
                isInBatch = false;
                final long nowNs = clock.nanoTime();
                batchTracker.onCycle(nowNs - batchStartNs);
                final long waitedNs = batchStartNs - batchOldestIngestNs;
                if (waitedNs > localRingWaitMaxNs)
                {
                    localRingWaitMaxNs = waitedNs;
                    ringWaitMaxNs.proposeMaxRelease(waitedNs);
                }
            }
            final Runnable[] listeners = wakeListeners;
            for (int i = 0; i < listeners.length; i++)
            {
                listeners[i].run();
            }
        }
    }

    /**
     * Ask for a maintenance slice at the end of the next batch: no ring slot, so no event id. Any thread.
     */
    void requestMaintenanceSlice()
    {
        isSliceDue = true;
    }

    /**
     * @return whether a requested slice has not run yet.
     */
    boolean isMaintenanceSliceDue()
    {
        return isSliceDue;
    }

    /**
     * @return ingest-clock time of the last maintenance slice or sweep, 0 before the first.
     */
    long lastMaintenanceNs()
    {
        return lastMaintenanceNs;
    }

    /**
     * Look after the next slice of topics. Sequencer thread (in shared mode, the I/O agent between polls).
     *
     * @param nowNs the clock of ingest times.
     */
    void runMaintenanceSlice(final long nowNs)
    {
        isSliceDue = false;
        topicExpiry.sweep(nowNs, TopicExpiry.SLICE_LENGTH);
        lastMaintenanceNs = nowNs;
    }

    private void encode(final IngestEvent event, final long eventId, final UnsafeBuffer buffer, final int offset)
    {
        SseFrameEncoder.encodeEvent(
            buffer,
            offset,
            isChunked,
            eventId,
            event.eventType,
            0,
            event.eventTypeLength,
            event.payload,
            0,
            event.payloadLength);
    }
}
