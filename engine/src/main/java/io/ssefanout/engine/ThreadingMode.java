package io.ssefanout.engine;

/**
 * Who runs the sequencer. {@link #DEDICATED}: its own thread, fed by the Disruptor's wait strategy, the I/O threads
 * woken at the end of each batch (many cores: ingest and fan-out overlap). {@link #SHARED}: no thread of its own; the
 * one I/O agent drains the ring and sequences in its duty cycle, as Aeron's shared threading mode runs its
 * conductor, sender and receiver on one thread (few cores: nothing is handed between threads, no wake-ups).
 */
public enum ThreadingMode
{
    /** The sequencer on its own thread. */
    DEDICATED,
    /** The sequencer inside the I/O agent's duty cycle ({@link FanoutEngine#pollIngest()}). */
    SHARED;

    /**
     * @param name {@code dedicated} or {@code shared}, any case.
     * @return the mode.
     * @throws IllegalArgumentException for any other name.
     */
    public static ThreadingMode of(final String name)
    {
        switch (name.toLowerCase(java.util.Locale.ROOT))
        {
            case "dedicated": return DEDICATED;
            case "shared": return SHARED;
            default: throw new IllegalArgumentException("unknown threading mode: " + name);
        }
    }
}
