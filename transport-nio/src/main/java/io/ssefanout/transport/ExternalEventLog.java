package io.ssefanout.transport;

/**
 * A log outside the process that every node of a cluster reads its events from (Kafka): a publish on any node is
 * appended there, and answered with the ids the events got there once the log acknowledged them; the node's own
 * ingest reads them back, like everyone else's, with those same ids.
 */
public interface ExternalEventLog
{
    /**
     * Append events, in order. Any thread; must not block the caller for long (the I/O agent's duty cycle).
     *
     * @param topics     one topic per event.
     * @param eventTypes one event type per event, null entries for {@code message}.
     * @param data       one UTF-8 payload per event.
     * @param done       called once, from any thread, when every event was acknowledged or one failed.
     */
    void append(String[] topics, String[] eventTypes, byte[][] data, AppendCallback done);

    /**
     * The outcome of an {@link #append}.
     */
    @FunctionalInterface
    interface AppendCallback
    {
        /**
         * @param eventIds the id of each event, in order, or null when they were not all taken.
         * @param failure  why not, or null.
         */
        void onAppended(long[] eventIds, String failure);
    }
}
