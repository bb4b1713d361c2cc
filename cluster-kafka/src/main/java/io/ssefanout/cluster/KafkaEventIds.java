package io.ssefanout.cluster;

/**
 * Event ids in cluster mode: a record's position in the Kafka log, so every node gives the same event the same id
 * and a {@code Last-Event-ID} means the same thing on each. One partition: id = offset + 1 (ids start at 1; 0 is
 * "before everything"). Offsets stay far below 2^53, so ids stay exact in JavaScript.
 */
public final class KafkaEventIds
{
    private KafkaEventIds()
    {
    }

    /**
     * @param offset a record's offset in the partition.
     * @return its event id.
     */
    public static long idOf(final long offset)
    {
        return offset + 1;
    }

    /**
     * @param eventId an event id.
     * @return the offset of its record.
     */
    public static long offsetOf(final long eventId)
    {
        return eventId - 1;
    }
}
