package io.ssefanout.transport;



/**
 * Whether the agent is draining for shutdown: set by the closing thread, read by every room of the agent.
 */
final class DrainState
{
    private volatile boolean isDraining;

    void startDraining()
    {
        isDraining = true;
    }

    boolean isDraining()
    {
        return isDraining;
    }
}
