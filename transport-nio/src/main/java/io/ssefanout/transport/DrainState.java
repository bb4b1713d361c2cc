package io.ssefanout.transport;



/**
 * Whether the agent is draining for shutdown: set by the closing thread, read by every room of the agent.
 */
final class DrainState
{
    private volatile boolean isDraining;
    private volatile long generation;

    /**
     * Start draining, or start over: only a sweep that begins after this call can report the agent drained (what it
     * checked before may have been overtaken, e.g. by the last events of the ring being sequenced). Any thread.
     */
    void startDraining()
    {
        generation++;
        isDraining = true;
    }

    /**
     * @return the current drain generation, read by a sweep before it looks at any connection.
     */
    long generation()
    {
        return generation;
    }

    boolean isDraining()
    {
        return isDraining;
    }
}
