package io.ssefanout.transport;

import io.ssefanout.engine.FanoutEngine;

import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * What a cluster node plugs into its server ({@link FanoutServer.Context#cluster(ClusterWiring)}): where publishes
 * are appended, how old resumes are replayed, what runs before the port is bound, what makes it unhealthy, and how
 * long a resume waits for this node to reach an id another node served. The
 * node owns these objects; the server only calls them. A server without wiring is a single node.
 */
public final class ClusterWiring
{
    private ExternalEventLog eventLog;
    private LogCatchUp catchUp;
    private Consumer<FanoutEngine> beforeListening;
    private Supplier<String> healthProblem;
    private long resumeWaitNs = TransportConfiguration.resumeWaitNs();

    /**
     * @return where publishes are appended, or null: straight into the engine's ring.
     */
    public ExternalEventLog eventLog()
    {
        return eventLog;
    }

    /**
     * @param eventLog where publishes are appended; the engine then takes its ids from the events it reads back
     *                 ({@code FanoutEngine.Context#externalEventIds}).
     * @return this.
     */
    public ClusterWiring eventLog(final ExternalEventLog eventLog)
    {
        this.eventLog = eventLog;
        return this;
    }

    /**
     * @return replays resumes older than this node's memory from the external log, or null.
     */
    public LogCatchUp catchUp()
    {
        return catchUp;
    }

    /**
     * @param catchUp replays resumes older than this node's memory from the external log.
     * @return this.
     */
    public ClusterWiring catchUp(final LogCatchUp catchUp)
    {
        this.catchUp = catchUp;
        return this;
    }

    /**
     * @return run on the engine once it started, before the port is bound; or null.
     */
    public Consumer<FanoutEngine> beforeListening()
    {
        return beforeListening;
    }

    /**
     * @param beforeListening run on the engine once it started, before the port is bound (the node warms its history
     *                        from the log there); it may block; what it throws fails the launch.
     * @return this.
     */
    public ClusterWiring beforeListening(final Consumer<FanoutEngine> beforeListening)
    {
        this.beforeListening = beforeListening;
        return this;
    }

    /**
     * @return why the node is not healthy, or null when it is (asked on every {@code /health}).
     */
    public String healthProblem()
    {
        return null == healthProblem ? null : healthProblem.get();
    }

    /**
     * @param healthProblem says why the node is not healthy ({@code /health} answers 503 with it), or null when it
     *                      is; any thread, must be quick.
     * @return this.
     */
    public ClusterWiring healthProblem(final Supplier<String> healthProblem)
    {
        this.healthProblem = healthProblem;
        return this;
    }

    /**
     * @return how long a resume from an id this node has not read yet waits for it.
     */
    public long resumeWaitNs()
    {
        return resumeWaitNs;
    }

    /**
     * @param resumeWaitNs how long a resume from an id this node has not read yet (its client came from a node that
     *                     was ahead) waits for this node to get there, before it is told {@code reset}.
     * @return this.
     */
    public ClusterWiring resumeWaitNs(final long resumeWaitNs)
    {
        this.resumeWaitNs = resumeWaitNs;
        return this;
    }

    @Override
    public String toString()
    {
        return "ClusterWiring{eventLog=" + eventLog + ", resumeWaitNs=" + resumeWaitNs + "}";
    }
}
