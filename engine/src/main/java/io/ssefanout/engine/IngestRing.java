package io.ssefanout.engine;

import com.lmax.disruptor.EventFactory;
import com.lmax.disruptor.InsufficientCapacityException;
import com.lmax.disruptor.RingBuffer;
import io.ssefanout.codec.SseFrameEncoder;
import org.agrona.BufferUtil;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The publishing side of the Disruptor ring: slots with off-heap room for an event type and a payload (one slab);
 * a publisher claims slots, copies its event in once and publishes them, and the thread that sequences is signalled.
 * Publishers count themselves in while they hold a claim, so a stopping engine can wait for them. Any thread,
 * allocation-free.
 */
final class IngestRing
{
    private final ByteBuffer slab;
    private final RingBuffer<IngestEvent> ringBuffer;
    private final NanoClock ingestClock;
    private final AtomicCounter eventsPublished;
    private final AtomicCounter eventsRejectedRingFull;
    private final AtomicInteger publishersInFlight = new AtomicInteger();
    private volatile Runnable ingestSignal;
    private volatile boolean isAcceptingPublishes = true;

    IngestRing(final FanoutEngine.Context ctx, final FanoutCounters counters)
    {
        this.ingestClock = ctx.nanoClock();
        this.eventsPublished = counters.get(EngineCounterDescriptor.EVENTS_PUBLISHED);
        this.eventsRejectedRingFull = counters.get(EngineCounterDescriptor.EVENTS_REJECTED_RING_FULL);
        final int slotLength = SseFrameEncoder.MAX_EVENT_TYPE_LENGTH + ctx.payloadMaxLength();
        this.slab = ByteBuffer.allocateDirect(ctx.ringSize() * slotLength);
        final AtomicInteger nextSlot = new AtomicInteger();
        final EventFactory<IngestEvent> factory = () ->
        {
            final IngestEvent event = new IngestEvent();
            final int base = nextSlot.getAndIncrement() * slotLength;
            event.eventType.wrap(slab, base, SseFrameEncoder.MAX_EVENT_TYPE_LENGTH);
            event.payload.wrap(slab, base + SseFrameEncoder.MAX_EVENT_TYPE_LENGTH, ctx.payloadMaxLength());
            return event;
        };
        this.ringBuffer = RingBuffer.createMultiProducer(
            factory, ctx.ringSize(), EngineConfiguration.waitStrategy(ctx.waitStrategy()));
    }

    RingBuffer<IngestEvent> ringBuffer()
    {
        return ringBuffer;
    }

    /**
     * Publish one event.
     *
     * @param eventId its id from an external log, or {@link IngestEvent#ASSIGN}.
     * @return its slot's sequence, or {@link FanoutEngine#CLOSED} or {@link FanoutEngine#RING_FULL}.
     */
    long publish(
        final Topic topic,
        final DirectBuffer eventType,
        final int eventTypeOffset,
        final int eventTypeLength,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength,
        final long eventId)
    {
        publishersInFlight.getAndIncrement();
        try
        {
            final long sequence = claim(1);
            if (sequence < 0)
            {
                return sequence;
            }
            final IngestEvent event = ringBuffer.get(sequence);
            fill(event, topic, eventType, eventTypeOffset, eventTypeLength, payload, payloadOffset, payloadLength,
                ingestClock.nanoTime());
            event.eventId = eventId;
            ringBuffer.publish(sequence);
            signalIngest();
            eventsPublished.increment();
            return sequence;
        }
        finally
        {
            publishersInFlight.getAndDecrement();
        }
    }

