package io.ssefanout.engine;

/**
 * A reading thread's epoch, the whole of the reclamation protocol between the sequencer and its readers: a segment
 * dropped from a topic's log goes back into use only once every reader has either been quiescent or entered a new
 * epoch since (quiescent-state-based reclamation). A reader that checks its frames are still retained after
 * {@link #enter()} can therefore send them until {@link #exit()}: no byte it sends can be overwritten under it.
 * <p>
 * One per reading thread (an I/O agent, an in-process consumer); {@link #enter()} at the start of a duty cycle,
 * {@link #exit()} before the thread idles. Not thread-safe: the owning thread only.
 */
public final class LogReader implements AutoCloseable
{
    static final long QUIESCENT = Long.MAX_VALUE;

    private final LogSegmentPool pool;
    private volatile long epoch = QUIESCENT;
    private long watermarkCap = Long.MAX_VALUE;

    LogReader(final LogSegmentPool pool)
    {
        this.pool = pool;
    }

    /**
     * Start reading: segments of frames found retained from now on stay untouched until {@link #exit()}.
     */
    public void enter()
    {
        // a volatile store, then the reads of retention that follow: the sequencer's scan cannot miss this reader
        epoch = pool.epoch();
    }

    /**
     * Stop reading; nothing read before may be used after this.
     */
    public void exit()
    {
        epoch = QUIESCENT;
    }

    /**
     * @return true between {@link #enter()} and {@link #exit()}.
     */
    public boolean isReading()
    {
        return QUIESCENT != epoch;
    }

    /**
     * Cap the event ids that subscriptions read through this reader merge up to: the sequencer's watermark as it was
     * when the thread last marked which topics moved ({@link Subscription#markDirty(int)}), so no frame of a topic not
     * yet marked can be overtaken. Owning thread only.
     *
     * @param eventId highest id to merge up to.
     */
    public void watermarkCap(final long eventId)
    {
        watermarkCap = eventId;
    }

    /**
     * @return the cap set by {@link #watermarkCap(long)}, {@link Long#MAX_VALUE} until then.
     */
    public long watermarkCap()
    {
        return watermarkCap;
    }

    long epoch()
    {
        return epoch;
    }

    /**
     * Stop taking part in reclamation. Control path.
     */
    @Override
    public void close()
    {
        epoch = QUIESCENT;
        pool.removeReader(this);
    }
}
