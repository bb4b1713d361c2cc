package io.ssefanout.transport;

import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;
import java.util.concurrent.locks.LockSupport;

/**
 * Idle by blocking in {@link Selector#select(long)}: no CPU while idle, woken at once by socket readiness (handled right here, through the agent's handler) or by
 * {@link IoAgent#wake()}, which the sequencer calls at the end of each batch. Before blocking, the agent announces
 * that it sleeps and checks once more for work, so a wake-up is never lost.
 */
final class SelectorIdleStrategy implements IdleStrategy
{
    private static final long PAUSE_SLICE_NS = 50_000;

    private final IoAgent agent;
    private final Selector selector;
    private final long timeoutMs;

    SelectorIdleStrategy(final IoAgent agent, final Selector selector, final long timeoutMs)
    {
        this.agent = agent;
        this.selector = selector;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void idle(final int workCount)
    {
        if (workCount > 0)
        {
            return;
        }
        idle();
    }

    @Override
    public void idle()
    {
        final long deferredPassNs = agent.deferredPassNs();
        if (deferredPassNs > 0)
        {
            // the pause after a busy pass is short (a pass's duration, capped) and select() counts in
            // milliseconds: sleep it out in slices; each duty cycle between them answers publishers (selectNow)
            LockSupport.parkNanos(Math.min(deferredPassNs, PAUSE_SLICE_NS));
            return;
        }
        if (agent.prepareToSleep())
        {
            try
            {
                selector.select(agent.selectedKeyHandler(), agent.selectTimeoutMs(timeoutMs));
            }
            catch (final IOException ex)
            {
                throw new UncheckedIOException(ex);
            }
            finally
            {
                agent.onWoken();
            }
        }
    }

    @Override
    public void reset()
    {
    }

    @Override
    public String alias()
    {
        return "select";
    }
}