    /**
     * Publish a checked batch whole: consecutive slots, published together.
     *
     * @return the first slot's sequence, or {@link FanoutEngine#CLOSED} or {@link FanoutEngine#RING_FULL}.
     */
    long publish(final PublishBatch batch)
    {
        final int count = batch.count();
        final DirectBuffer buffer = batch.buffer();
        publishersInFlight.getAndIncrement();
        try
        {
            final long last = claim(count);
            if (last < 0)
            {
                return last;
            }
            final long first = last - count + 1;
            final long nowNs = ingestClock.nanoTime();
            for (int i = 0; i < count; i++)
            {
                fill(ringBuffer.get(first + i), batch.topic(i), buffer, batch.eventTypeOffset(i),
                    batch.eventTypeLength(i), buffer, batch.dataOffset(i), batch.dataLength(i), nowNs);
            }
            ringBuffer.publish(first, last);
            signalIngest();
            eventsPublished.getAndAdd(count);
            return first;
        }
        finally
        {
            publishersInFlight.getAndDecrement();
        }
    }

    /**
     * A maintenance request in ring order with the events.
     *
     * @return true if it entered the ring.
     */
    boolean requestMaintenance()
    {
        publishersInFlight.incrementAndGet();
        try
        {
            final long sequence = claim(1);
            if (sequence < 0)
            {
                return false;
            }
            final IngestEvent event = ringBuffer.get(sequence);
            event.topic = null;
            event.isMaintenance = true;
            event.ingestTimeNs = ingestClock.nanoTime();
            event.eventTypeLength = 0;
            event.payloadLength = 0;
            ringBuffer.publish(sequence);
            signalIngest();
            return true;
        }
        finally
        {
            publishersInFlight.decrementAndGet();
        }
    }

    /**
     * Claim {@code count} consecutive slots; the caller counts itself in {@link #publishersInFlight} around this and
     * the publish, so a stopping engine waits for it.
     *
     * @return the last slot's sequence, {@link FanoutEngine#CLOSED} or {@link FanoutEngine#RING_FULL}.
     */
    /**
     * @return true if {@code count} slots are free now; else the events count as refused, ring full.
     */
    boolean hasCapacity(final int count)
    {
        if (ringBuffer.hasAvailableCapacity(count))
        {
            return true;
        }
        eventsRejectedRingFull.getAndAdd(count);
        return false;
    }

    private long claim(final int count)
    {
        if (!isAcceptingPublishes)
        {
            return FanoutEngine.CLOSED;
        }
        try
        {
            return ringBuffer.tryNext(count);
        }
        catch (final InsufficientCapacityException ex)
        {
            eventsRejectedRingFull.getAndAdd(count);
            return FanoutEngine.RING_FULL;
        }
    }

    private static void fill(
        final IngestEvent event,
        final Topic topic,
        final DirectBuffer eventType,
        final int eventTypeOffset,
        final int eventTypeLength,
        final DirectBuffer payload,
        final int payloadOffset,
        final int payloadLength,
        final long ingestTimeNs)
    {
        event.topic = topic;
        event.ingestTimeNs = ingestTimeNs;
        event.eventTypeLength = eventTypeLength;
        if (eventTypeLength > 0)
        {
            event.eventType.putBytes(0, eventType, eventTypeOffset, eventTypeLength);
        }
        event.payloadLength = payloadLength;
        event.payload.putBytes(0, payload, payloadOffset, payloadLength);
    }

    /**
     * @param signal run after events enter the ring, so the thread that sequences wakes up.
     */
    void ingestSignal(final Runnable signal)
    {
        this.ingestSignal = signal;
    }

    void signalIngest()
    {
        final Runnable signal = ingestSignal;
        if (null != signal)
        {
            signal.run();
        }
    }

    boolean isAcceptingPublishes()
    {
        return isAcceptingPublishes;
    }

    /**
     * Refuse new publishes, then wait (until the deadline) for those holding a claim to publish it.
     */
    void stopAccepting(final long deadlineNs)
    {
        isAcceptingPublishes = false;
        while (publishersInFlight.get() > 0 && System.nanoTime() < deadlineNs)
        {
            Thread.onSpinWait();
        }
    }

    /**
     * Free the slab; once nothing reads the ring any more.
     */
    void close()
    {
        BufferUtil.free(slab);
    }
}
