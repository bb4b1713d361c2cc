package io.ssefanout.transport;

import org.agrona.concurrent.IdleStrategy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.Selector;

/**
 * Idle by blocking in {@link Selector#select(long)}: no CPU while idle, woken at once by socket readiness (handled right here, through the agent's handler) or by
 * {@link IoAgent#wake()}, which the sequencer calls at the end of each batch. Before blocking, the agent announces
 * that it sleeps and checks once more for work, so a wake-up is never lost.
 */
final class SelectorIdleStrategy implements IdleStrategy
{
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
        if (agent.prepareToSleep())
        {
            try
            {
                selector.select(agent.selectedKeyHandler(), timeoutMs);
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
