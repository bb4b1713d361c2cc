package io.ssefanout.transport;

import io.ssefanout.codec.HttpRequestParser;
import io.ssefanout.codec.SseFrameEncoder;
import io.ssefanout.engine.DutyCycleStallTracker;
import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.engine.LogReader;
import org.agrona.CloseHelper;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.CachedNanoClock;
import org.agrona.concurrent.EpochClock;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.NanoClock;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * An I/O agent: one selector and the connections it owns, and the duty cycle that drives its rooms in order: take
 * new connections from the acceptor; handle ready sockets (requests in through the {@link HttpRequestAdapter},
 * short writes out); run the fan-out pass of the {@link SubscriberWriter} for every topic whose log moved, paused
 * after a busy pass so what arrives meanwhile shares its writes; and let the {@link ConnectionSweeper} run the
 * timers. The rooms only ever call down: adapter, publish and subscribe handlers, authorizer, responder, writer,
 * connection table.
 * <p>
 * All state is confined to the agent thread; other threads only offer channels and call {@link #wake()}.
 */
final class IoAgent implements Agent
{
    private static final int COMMAND_DRAIN_LIMIT = 256;
    private static final long MIN_SWEEP_INTERVAL_NS = 10_000_000L;
    private static final long MAX_SWEEP_INTERVAL_NS = 1_000_000_000L;
    private static final long LATENCY_PUBLISH_INTERVAL_NS = 50_000_000L;
    private static final long DRAIN_SWEEP_INTERVAL_NS = 1_000_000L;
    private static final VarHandle IS_SLEEPING;

    static
    {
        try
        {
            IS_SLEEPING = MethodHandles.lookup().findVarHandle(IoAgent.class, "isSleeping", boolean.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    /** Maintenance slices asked for per second: eight slices of the registry, each small. */
    private static final long MAINTENANCE_INTERVAL_NS = TimeUnit.MILLISECONDS.toNanos(125);
    /** With no batch to run a slice at for this long, the request goes through the ring (and takes an id). */
    private static final long MAINTENANCE_IDLE_NS = TimeUnit.SECONDS.toNanos(1);
    private final String roleName;
    private final FanoutServer.Context ctx;
    private final Selector selector;
    private final ErrorHandler errorHandler;
    private final ManyToOneConcurrentArrayQueue<AcceptedConnection> newChannels =
        new ManyToOneConcurrentArrayQueue<>(4096);
    private final Consumer<AcceptedConnection> newChannelHandler = this::onNewChannel;
    private final Consumer<SelectionKey> selectedKeyHandler = this::onSelected;
    private final Consumer<SelectionKey> requestKeyHandler = this::onRequestSelected;
    private final Runnable requestPoller = this::pollRequests;
    private final ConnectionAdmission admission;
    private final NanoClock nanoClock;
    /** Read once per duty cycle; every room reads the cached value. */
    private final CachedNanoClock clock = new CachedNanoClock();
    private final DrainState drainState = new DrainState();
    private final LatencyRecorder latencyRecorder;
    private final ResponseWriter response;
    private final TransportCounters counters;
    private final TopicSubscriberIndex index = new TopicSubscriberIndex();
    private final PatternSubscriptions patterns = new PatternSubscriptions(index);
    private final ThrottledStreams throttled = new ThrottledStreams();
    private final ParkedRequests parked = new ParkedRequests(this::wake);
    private final Consumer<Connection> subscriberWriter;
    private final FanoutEngine engine;
    private final ConnectionTable table;
    private final HttpResponder responder;
    private final SubscriberWriter writer;
    private final HttpRequestAdapter adapter;
    private final ConnectionSweeper sweeper;
    private final long sweepIntervalNs;
    private final long passGapMaxNs;
    private final boolean useNativeSend;
    private final LogReader logReader;
    private final DutyCycleStallTracker cycleTracker;

    private long lastSweepNs;
    private long nextLatencyPublishNs;
    private long nextMaintenanceNs;
    private final boolean isMaintainer;
    private long nextPassNs;
    @SuppressWarnings("unused")
    private volatile boolean isSleeping;

    IoAgent(
        final int agentId,
        final FanoutServer.Context ctx,
        final FanoutEngine engine,
        final LatencyStats latencyStats,
        final ScrapeThread scrapes,
        final ConnectionAdmission admission) throws IOException
    {
        this.roleName = "fanout-io-" + agentId;
        this.isMaintainer = 0 == agentId;
        this.nanoClock = ctx.nanoClock();
        this.ctx = ctx;
        this.admission = admission;
        this.selector = Selector.open();
        this.errorHandler = ctx.errorHandler();
        this.latencyRecorder = latencyStats.newRecorder();
        this.passGapMaxNs = ctx.passGapMaxNs();
        this.useNativeSend = ctx.isNativeSendInUse();
        this.logReader = engine.newReader();
        this.engine = engine;
        engine.topics().addListener(patterns);
        // the sweep walks every connection: run it as rarely as the timers it serves allow (heartbeats, request and
        // keep-alive timeouts are enforced to within an eighth of their interval)
        final long shortestTimerNs = Math.min(
            ctx.heartbeatIntervalNs(), Math.min(ctx.requestTimeoutNs(), ctx.keepAliveTimeoutNs()));
        this.sweepIntervalNs = Math.max(MIN_SWEEP_INTERVAL_NS, Math.min(MAX_SWEEP_INTERVAL_NS, shortestTimerNs / 8));

        final EpochClock epochClock = ctx.epochClock();
        final HttpRequestParser parser =
            new HttpRequestParser(ctx.requestLineMaxLength(), ctx.headerMaxLength(), ctx.headerMaxCount());
        // a batch is answered with one id (at most 16 digits below 2^53) and a line end per event
        this.response = new ResponseWriter(
            Math.max(64 * 1024, ctx.publishBatchMaxEvents() * 18 + 4096), new CorsPolicy(ctx.corsAllowedOrigins()));
        this.counters = new TransportCounters(engine.counters());
        this.cycleTracker = new DutyCycleStallTracker(
            engine.counters().get(TransportCounterDescriptor.IO_CYCLE_MAX_NS),
            engine.counters().get(TransportCounterDescriptor.IO_CYCLE_STALLS), engine.context().dutyCycleThresholdNs());
        this.table = new ConnectionTable(index, patterns, admission, ctx.accessLog(), errorHandler, counters, clock);
        this.responder = new HttpResponder(ctx, parser, response, table, counters, clock);
        final RequestAuthorizer authorizer = new RequestAuthorizer(
            ctx.authenticator(), new BearerTokenLocator(ctx.authCookieName()), parser, responder, epochClock);
        this.writer = new SubscriberWriter(ctx, index, table, responder, counters, clock, latencyRecorder, logReader,
            throttled, engine.sequencer().movedTopics());
        this.subscriberWriter = writer::writeSubscriber;
        patterns.writeSoon(writer::addToBacklog);
        final PublishHandler publishHandler =
            new PublishHandler(ctx, engine, parser, responder, authorizer, counters, drainState, parked);
        final SubscribeHandler subscribeHandler = new SubscribeHandler(ctx, engine, logReader, parser, responder,
            authorizer, index, patterns, writer, counters, clock, drainState, parked);
        this.adapter = new HttpRequestAdapter(ctx, engine, parser, responder, publishHandler, subscribeHandler,
            scrapes, parked, table, clock, drainState);
        parked.rooms(publishHandler, adapter);
        this.sweeper = new ConnectionSweeper(
            ctx, engine.context().chunked(), table, responder, writer, counters, clock, epochClock, drainState);
    }

    Selector selector()
    {
        return selector;
    }

    Consumer<SelectionKey> selectedKeyHandler()
    {
        return selectedKeyHandler;
    }

    /**
     * Hand a newly accepted channel to this agent. Any thread.
     *
     * @return false if the hand-off queue is full.
     */
    boolean offer(final AcceptedConnection accepted)
    {
        if (newChannels.offer(accepted))
        {
            wake();
            return true;
        }
        return false;
    }

    /**
     * Wake the agent if it is blocked in select. Any thread; called by the sequencer at the end of each batch.
     */
    void wake()
    {
        VarHandle.fullFence();
        if ((boolean)IS_SLEEPING.getVolatile(this))
        {
            selector.wakeup();
        }
    }

    /**
     * Announce sleep, then look once more for work that arrived before the announcement was visible.
     *
     * @return true if the agent may block.
     */
    boolean prepareToSleep()
    {
        IS_SLEEPING.setVolatile(this, true);
        if (writer.backlogCount() > 0 || !newChannels.isEmpty() || writer.hasMovedTopics() || engine.hasIngestPending() ||
            parked.hasCompletions() ||
            throttled.nextReleaseNs() <= nanoClock.nanoTime())
        {
            IS_SLEEPING.setVolatile(this, false);
            return false;
        }
        return true;
    }

    /**
     * @return nanoseconds until a fan-out pass that is owed but paused after a busy pass may run, 0 if none is.
     */
    long deferredPassNs()
    {
        final long remainingNs = nextPassNs - nanoClock.nanoTime();
        return remainingNs > 0 && writer.hasMovedTopics() ? remainingNs : 0;
    }

    /**
     * @param timeoutMs the idle strategy's usual select timeout.
     * @return how long select may block: no longer than until a stream held back by its maxRate is due (at least
     *         1 ms, since 0 would block for ever).
     */
    long selectTimeoutMs(final long timeoutMs)
    {
        final long releaseNs = throttled.nextReleaseNs();
        if (Long.MAX_VALUE == releaseNs)
        {
            return timeoutMs;
        }
        final long untilMs = (releaseNs - nanoClock.nanoTime() + 999_999) / 1_000_000;
        return Math.max(1, Math.min(timeoutMs, untilMs));
    }

    void onWoken()
    {
        IS_SLEEPING.setVolatile(this, false);
    }

    void startDraining()
    {
        drainState.startDraining();
        wake();
    }

    boolean isDrained()
    {
        return sweeper.isDrained();
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    @Override
    public int doWork() throws IOException
    {
        final long nowNs = nanoClock.nanoTime();
        clock.update(nowNs);
        // shared threading mode: events other threads published are sequenced before this cycle's requests are read
        int workCount = engine.pollIngest();
        workCount += newChannels.drain(newChannelHandler, COMMAND_DRAIN_LIMIT);
        workCount += selector.selectNow(selectedKeyHandler);
        // shared threading mode: what the requests just published is sequenced here, on this thread
        workCount += engine.pollIngest();
        workCount += parked.poll(nowNs, engine.sequencer().publishedEventId());
        workCount += writer.writeBacklog();
        workCount += throttled.release(nowNs, subscriberWriter);
        if (nowNs >= nextPassNs)
        {
            // the watermark first, then the topics created before it, then which topics moved: in that order no
            // stream can be written past an event of a topic it has not taken in yet
            final long watermark = engine.sequencer().publishedEventId();
            workCount += patterns.takeInNewTopics();
            final int topicsMoved = writer.fanOut(requestPoller, watermark);
            if (topicsMoved > 0 && passGapMaxNs > 0)
            {
                // a busy pass is followed by a pause as long as itself (capped), so what arrives meanwhile is
                // batched into the next pass's writes: fewer syscalls exactly when passes run back to back
                final long passEndNs = nanoClock.nanoTime();
                nextPassNs = passEndNs + Math.min(passEndNs - nowNs, passGapMaxNs);
            }
            workCount += topicsMoved;
        }
        if (nowNs - lastSweepNs >= (drainState.isDraining() ? DRAIN_SWEEP_INTERVAL_NS : sweepIntervalNs))
        {
            lastSweepNs = nowNs;
            workCount += sweeper.sweep();
        }
        if (isMaintainer && nowNs >= nextMaintenanceNs)
        {
            // the sequencer looks after a small slice of the topics (idle history, unused topics) at the end of a
            // batch, so maintenance neither stalls a burst nor takes an event id while events flow
            nextMaintenanceNs = nowNs + MAINTENANCE_INTERVAL_NS;
            engine.requestMaintenanceSlice(MAINTENANCE_IDLE_NS);
        }
        if (nowNs >= nextLatencyPublishNs)
        {
            nextLatencyPublishNs = nowNs + LATENCY_PUBLISH_INTERVAL_NS;
            latencyRecorder.handOver();
        }
        counters.flush();
        cycleTracker.onCycle(nanoClock.nanoTime() - nowNs);
        return workCount;
    }

    @Override
    public void onClose()
    {
        logReader.close();
        engine.topics().removeListener(patterns);
        Thread.interrupted();
        for (int i = table.count() - 1; i >= 0; i--)
        {
            final Connection connection = table.get(i);
            if (ConnectionState.STREAMING == connection.state && !connection.hasPendingOut() &&
                !connection.subscription.isMidFrame())
            {
                try
                {
                    // a retry jittered per connection spreads the reconnect storm over a window
                    connection.channel.write(goodbyeFrame(connection.isChunkedBody));
                }
                catch (final IOException ignore)
                {
                    // the peer is gone; nothing to say goodbye to
                }
            }
            table.close(connection, "shutdown");
        }
        AcceptedConnection accepted;
        while (null != (accepted = newChannels.poll()))
        {
            admission.release(accepted.address);
            CloseHelper.quietClose(accepted.channel);
        }
        CloseHelper.close(errorHandler, selector);
        counters.flush();
        latencyRecorder.handOver();
        response.free();
        adapter.close();
    }

    private ByteBuffer goodbyeFrame(final boolean isChunkedBody)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final long jitteredRetryMs = ctx.retryHintMs() + ThreadLocalRandom.current().nextLong(ctx.retryHintMs() + 1);
        int length = SseFrameEncoder.encodeRetry(buffer, 0, isChunkedBody, jitteredRetryMs);
        length += SseFrameEncoder.encodeEndOfBody(buffer, length, isChunkedBody);
        return ByteBuffer.wrap(buffer.byteArray(), 0, length);
    }

    private void onNewChannel(final AcceptedConnection accepted)
    {
        final SocketChannel channel = accepted.channel;
        try
        {
            channel.configureBlocking(false);
            channel.socket().setTcpNoDelay(true);
            final Connection connection = new Connection(
                channel, accepted.address, accepted.isOverLimit, ctx.nextConnectionId(), clock.nanoTime());
            connection.remoteAddress = channel.getRemoteAddress();
            if (useNativeSend)
            {
                connection.fd = NativeSend.fd(channel);
            }
            connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
            table.add(connection);
        }
        catch (final IOException ex)
        {
            admission.release(accepted.address);
            CloseHelper.quietClose(channel);
        }
    }

    private void onSelected(final SelectionKey key)
    {
        final Connection connection = (Connection)key.attachment();
        try
        {
            if (!key.isValid())
            {
                return;
            }
            final int readyOps = key.readyOps();
            if ((readyOps & SelectionKey.OP_WRITE) != 0)
            {
                onWritable(connection);
            }
            if ((readyOps & SelectionKey.OP_READ) != 0 && key.isValid())
            {
                adapter.onReadable(connection);
            }
        }
        catch (final IOException ex)
        {
            table.close(connection, "io-error");
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
            table.close(connection, "error");
        }
    }

    /**
     * Handle only connections still reading requests (publishers), between subscriber writes of a long fan-out
     * pass, so a publisher's next request is not held up by the whole pass. Other ready keys stay ready
     * (level-triggered) for the main select. Request handling never removes a subscriber, so the pass in progress
     * stays valid.
     */
    private void onRequestSelected(final SelectionKey key)
    {
        final Connection connection = (Connection)key.attachment();
        if (key.isValid() && ConnectionState.READING_REQUESTS == connection.state && !connection.isWriteBlocked &&
            (key.readyOps() & SelectionKey.OP_READ) != 0)
        {
            try
            {
                adapter.onReadable(connection);
            }
            catch (final IOException ex)
            {
                table.close(connection, "io-error");
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
                table.close(connection, "error");
            }
        }
    }

    private void onWritable(final Connection connection) throws IOException
    {
        if (!responder.flushPendingOut(connection))
        {
            return;
        }
        connection.resumeWrites();
        if (ConnectionState.STREAMING == connection.state)
        {
            writer.writeSubscriber(connection);
        }
        else if (ConnectionState.CLOSING == connection.state)
        {
            table.close(connection);
        }
    }

    /**
     * Between subscriber writes of a long pass: answer connections still reading requests (publishers).
     */
    private void pollRequests()
    {
        try
        {
            selector.selectNow(requestKeyHandler);
        }
        catch (final IOException ex)
        {
            errorHandler.onError(ex);
        }
    }
}
