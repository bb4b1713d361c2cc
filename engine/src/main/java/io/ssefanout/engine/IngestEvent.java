package io.ssefanout.engine;

import org.agrona.concurrent.UnsafeBuffer;

/**
 * One pre-allocated slot of the ingest ring: a reference to the topic and views over the slot's own region of one
 * off-heap slab for the event type and the payload. A publisher copies its bytes in once; the sequencer encodes
 * from here into the topic's frame log and clears the topic reference.
 */
final class IngestEvent
{
    static final long ASSIGN = -1;

    final UnsafeBuffer eventType = new UnsafeBuffer(0, 0);
    final UnsafeBuffer payload = new UnsafeBuffer(0, 0);
    Topic topic;
    boolean isMaintenance;
    long ingestTimeNs;
    /** Given by the publisher (ids from an external log), or {@link #ASSIGN}: the sequencer assigns one. */
    long eventId = ASSIGN;
    int eventTypeLength;
    int payloadLength;
}
