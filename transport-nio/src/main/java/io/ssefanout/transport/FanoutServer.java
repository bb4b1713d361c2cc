package io.ssefanout.transport;

import io.ssefanout.engine.ConfigurationException;
import io.ssefanout.engine.EngineConfiguration;
import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.engine.ThreadingMode;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.AgentRunner;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.SleepingMillisIdleStrategy;
import org.agrona.concurrent.SystemEpochClock;
import org.agrona.concurrent.SystemNanoClock;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The SSE fan-out server: an engine, K I/O agents and an acceptor, each agent on its own thread.
 * {@link #launch(Context)} starts it; {@link #close()} shuts it down gracefully: stop accepting, stop ingest and
 * drain the ring, let subscribers receive what is already encoded (bounded by the shutdown timeout), say goodbye
 * with a jittered {@code retry:} and close everything.
 */
public final class FanoutServer implements AutoCloseable
{

    private final Context ctx;
    private final FanoutEngine engine;
    private final ServerSocketChannel serverChannel;
    private final IoAgent[] ioAgents;
    private final AgentRunner[] ioRunners;
    private final AgentRunner acceptorRunner;
    private final Runnable[] wakeListeners;
    private final ScrapeThread scrapes;
    private boolean isClosed;

    private FanoutServer(final Context ctx)
    {
        this.ctx = ctx;
        FanoutEngine engine = null;
        ServerSocketChannel serverChannel = null;
        ScrapeThread scrapes = null;
        final IoAgent[] ioAgents = new IoAgent[ctx.ioThreads()];
        final AgentRunner[] ioRunners = new AgentRunner[ctx.ioThreads()];
        final Runnable[] wakeListeners = new Runnable[ctx.ioThreads()];
        try
        {
            engine = FanoutEngine.launch(ctx.engineContext());
            engine.counters().register(TransportCounterDescriptor.values());
            if (null != ctx.cluster() && null != ctx.cluster().beforeListening())
            {
                // a cluster node warms its history from the log: nobody connects before it is done
                ctx.cluster().beforeListening().accept(engine);
            }
            final LatencyStats latencyStats = new LatencyStats(
                io.ssefanout.engine.Subscription.highestTrackableLatencyNs(), engine.counters(), ctx.nanoClock());
            scrapes = new ScrapeThread(
                new MetricsRenderer(engine, latencyStats), latencyStats::collect, ctx.errorHandler());
            final ConnectionAdmission admission = new ConnectionAdmission(
                ctx.connectionsMax(), ctx.connectionsPerAddressMax());

            serverChannel = ServerSocketChannel.open();
            serverChannel.bind(new InetSocketAddress(ctx.bindAddress(), ctx.port()), 4096);

            for (int i = 0; i < ioAgents.length; i++)
            {
                ioAgents[i] = new IoAgent(i, ctx, engine, latencyStats, scrapes, admission);
                final IoAgent agent = ioAgents[i];
                wakeListeners[i] = agent::wake;
                if (ThreadingMode.SHARED == engine.context().threadingMode())
                {
                    // the agent sequences itself; only publishers on other threads need to wake it
                    engine.ingestSignal(wakeListeners[i]);
                }
                else
                {
                    engine.sequencer().addWakeListener(wakeListeners[i]);
                }
            }
            for (int i = 0; i < ioAgents.length; i++)
            {
                ioRunners[i] = new AgentRunner(
                    TransportConfiguration.idleStrategy(ctx.ioIdleStrategy(), ioAgents[i]), ctx.errorHandler(), errorCounter(engine), ioAgents[i]);
                AgentRunner.startOnThread(ioRunners[i]);
            }
            this.acceptorRunner = new AgentRunner(
                new SleepingMillisIdleStrategy(1),
                ctx.errorHandler(),
                errorCounter(engine),
                new AcceptorAgent(serverChannel, ioAgents, admission, engine.counters(), ctx.errorHandler()));
            AgentRunner.startOnThread(acceptorRunner);
        }
        catch (final IOException | RuntimeException ex)
        {
            for (final AgentRunner runner : ioRunners)
            {
                CloseHelper.quietClose(runner);
            }
            CloseHelper.quietCloseAll(serverChannel, scrapes, engine);
            throw ex instanceof IOException ? new UncheckedIOException(
                "cannot start server on " + ctx.bindAddress() + ":" + ctx.port(), (IOException)ex) : (RuntimeException)ex;
        }
        this.engine = engine;
        this.serverChannel = serverChannel;
        this.scrapes = scrapes;
        this.ioAgents = ioAgents;
        this.ioRunners = ioRunners;
        this.wakeListeners = wakeListeners;
    }

    /**
     * Start a server. Concludes the context if needed.
     *
     * @param ctx configuration.
     * @return the running server.
     */
    public static FanoutServer launch(final Context ctx)
    {
        if (!ctx.isConcluded())
        {
            ctx.conclude();
        }
        if (ctx.printConfigurationOnStart())
        {
            System.out.println(ctx);
        }
        return new FanoutServer(ctx);
    }

    /**
     * @return the engine, for in-process publishing and subscribing.
     */
    public FanoutEngine engine()
    {
        return engine;
    }

    /**
     * @return the port bound, useful with port 0.
     */
    public int port()
    {
        try
        {
            return ((InetSocketAddress)serverChannel.getLocalAddress()).getPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @return the concluded context.
     */
    public Context context()
    {
        return ctx;
    }

    /**
     * Graceful shutdown; safe to call twice.
     */
    @Override
    public void close()
    {
        if (isClosed)
        {
            return;
        }
        isClosed = true;
        final long deadlineNs = System.nanoTime() + ctx.shutdownTimeoutNs();

        CloseHelper.quietClose(serverChannel);
        CloseHelper.close(ctx.errorHandler(), acceptorRunner);
        for (final IoAgent agent : ioAgents)
        {
            agent.startDraining();
        }
        engine.stopIngest(Math.max(0, deadlineNs - System.nanoTime()));
        for (final IoAgent agent : ioAgents)
        {
            // the ring is sequenced now: a drain reported before this may have missed its last events
            agent.startDraining();
        }
        for (final IoAgent agent : ioAgents)
        {
            while (!agent.isDrained() && System.nanoTime() < deadlineNs)
            {
                agent.wake();
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
            }
        }
        for (int i = 0; i < ioAgents.length; i++)
        {
            engine.sequencer().removeWakeListener(wakeListeners[i]);
            ioAgents[i].selector().wakeup();
            CloseHelper.close(ctx.errorHandler(), ioRunners[i]);
        }
        CloseHelper.closeAll(ctx.errorHandler(), scrapes, engine);
        ctx.close();
    }

    private static AtomicCounter errorCounter(final FanoutEngine engine)
    {
        return engine.counters().get(io.ssefanout.engine.EngineCounterDescriptor.ERRORS);
    }


    /**
     * Server configuration, initialised from {@link TransportConfiguration}; holds the engine's context too.
     */
    public static final class Context
    {
        private static final String NATIVE_SEND_OFF = TransportConfiguration.NATIVE_SEND_PROP_NAME + "=false";

        private final AtomicLong connectionIds = new AtomicLong();
        private boolean isConcluded;
        private FanoutEngine.Context engineContext = new FanoutEngine.Context();
        private int port = TransportConfiguration.port();
        private String bindAddress = TransportConfiguration.bindAddress();
        private int ioThreads = TransportConfiguration.ioThreads();
        private String ioIdleStrategy = TransportConfiguration.ioIdleStrategy();
        private long heartbeatIntervalNs = TransportConfiguration.heartbeatIntervalNs();
        private long retryHintMs = TransportConfiguration.retryHintMs();
        private String slowConsumerPolicyName = TransportConfiguration.slowConsumerPolicy();
        private SlowConsumerPolicy slowConsumerPolicy;
        private NanoClock nanoClock = SystemNanoClock.INSTANCE;
        private EpochClock epochClock = SystemEpochClock.INSTANCE;
        private int writeMaxLength = TransportConfiguration.writeMaxLength();
        private ClusterWiring cluster;
        private long passGapMaxNs = TransportConfiguration.passGapMaxNs();
        private boolean nativeSend = TransportConfiguration.nativeSend();
        private final StreamSettings streams = new StreamSettings();
        private int requestLineMaxLength = TransportConfiguration.requestLineMaxLength();
        private int headerMaxLength = TransportConfiguration.headerMaxLength();
        private int headerMaxCount = TransportConfiguration.headerMaxCount();
        private String corsAllowedOrigins = TransportConfiguration.corsAllowedOrigins();
        private long requestTimeoutNs = TransportConfiguration.requestTimeoutNs();
        private long keepAliveTimeoutNs = TransportConfiguration.keepAliveTimeoutNs();
        private int topicsPerSubscriptionMax = TransportConfiguration.topicsPerSubscriptionMax();
        private int publishBatchMaxLength = TransportConfiguration.publishBatchMaxLength();
        private boolean httpChunked = TransportConfiguration.httpChunked();
        private int publishBatchMaxEvents = TransportConfiguration.publishBatchMaxEvents();
        private boolean isPublishBatchMaxEventsSet = TransportConfiguration.isPublishBatchMaxEventsSet();
        private long shutdownTimeoutNs = TransportConfiguration.shutdownTimeoutNs();
        private int connectionsMax = TransportConfiguration.connectionsMax();
        private int connectionsPerAddressMax = TransportConfiguration.connectionsPerAddressMax();
        private boolean printConfigurationOnStart = TransportConfiguration.printConfigurationOnStart();
        private byte[] indexPage;
        private AccessLog accessLog = AccessLog.NONE;
        private Authenticator authenticator;
        private boolean isAuthenticatorSet;
        private String authCookieName = TransportConfiguration.authCookieName();
        private ErrorHandler errorHandler;

        /**
         * Validate, conclude the engine context and fill in defaults. Once only.
         *
         * @return this.
         */
        public Context conclude()
        {
            if (isConcluded)
            {
                throw new IllegalStateException("Context already concluded");
            }
            isConcluded = true;
            if (null != cluster && null != cluster.eventLog())
            {
                // ids come back with the events from the external log: the same on every node
                engineContext().externalEventIds(true);
            }
            if (ioThreads < 1)
            {
                throw new ConfigurationException(TransportConfiguration.IO_THREADS_PROP_NAME, ioThreads, "must be >= 1");
            }
            if (heartbeatIntervalNs <= 0)
            {
                throw new ConfigurationException(
                    TransportConfiguration.HEARTBEAT_INTERVAL_PROP_NAME, heartbeatIntervalNs + "ns", "must be > 0");
            }
            if (port < 0 || port > 65535)
            {
                throw new ConfigurationException(TransportConfiguration.PORT_PROP_NAME, port, "must be 0 to 65535");
            }
            connectionsMax = DescriptorLimit.fit(connectionsMax);
            if (!TransportConfiguration.IO_IDLE_STRATEGIES.contains(ioIdleStrategy))
            {
                throw new ConfigurationException(TransportConfiguration.IO_IDLE_STRATEGY_PROP_NAME, ioIdleStrategy,
                    "must be one of " + TransportConfiguration.IO_IDLE_STRATEGIES);
            }
            try
            {
                slowConsumerPolicy = SlowConsumerPolicy.of(slowConsumerPolicyName);
            }
            catch (final IllegalArgumentException ex)
            {
                throw new ConfigurationException(TransportConfiguration.SLOW_CONSUMER_POLICY_PROP_NAME,
                    slowConsumerPolicyName, "must be disconnect, skip or conflate");
            }
            // the transport owns its HTTP framing; the engine encodes frames with it
            if (!engineContext.isConcluded())
            {
                engineContext.chunked(httpChunked).nanoClock(nanoClock);
            }
            if (!isAuthenticatorSet)
            {
                authenticator = TransportConfiguration.authenticator();
            }
            engineContext.shutdownTimeoutNs(shutdownTimeoutNs);
            if (null != errorHandler && null == engineContext.errorHandler())
            {
                engineContext.errorHandler(errorHandler);
            }
            streams.validate();
            if (publishBatchMaxLength < 1)
            {
                throw new ConfigurationException(
                    TransportConfiguration.PUBLISH_BATCH_MAX_LENGTH_PROP_NAME, publishBatchMaxLength, "must be > 0");
            }
            final boolean isEngineConcludedHere = !engineContext.isConcluded();
            if (isEngineConcludedHere)
            {
                if (EngineConfiguration.THREADING_MODE_AUTO.equalsIgnoreCase(engineContext.threadingModeName()))
                {
                    // on one CPU a sequencer thread could only take turns with the I/O thread: share that one
                    engineContext.threadingMode(
                        1 == ioThreads && 1 == Runtime.getRuntime().availableProcessors() ? "shared" : "dedicated");
                }
                engineContext.conclude();
            }
            try
            {
                concludeWithEngine();
            }
            catch (final RuntimeException ex)
            {
                if (isEngineConcludedHere)
                {
                    // the engine context holds the directory's lock and files from here on: give them back
                    engineContext.close();
                }
                throw ex;
            }
            return this;
        }

        /**
         * The checks and defaults that depend on the concluded engine context.
         */
        private void concludeWithEngine()
        {
            if (ThreadingMode.SHARED == engineContext.threadingMode() && ioThreads > 1)
            {
                throw new ConfigurationException(EngineConfiguration.THREADING_MODE_PROP_NAME, "shared",
                    "needs " + TransportConfiguration.IO_THREADS_PROP_NAME + "=1 (it is " + ioThreads + ")");
            }
            // the engine wraps the handler so that every error is counted; use the wrapped one everywhere
            errorHandler = engineContext.errorHandler();
            if (!isPublishBatchMaxEventsSet)
            {
                // the default follows a smaller ring; a value given explicitly is checked as given
                publishBatchMaxEvents = Math.min(publishBatchMaxEvents, engineContext.ringSize());
            }
            if (publishBatchMaxEvents < 1 || publishBatchMaxEvents > engineContext.ringSize())
            {
                throw new ConfigurationException(TransportConfiguration.PUBLISH_BATCH_MAX_EVENTS_PROP_NAME,
                    publishBatchMaxEvents, "must be between 1 and the ring size (" + engineContext.ringSize() + ")");
            }
        }

        /**
         * @return true once concluded.
         */
        public boolean isConcluded()
        {
            return isConcluded;
        }

        /**
         * Free what {@link #conclude()} made, the engine context's included. Last in shutdown; the server's
         * {@link FanoutServer#close()} calls it.
         */
        public void close()
        {
            engineContext.close();
        }

        long nextConnectionId()
        {
            return connectionIds.incrementAndGet();
        }

        /**
         * @return the engine's context.
         */
        public FanoutEngine.Context engineContext()
        {
            return engineContext;
        }

        /**
         * @param engineContext the engine's context.
         * @return this.
         */
        public Context engineContext(final FanoutEngine.Context engineContext)
        {
            this.engineContext = engineContext;
            return this;
        }

        /**
         * @return TCP port.
         */
        public int port()
        {
            return port;
        }

        /**
         * @param port TCP port, 0 for any free one.
         * @return this.
         */
        public Context port(final int port)
        {
            this.port = port;
            return this;
        }

        /**
         * @return bind address.
         */
        public String bindAddress()
        {
            return bindAddress;
        }

        /**
         * @param bindAddress bind address.
         * @return this.
         */
        public Context bindAddress(final String bindAddress)
        {
            this.bindAddress = bindAddress;
            return this;
        }

        /**
         * @return I/O agents.
         */
        public int ioThreads()
        {
            return ioThreads;
        }

        /**
         * @param ioThreads I/O agents.
         * @return this.
         */
        public Context ioThreads(final int ioThreads)
        {
            this.ioThreads = ioThreads;
            return this;
        }

        /**
         * @return idle strategy alias of the I/O agents.
         */
        public String ioIdleStrategy()
        {
            return ioIdleStrategy;
        }

        /**
         * @param ioIdleStrategy select, spin, yield, backoff, noop or sleep-ns.
         * @return this.
         */
        public Context ioIdleStrategy(final String ioIdleStrategy)
        {
            this.ioIdleStrategy = ioIdleStrategy;
            return this;
        }

        /**
         * @return heartbeat interval.
         */
        public long heartbeatIntervalNs()
        {
            return heartbeatIntervalNs;
        }

        /**
         * @param heartbeatIntervalNs heartbeat interval.
         * @return this.
         */
        public Context heartbeatIntervalNs(final long heartbeatIntervalNs)
        {
            this.heartbeatIntervalNs = heartbeatIntervalNs;
            return this;
        }

        /**
         * @return retry hint in ms.
         */
        public long retryHintMs()
        {
            return retryHintMs;
        }

        /**
         * @param retryHintMs retry hint in ms.
         * @return this.
         */
        public Context retryHintMs(final long retryHintMs)
        {
            this.retryHintMs = retryHintMs;
            return this;
        }

        /**
         * @return slow-consumer policy name.
         */
        public SlowConsumerPolicy slowConsumerPolicy()
        {
            return null != slowConsumerPolicy ? slowConsumerPolicy : SlowConsumerPolicy.of(slowConsumerPolicyName);
        }

        /**
         * @param slowConsumerPolicy disconnect, skip or conflate.
         * @return this.
         */
        public Context slowConsumerPolicy(final String slowConsumerPolicy)
        {
            this.slowConsumerPolicyName = slowConsumerPolicy;
            return this;
        }

        /**
         * @return true if frames are to be written with {@code send(2)} when {@link #isNativeSendAvailable()}.
         */
        public boolean nativeSend()
        {
            return nativeSend;
        }

        /**
         * @param nativeSend write frames with {@code send(2)} when available, else through NIO.
         * @return this.
         */
        public Context nativeSend(final boolean nativeSend)
        {
            this.nativeSend = nativeSend;
            return this;
        }

        /**
         * @return true if the {@code send(2)} library loaded and socket descriptors are readable in this JVM.
         */
        public static boolean isNativeSendAvailable()
        {
            return NativeSend.isAvailable();
        }

        /**
         * @return true if the I/O agents write frames with {@code send(2)}: asked for and available.
         */
        public boolean isNativeSendInUse()
        {
            return nativeSend && NativeSend.isAvailable();
        }

        /**
         * @return how frames are written: {@code send(2)}, or NIO and why.
         */
        public String writePath()
        {
            if (isNativeSendInUse())
            {
                return "send(2)";
            }
            return "NIO write (" + (nativeSend ? NativeSend.unavailableReason() : NATIVE_SEND_OFF) + ")";
        }

        /**
         * @return longest pause between two busy fan-out passes, in nanoseconds; 0 for none.
         */
        public long passGapMaxNs()
        {
            return passGapMaxNs;
        }

        /**
         * @param passGapMaxNs longest pause between two busy fan-out passes, in nanoseconds; 0 for none.
         * @return this.
         */
        public Context passGapMaxNs(final long passGapMaxNs)
        {
            this.passGapMaxNs = passGapMaxNs;
            return this;
        }

        /**
         * @return most bytes per socket write.
         */
        public int writeMaxLength()
        {
            return writeMaxLength;
        }

        /**
         * @param writeMaxLength most bytes per socket write.
         * @return this.
         */
        public Context writeMaxLength(final int writeMaxLength)
        {
            this.writeMaxLength = writeMaxLength;
            return this;
        }

        /**
         * @return how event streams are shaped (send buffer, unsent bound, rate caps, slow-consumer threshold);
         *         set its values before the context concludes.
         */
        public StreamSettings streams()
        {
            return streams;
        }

        /**
         * @return what a cluster node plugged in, or null for a single node.
         */
        public ClusterWiring cluster()
        {
            return cluster;
        }

        /**
         * @param cluster what a cluster node plugs in (its event log, catch-up, warm-up, health); the node owns it.
         * @return this.
         */
        public Context cluster(final ClusterWiring cluster)
        {
            this.cluster = cluster;
            return this;
        }

        /**
         * @return request line limit.
         */
        public int requestLineMaxLength()
        {
            return requestLineMaxLength;
        }

        /**
         * @param requestLineMaxLength request line limit.
         * @return this.
         */
        public Context requestLineMaxLength(final int requestLineMaxLength)
        {
            this.requestLineMaxLength = requestLineMaxLength;
            return this;
        }

        /**
         * @return request head limit.
         */
        public int headerMaxLength()
        {
            return headerMaxLength;
        }

        /**
         * @param headerMaxLength request head limit.
         * @return this.
         */
        public Context headerMaxLength(final int headerMaxLength)
        {
            this.headerMaxLength = headerMaxLength;
            return this;
        }

        /**
         * @return header count limit.
         */
        public int headerMaxCount()
        {
            return headerMaxCount;
        }

        /**
         * @param headerMaxCount header count limit.
         * @return this.
         */
        public Context headerMaxCount(final int headerMaxCount)
        {
            this.headerMaxCount = headerMaxCount;
            return this;
        }

        /**
         * @return allowed CORS origins.
         */
        public String corsAllowedOrigins()
        {
            return corsAllowedOrigins;
        }

        /**
         * @param corsAllowedOrigins {@code *} or a comma-separated list.
         * @return this.
         */
        public Context corsAllowedOrigins(final String corsAllowedOrigins)
        {
            this.corsAllowedOrigins = corsAllowedOrigins;
            return this;
        }

        /**
         * @return request timeout.
         */
        public long requestTimeoutNs()
        {
            return requestTimeoutNs;
        }

        /**
         * @param requestTimeoutNs request timeout.
         * @return this.
         */
        public Context requestTimeoutNs(final long requestTimeoutNs)
        {
            this.requestTimeoutNs = requestTimeoutNs;
            return this;
        }

        /**
         * @return keep-alive idle timeout.
         */
        public long keepAliveTimeoutNs()
        {
            return keepAliveTimeoutNs;
        }

        /**
         * @param keepAliveTimeoutNs keep-alive idle timeout.
         * @return this.
         */
        public Context keepAliveTimeoutNs(final long keepAliveTimeoutNs)
        {
            this.keepAliveTimeoutNs = keepAliveTimeoutNs;
            return this;
        }

        /**
         * @return topics per subscription limit.
         */
        public int topicsPerSubscriptionMax()
        {
            return topicsPerSubscriptionMax;
        }

        /**
         * @param topicsPerSubscriptionMax topics per subscription limit.
         * @return this.
         */
        public Context topicsPerSubscriptionMax(final int topicsPerSubscriptionMax)
        {
            this.topicsPerSubscriptionMax = topicsPerSubscriptionMax;
            return this;
        }

        /**
         * @return whether event streams are chunked (HTTP/1.1 clients) or close-delimited.
         */
        public boolean httpChunked()
        {
            return httpChunked;
        }

        /**
         * @param httpChunked frames carry HTTP/1.1 chunk framing, encoded once with the frame (false: close-delimited).
         * @return this.
         */
        public Context httpChunked(final boolean httpChunked)
        {
            this.httpChunked = httpChunked;
            return this;
        }

        /**
         * @return largest batch publish body, in bytes.
         */
        public int publishBatchMaxLength()
        {
            return publishBatchMaxLength;
        }

        /**
         * @param publishBatchMaxLength largest batch publish body, in bytes.
         * @return this.
         */
        public Context publishBatchMaxLength(final int publishBatchMaxLength)
        {
            this.publishBatchMaxLength = publishBatchMaxLength;
            return this;
        }

        /**
         * @return most events in one batch publish.
         */
        public int publishBatchMaxEvents()
        {
            return publishBatchMaxEvents;
        }

        /**
         * @param publishBatchMaxEvents most events in one batch publish, at most the ring size.
         * @return this.
         */
        public Context publishBatchMaxEvents(final int publishBatchMaxEvents)
        {
            this.publishBatchMaxEvents = publishBatchMaxEvents;
            this.isPublishBatchMaxEventsSet = true;
            return this;
        }

        /**
         * @return shutdown drain timeout.
         */
        public long shutdownTimeoutNs()
        {
            return shutdownTimeoutNs;
        }

        /**
         * @param shutdownTimeoutNs shutdown drain timeout.
         * @return this.
         */
        public Context shutdownTimeoutNs(final long shutdownTimeoutNs)
        {
            this.shutdownTimeoutNs = shutdownTimeoutNs;
            return this;
        }

        /**
         * @return most open connections.
         */
        public int connectionsMax()
        {
            return connectionsMax;
        }

        /**
         * @param connectionsMax most open connections.
         * @return this.
         */
        public Context connectionsMax(final int connectionsMax)
        {
            this.connectionsMax = connectionsMax;
            return this;
        }

        /**
         * @return most open connections per client address, 0 for no limit.
         */
        public int connectionsPerAddressMax()
        {
            return connectionsPerAddressMax;
        }

        /**
         * @param connectionsPerAddressMax most open connections per client address, 0 for no limit.
         * @return this.
         */
        public Context connectionsPerAddressMax(final int connectionsPerAddressMax)
        {
            this.connectionsPerAddressMax = connectionsPerAddressMax;
            return this;
        }

        /**
         * @return whether the configuration is printed at start.
         */
        public boolean printConfigurationOnStart()
        {
            return printConfigurationOnStart;
        }

        /**
         * @return the page served at {@code /}, or null for 404.
         */
        public byte[] indexPage()
        {
            return indexPage;
        }

        /**
         * @param indexPage HTML served at {@code /}.
         * @return this.
         */
        public Context indexPage(final byte[] indexPage)
        {
            this.indexPage = indexPage;
            return this;
        }

        /**
         * @return the token verifier, or null when the server is open.
         */
        public Authenticator authenticator()
        {
            return authenticator;
        }

        /**
         * @param authenticator the token verifier, or null for an open server; overrides the auth properties.
         * @return this.
         */
        public Context authenticator(final Authenticator authenticator)
        {
            this.authenticator = authenticator;
            this.isAuthenticatorSet = true;
            return this;
        }

        /**
         * @return the cookie that may carry the token.
         */
        public String authCookieName()
        {
            return authCookieName;
        }

        /**
         * @param authCookieName the cookie that may carry the token.
         * @return this.
         */
        public Context authCookieName(final String authCookieName)
        {
            this.authCookieName = authCookieName;
            return this;
        }

        /**
         * @return a line for the start-up log saying how clients are authenticated.
         */
        public String describeAuth()
        {
            return null == authenticator ?
                "auth: none configured, the server is OPEN to every subscriber and publisher" :
                "auth: " + authenticator.describe() + " (Authorization: Bearer, ?access_token=, cookie " +
                authCookieName + ")";
        }

        /**
         * @return where connection ends and publishes are reported.
         */
        public AccessLog accessLog()
        {
            return accessLog;
        }

        /**
         * @param accessLog where connection ends and publishes are reported; must not block.
         * @return this.
         */
        public Context accessLog(final AccessLog accessLog)
        {
            this.accessLog = accessLog;
            return this;
        }

        /**
         * @return the clock the I/O agents read.
         */
        public NanoClock nanoClock()
        {
            return nanoClock;
        }

        /**
         * @param nanoClock the clock the I/O agents read (timers, latency, the pass gap); tests drive their own.
         * @return this.
         */
        public Context nanoClock(final NanoClock nanoClock)
        {
            this.nanoClock = nanoClock;
            return this;
        }

        /**
         * @return the wall clock token expiry is checked against.
         */
        public EpochClock epochClock()
        {
            return epochClock;
        }

        /**
         * @param epochClock the wall clock token expiry is checked against; tests drive their own.
         * @return this.
         */
        public Context epochClock(final EpochClock epochClock)
        {
            this.epochClock = epochClock;
            return this;
        }

        /**
         * @return where unexpected errors go.
         */
        public ErrorHandler errorHandler()
        {
            return errorHandler;
        }

        /**
         * @param errorHandler where unexpected errors go.
         * @return this.
         */
        public Context errorHandler(final ErrorHandler errorHandler)
        {
            this.errorHandler = errorHandler;
            return this;
        }

        @Override
        public String toString()
        {
            return "FanoutServer.Context{" +
                "port=" + port +
                ", bindAddress=" + bindAddress +
                ", ioThreads=" + ioThreads +
                ", ioIdleStrategy=" + ioIdleStrategy +
                ", heartbeatIntervalNs=" + heartbeatIntervalNs +
                ", retryHintMs=" + retryHintMs +
                ", slowConsumerPolicy=" + slowConsumerPolicy +
                ", streams=" + streams +
                ", cluster=" + cluster +
                ", writeMaxLength=" + writeMaxLength +
                ", passGapMaxNs=" + passGapMaxNs +
                ", nativeSend=" + nativeSend +
                ", requestLineMaxLength=" + requestLineMaxLength +
                ", headerMaxLength=" + headerMaxLength +
                ", headerMaxCount=" + headerMaxCount +
                ", corsAllowedOrigins=" + corsAllowedOrigins +
                ", requestTimeoutNs=" + requestTimeoutNs +
                ", keepAliveTimeoutNs=" + keepAliveTimeoutNs +
                ", topicsPerSubscriptionMax=" + topicsPerSubscriptionMax +
                ", publishBatchMaxLength=" + publishBatchMaxLength +
                ", httpChunked=" + httpChunked +
                ", publishBatchMaxEvents=" + publishBatchMaxEvents +
                ", shutdownTimeoutNs=" + shutdownTimeoutNs +
                ", connectionsMax=" + connectionsMax +
                ", connectionsPerAddressMax=" + connectionsPerAddressMax +
                ", auth=" + (null == authenticator ? "none" : authenticator.describe()) +
                ", engine=" + engineContext +
                '}';
        }
    }
}
