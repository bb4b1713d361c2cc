package io.ssefanout.transport;

import io.ssefanout.codec.ChunkFramingStripper;
import io.ssefanout.codec.ChunkedBodyDecoder;
import io.ssefanout.codec.HttpMethod;
import io.ssefanout.codec.HttpRequestParser;
import io.ssefanout.codec.HttpStatus;
import io.ssefanout.codec.NdjsonEventReader;
import io.ssefanout.codec.PercentDecoder;
import io.ssefanout.codec.SseFrameEncoder;
import io.ssefanout.engine.CounterDescriptor;
import io.ssefanout.engine.FanoutCounters;
import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.engine.PublishBatch;
import io.ssefanout.engine.Subscription;
import io.ssefanout.engine.Topic;
import io.ssefanout.engine.TopicFrameLog;
import io.ssefanout.engine.TopicRegistry;
import org.HdrHistogram.Histogram;
import org.agrona.BufferUtil;
import org.agrona.CloseHelper;
import org.agrona.DirectBuffer;
import org.agrona.ErrorHandler;
import org.agrona.concurrent.Agent;
import org.agrona.concurrent.ManyToOneConcurrentArrayQueue;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.AtomicCounter;

import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Consumer;

/**
 * An I/O agent: one selector and the connections it owns. Duty cycle: take new connections from the acceptor,
 * handle ready sockets (requests in, short writes out), then for every topic whose log moved write each of its
 * subscribers the run of frames it is owed, straight from the shared log memory, and periodically send heartbeats
 * and enforce request timeouts.
 * <p>
 * All state is confined to the agent thread; other threads only offer channels and call {@link #wake()}.
 */
final class IoAgent implements Agent
{
    private static final int MAX_WRITES_PER_CONNECTION_PER_CYCLE = 8;
    private static final int SUBSCRIBERS_BETWEEN_REQUEST_POLLS = 32;
    private static final int COMMAND_DRAIN_LIMIT = 256;
    private static final long MIN_SWEEP_INTERVAL_NS = 10_000_000L;
    private static final long MAX_SWEEP_INTERVAL_NS = 1_000_000_000L;
    private static final long LATENCY_PUBLISH_INTERVAL_NS = 50_000_000L;
    private static final long DRAIN_SWEEP_INTERVAL_NS = 1_000_000L;
    private static final int READ_BUFFER_LENGTH = 64 * 1024;
    private static final long MAX_EXACT_JS_INTEGER = (1L << 53) - 1;
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

    private final int agentId;
    private final String roleName;
    private final FanoutServer.Context ctx;
    private final FanoutEngine engine;
    private final TopicRegistry topicRegistry;
    private final Selector selector;
    private final ErrorHandler errorHandler;
    private final ManyToOneConcurrentArrayQueue<AcceptedConnection> newChannels =
        new ManyToOneConcurrentArrayQueue<>(4096);
    private final Consumer<AcceptedConnection> newChannelHandler = this::onNewChannel;
    private final ConnectionAdmission admission;
    private final AccessLog accessLog;
    private final Authenticator authenticator;
    private final BearerTokenLocator tokenLocator;
    private final boolean isPublishLogEnabled;
    private final Consumer<SelectionKey> selectedKeyHandler = this::onSelected;
    private final Consumer<SelectionKey> requestKeyHandler = this::onRequestSelected;
    private final HttpRequestParser parser;
    private final ResponseWriter response;
    private final Histogram latencyHistogram;
    private final LatencyStats latencyStats;
    private final MetricsRenderer metricsRenderer;
    private final boolean isChunked;
    private final SlowConsumerPolicy slowConsumerPolicy;
    private final int writeMaxLength;
    private final int slowConsumerUnsentMax;

    private final ByteBuffer readByteBuffer;
    private final UnsafeBuffer readBuffer;
    private final UnsafeBuffer scratch;
    private final UnsafeBuffer eventTypeScratch;
    private final UnsafeBuffer eventIdScratch = new UnsafeBuffer(new byte[256]);
    private final ByteBuffer heartbeat;
    private final ByteBuffer tokenExpiredFrame;
    /** The same frames for close-delimited (HTTP/1.0) streams. */
    private final ByteBuffer plainHeartbeat;
    private final ByteBuffer plainTokenExpiredFrame;
    /** Where a close-delimited stream's runs are copied without chunk framing; allocated for the first one. */
    private ByteBuffer plainRunByteBuffer;
    private UnsafeBuffer plainRunBuffer;
    private final ByteBuffer continueResponse;
    private final NdjsonEventReader batchReader = new NdjsonEventReader();
    private final PublishBatch publishBatch;
    private final int[] batchTopicSpans;
    private final int payloadMaxLength;
    private final int publishBatchMaxLength;
    private final int publishBatchMaxEvents;

    /** Request in hand: answered without a body (HEAD). */
    private boolean isHeadRequest;
    /** After a request handler returned 0 (incomplete): bytes of it to keep, from its start. */
    private int retainedRequestLength;
    /** Body of the request in hand, once complete (decoded when chunked). */
    private int bodyOffset;
    private int bodyLength;

    private final AtomicCounter connectionsOpen;
    private final AtomicCounter subscribersOpen;
    private final AtomicCounter deliveries;
    private final AtomicCounter bytesWritten;
    private final AtomicCounter socketWrites;
    private final AtomicCounter shortWrites;
    private final AtomicCounter lappedDisconnects;
    private final AtomicCounter lappedSkips;
    private final AtomicCounter streamsExpired;
    private final AtomicCounter heartbeatsSent;
    private final AtomicCounter resetsSent;
    private final AtomicCounter publishRequests;
    private final FanoutCounters counters;

    private Connection[] connections = new Connection[64];
    private int connectionCount;
    private TopicSubscribers[] topicsById = new TopicSubscribers[16];
    private TopicSubscribers[] activeTopics = new TopicSubscribers[16];
    private int activeTopicCount;
    private Connection[] backlog = new Connection[16];
    private Connection[] spareBacklog = new Connection[16];
    private int backlogCount;

    private long nowNs;
    private int subscribersSinceRequestPoll;
    private long lastSweepNs;
    private long nextLatencyPublishNs;
    private final long sweepIntervalNs;
    private final long passGapMaxNs;
    private final boolean useNativeSend;
    private long nextPassNs;
    private long pendingDeliveries;
    private long pendingBytes;
    private long pendingWrites;
    private long pendingShortWrites;
    private volatile boolean isDraining;
    private volatile boolean isDrained;
    @SuppressWarnings("unused")
    private volatile boolean isSleeping;

    IoAgent(
        final int agentId,
        final FanoutServer.Context ctx,
        final FanoutEngine engine,
        final LatencyStats latencyStats,
        final MetricsRenderer metricsRenderer,
        final ConnectionAdmission admission) throws IOException
    {
        this.admission = admission;
        this.accessLog = ctx.accessLog();
        this.authenticator = ctx.authenticator();
        this.tokenLocator = new BearerTokenLocator(ctx.authCookieName());
        this.isPublishLogEnabled = accessLog.isPublishLogEnabled();
        this.agentId = agentId;
        this.roleName = "fanout-io-" + agentId;
        this.ctx = ctx;
        this.engine = engine;
        this.topicRegistry = engine.topics();
        this.selector = Selector.open();
        this.errorHandler = ctx.errorHandler();
        this.parser = new HttpRequestParser(ctx.requestLineMaxLength(), ctx.headerMaxLength(), ctx.headerMaxCount());
        this.payloadMaxLength = engine.context().payloadMaxLength();
        this.publishBatchMaxLength = ctx.publishBatchMaxLength();
        this.publishBatchMaxEvents = ctx.publishBatchMaxEvents();
        this.publishBatch = new PublishBatch(publishBatchMaxEvents);
        this.batchTopicSpans = new int[publishBatchMaxEvents * 2];
        // a batch is answered with one id (at most 16 digits below 2^53) and a line end per event
        this.response = new ResponseWriter(
            Math.max(64 * 1024, publishBatchMaxEvents * 18 + 4096), new CorsPolicy(ctx.corsAllowedOrigins()));
        this.latencyHistogram = new Histogram(Subscription.highestTrackableLatencyNs(), 3);
        this.latencyStats = latencyStats;
        this.metricsRenderer = metricsRenderer;
        this.isChunked = engine.context().chunked();
        this.slowConsumerPolicy = SlowConsumerPolicy.of(ctx.slowConsumerPolicy());
        this.writeMaxLength = ctx.writeMaxLength();
        this.slowConsumerUnsentMax = ctx.slowConsumerUnsentMax();
        // the sweep walks every connection: run it as rarely as the timers it serves allow (heartbeats, request and
        // keep-alive timeouts are enforced to within an eighth of their interval)
        final long shortestTimerNs = Math.min(
            ctx.heartbeatIntervalNs(), Math.min(ctx.requestTimeoutNs(), ctx.keepAliveTimeoutNs()));
        this.passGapMaxNs = ctx.passGapMaxNs();
        this.useNativeSend = ctx.isNativeSendInUse();
        this.sweepIntervalNs = Math.max(MIN_SWEEP_INTERVAL_NS, Math.min(MAX_SWEEP_INTERVAL_NS, shortestTimerNs / 8));

        this.readByteBuffer = ByteBuffer.allocateDirect(READ_BUFFER_LENGTH);
        this.readBuffer = new UnsafeBuffer(readByteBuffer);
        this.scratch = new UnsafeBuffer(new byte[Math.max(ctx.requestLineMaxLength(), TopicRegistry.MAX_TOPIC_NAME_LENGTH)]);
        this.eventTypeScratch = new UnsafeBuffer(new byte[ctx.requestLineMaxLength()]);
        this.heartbeat = heartbeatFrame(isChunked);
        this.plainHeartbeat = heartbeatFrame(false);
        this.tokenExpiredFrame = tokenExpiredFrame(isChunked);
        this.plainTokenExpiredFrame = tokenExpiredFrame(false);
        this.continueResponse = ByteBuffer.wrap("HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII));

        this.counters = engine.counters();
        this.connectionsOpen = counters.get(CounterDescriptor.CONNECTIONS_OPEN);
        this.subscribersOpen = counters.get(CounterDescriptor.SUBSCRIBERS_OPEN);
        this.deliveries = counters.get(CounterDescriptor.DELIVERIES);
        this.bytesWritten = counters.get(CounterDescriptor.BYTES_WRITTEN);
        this.socketWrites = counters.get(CounterDescriptor.SOCKET_WRITES);
        this.shortWrites = counters.get(CounterDescriptor.SHORT_WRITES);
        this.lappedDisconnects = counters.get(CounterDescriptor.LAPPED_DISCONNECTS);
        this.lappedSkips = counters.get(CounterDescriptor.LAPPED_SKIPS);
        this.streamsExpired = counters.get(CounterDescriptor.STREAMS_EXPIRED);
        this.heartbeatsSent = counters.get(CounterDescriptor.HEARTBEATS_SENT);
        this.resetsSent = counters.get(CounterDescriptor.RESETS_SENT);
        this.publishRequests = counters.get(CounterDescriptor.PUBLISH_REQUESTS);
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
        if (backlogCount > 0 || !newChannels.isEmpty() || hasMovedTopic())
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
        final long remainingNs = nextPassNs - System.nanoTime();
        return remainingNs > 0 && hasMovedTopic() ? remainingNs : 0;
    }

    void onWoken()
    {
        IS_SLEEPING.setVolatile(this, false);
    }

    void startDraining()
    {
        isDraining = true;
        wake();
    }

    boolean isDrained()
    {
        return isDrained;
    }

    @Override
    public String roleName()
    {
        return roleName;
    }

    @Override
    public int doWork() throws IOException
    {
        nowNs = System.nanoTime();
        int workCount = newChannels.drain(newChannelHandler, COMMAND_DRAIN_LIMIT);
        workCount += selector.selectNow(selectedKeyHandler);
        workCount += writeBacklog();
        if (nowNs >= nextPassNs)
        {
            final int topicsMoved = fanOut();
            if (topicsMoved > 0 && passGapMaxNs > 0)
            {
                // a busy pass is followed by a pause as long as itself (capped), so what arrives meanwhile is
                // batched into the next pass's writes: fewer syscalls exactly when passes run back to back
                final long passEndNs = System.nanoTime();
                nextPassNs = passEndNs + Math.min(passEndNs - nowNs, passGapMaxNs);
            }
            workCount += topicsMoved;
        }
        if (nowNs - lastSweepNs >= (isDraining ? DRAIN_SWEEP_INTERVAL_NS : sweepIntervalNs))
        {
            lastSweepNs = nowNs;
            workCount += sweep();
        }
        if (nowNs >= nextLatencyPublishNs)
        {
            nextLatencyPublishNs = nowNs + LATENCY_PUBLISH_INTERVAL_NS;
            publishLatency();
        }
        flushCounters();
        return workCount;
    }

    @Override
    public void onClose()
    {
        Thread.interrupted();
        for (int i = connectionCount - 1; i >= 0; i--)
        {
            final Connection connection = connections[i];
            if (Connection.STREAMING == connection.state && !connection.hasPendingOut() &&
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
            close(connection, "shutdown");
        }
        AcceptedConnection accepted;
        while (null != (accepted = newChannels.poll()))
        {
            admission.release(accepted.address);
            CloseHelper.quietClose(accepted.channel);
        }
        CloseHelper.close(errorHandler, selector);
        flushCounters();
        publishLatency();
        response.free();
        BufferUtil.free(readByteBuffer);
    }

    private ByteBuffer goodbyeFrame(final boolean isChunkedBody)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final long jitteredRetryMs = ctx.retryHintMs() + ThreadLocalRandom.current().nextLong(ctx.retryHintMs() + 1);
        int length = SseFrameEncoder.encodeRetry(buffer, 0, isChunkedBody, jitteredRetryMs);
        length += SseFrameEncoder.encodeEndOfBody(buffer, length, isChunkedBody);
        return ByteBuffer.wrap(buffer.byteArray(), 0, length);
    }

    private static ByteBuffer heartbeatFrame(final boolean isChunkedBody)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        final int length = SseFrameEncoder.encodeComment(buffer, 0, isChunkedBody, "");
        final ByteBuffer frame = ByteBuffer.allocateDirect(length);
        buffer.getBytes(0, frame, length);
        return frame.flip();
    }

    private static ByteBuffer tokenExpiredFrame(final boolean isChunkedBody)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[64]);
        int length = SseFrameEncoder.encodeComment(buffer, 0, isChunkedBody, "token expired");
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
                channel, accepted.address, accepted.isOverLimit, ctx.nextConnectionId(), nowNs);
            connection.remoteAddress = channel.getRemoteAddress();
            if (useNativeSend)
            {
                connection.fd = NativeSend.fd(channel);
            }
            connection.key = channel.register(selector, SelectionKey.OP_READ, connection);
            if (connectionCount == connections.length)
            {
                connections = Arrays.copyOf(connections, connectionCount * 2);
            }
            connection.agentIndex = connectionCount;
            connections[connectionCount++] = connection;
            connectionsOpen.increment();
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
                onReadable(connection);
            }
        }
        catch (final IOException ex)
        {
            close(connection, "io-error");
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
            close(connection, "error");
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
        if (key.isValid() && Connection.READING_REQUESTS == connection.state && !connection.isWriteBlocked &&
            (key.readyOps() & SelectionKey.OP_READ) != 0)
        {
            try
            {
                onReadable(connection);
            }
            catch (final IOException ex)
            {
                close(connection, "io-error");
            }
            catch (final RuntimeException ex)
            {
                errorHandler.onError(ex);
                close(connection, "error");
            }
        }
    }

    private void onWritable(final Connection connection) throws IOException
    {
        if (!flushPendingOut(connection))
        {
            return;
        }
        connection.resumeWrites();
        if (Connection.STREAMING == connection.state)
        {
            writeSubscriber(connection);
        }
        else if (Connection.CLOSING == connection.state)
        {
            close(connection);
        }
    }

    private void onReadable(final Connection connection) throws IOException
    {
        if (Connection.READING_REQUESTS != connection.state)
        {
            readByteBuffer.clear();
            if (connection.channel.read(readByteBuffer) < 0)
            {
                close(connection, "client-closed");
            }
            return;
        }

        final ByteBuffer target;
        final UnsafeBuffer view;
        if (null != connection.inByteBuffer)
        {
            target = connection.inByteBuffer;
            target.limit(target.capacity()).position(connection.inLength);
            view = connection.inBuffer;
        }
        else
        {
            target = readByteBuffer;
            target.clear();
            view = readBuffer;
        }

        if (!target.hasRemaining())
        {
            // cannot happen while buffers are sized by the limits; if it did, reading would never progress
            respondAndClose(connection, HttpStatus.PAYLOAD_TOO_LARGE, "request larger than its buffer");
            return;
        }
        final int bytesRead = connection.channel.read(target);
        if (bytesRead < 0)
        {
            close(connection, "client-closed");
            return;
        }
        if (0 == bytesRead)
        {
            return;
        }
        connection.lastActivityNs = nowNs;
        if (0 == connection.requestStartNs)
        {
            connection.requestStartNs = nowNs;
        }

        int length = target.position();
        int offset = 0;
        while (offset < length && Connection.READING_REQUESTS == connection.state)
        {
            final int consumed = onRequestBytes(connection, view, offset, length - offset);
            if (consumed <= 0)
            {
                if (0 == consumed)
                {
                    // a chunked body is decoded in place as it arrives: less may be left to keep than was read
                    length = offset + retainedRequestLength;
                }
                break;
            }
            offset += consumed;
            connection.requestStartNs = offset < length ? nowNs : 0;
        }

        final int leftover = length - offset;
        if (Connection.READING_REQUESTS == connection.state && leftover > 0)
        {
            keepRequestBytes(connection, view, offset, leftover);
        }
        else
        {
            connection.inLength = 0;
            if (Connection.STREAMING == connection.state && null != connection.inByteBuffer)
            {
                connection.inByteBuffer = null;
                connection.inBuffer = null;
            }
        }
    }

    /**
     * Keep the start of an incomplete request for the next read, in a buffer that can hold the largest request its
     * route allows (grown for a batch publish). Control path: only for requests split across reads.
     */
    private void keepRequestBytes(final Connection connection, final UnsafeBuffer view, final int offset, final int leftover)
    {
        final int capacity = Math.max(
            ctx.headerMaxLength() + payloadMaxLength + 1024, connection.inCapacityNeeded);
        if (null == connection.inByteBuffer || connection.inByteBuffer.capacity() < capacity)
        {
            final ByteBuffer grown = ByteBuffer.allocateDirect(capacity);
            final UnsafeBuffer grownView = new UnsafeBuffer(grown);
            grownView.putBytes(0, view, offset, leftover);
            connection.inByteBuffer = grown;
            connection.inBuffer = grownView;
        }
        else if (view != connection.inBuffer || offset > 0)
        {
            connection.inBuffer.putBytes(0, view, offset, leftover);
        }
        connection.inLength = leftover;
    }

    /**
     * Handle one complete request if the bytes hold one.
     *
     * @return bytes consumed, 0 when more are needed, -1 when the connection is done with requests.
     */
    private int onRequestBytes(final Connection connection, final UnsafeBuffer buffer, final int offset, final int length)
        throws IOException
    {
        isHeadRequest = false;
        retainedRequestLength = length;
        final int headLength = parser.parse(buffer, offset, length);
        if (HttpRequestParser.NEED_MORE == headLength)
        {
            return 0;
        }
        if (HttpRequestParser.ERROR == headLength)
        {
            reject(connection, parser.errorStatus(), parser.errorReason(), buffer, false);
            return -1;
        }

        connection.requestCount++;
        connection.requestId = parser.requestIdLength() > 0 && (isPublishLogEnabled || !isPublishPath(buffer)) ?
            buffer.getStringWithoutLengthAscii(parser.requestIdOffset(), Math.min(parser.requestIdLength(), 128)) :
            null;
        if (connection.isOverLimit)
        {
            connection.closeReason = "over-limit";
            rejectOverLimit(connection, buffer);
            return -1;
        }

        final boolean keepAlive = parser.isKeepAlive() && !isDraining;
        final int targetOffset = parser.targetOffset();
        final int targetLength = parser.targetLength();
        int pathLength = targetLength;
        for (int i = 0; i < targetLength; i++)
        {
            if ('?' == buffer.getByte(targetOffset + i))
            {
                pathLength = i;
                break;
            }
        }
        final int queryOffset = targetOffset + pathLength + 1;
        final int queryLength = Math.max(0, targetLength - pathLength - 1);
        final HttpMethod method = parser.method();

        isHeadRequest = HttpMethod.HEAD == method;
        final boolean isBatchPublish = RequestTarget.pathEquals(buffer, targetOffset, pathLength, "/publish");
        if (isBatchPublish || RequestTarget.startsWith(buffer, targetOffset, pathLength, "/publish/"))
        {
            if (HttpMethod.OPTIONS == method)
            {
                return respondPreflight(connection, buffer, keepAlive, headLength);
            }
            if (HttpMethod.POST != method)
            {
                rejectMethod(connection, "POST, OPTIONS", buffer, keepAlive);
                return keepAlive ? headLength : -1;
            }
            final int requestLength = readBody(
                connection, buffer, offset, headLength, length, isBatchPublish ? publishBatchMaxLength : payloadMaxLength);
            if (requestLength <= 0)
            {
                return requestLength;
            }
            if (isBatchPublish)
            {
                onPublishBatch(connection, buffer, queryOffset, queryLength, keepAlive);
            }
            else
            {
                onPublish(
                    connection, buffer, targetOffset + 9, pathLength - 9, queryOffset, queryLength,
                    bodyOffset, bodyLength, keepAlive);
            }
            return Connection.CLOSING == connection.state ? -1 : requestLength;
        }

        if (parser.contentLength() > 0 || parser.isChunked())
        {
            reject(connection, HttpStatus.BAD_REQUEST, "unexpected request body", buffer, false);
            return -1;
        }

        if (RequestTarget.pathEquals(buffer, targetOffset, pathLength, "/sse") || RequestTarget.startsWith(buffer, targetOffset, pathLength, "/sse/"))
        {
            if (HttpMethod.OPTIONS == method)
            {
                return respondPreflight(connection, buffer, keepAlive, headLength);
            }
            if (HttpMethod.GET != method && !isHeadRequest)
            {
                rejectMethod(connection, "GET, HEAD, OPTIONS", buffer, keepAlive);
                return keepAlive ? headLength : -1;
            }
            onSubscribe(connection, buffer, targetOffset, pathLength, queryOffset, queryLength, keepAlive);
            return Connection.STREAMING == connection.state || (isHeadRequest && keepAlive &&
                Connection.READING_REQUESTS == connection.state) ? headLength : -1;
        }

        if (RequestTarget.pathEquals(buffer, targetOffset, pathLength, "/health"))
        {
            if (HttpMethod.GET != method && !isHeadRequest)
            {
                rejectMethod(connection, "GET, HEAD", buffer, keepAlive);
                return keepAlive ? headLength : -1;
            }
            final int status = isDraining ? HttpStatus.SERVICE_UNAVAILABLE : HttpStatus.OK;
            send(connection, response.simple(
                status, isDraining ? "draining\n" : "ok\n", keepAlive, buffer, parser.originOffset(), parser.originLength()),
                keepAlive);
            return keepAlive ? headLength : -1;
        }

        if (RequestTarget.pathEquals(buffer, targetOffset, pathLength, "/metrics"))
        {
            if (HttpMethod.GET != method && !isHeadRequest)
            {
                rejectMethod(connection, "GET, HEAD", buffer, keepAlive);
                return keepAlive ? headLength : -1;
            }
            final byte[] body = metricsRenderer.render().getBytes(StandardCharsets.UTF_8);
            respondBytes(connection, "text/plain; version=0.0.4; charset=utf-8", body, buffer, keepAlive);
            return keepAlive ? headLength : -1;
        }

        if (RequestTarget.pathEquals(buffer, targetOffset, pathLength, "/") && null != ctx.indexPage())
        {
            if (HttpMethod.GET != method && !isHeadRequest)
            {
                rejectMethod(connection, "GET, HEAD", buffer, keepAlive);
                return keepAlive ? headLength : -1;
            }
            respondBytes(connection, "text/html; charset=utf-8", ctx.indexPage(), buffer, keepAlive);
            return keepAlive ? headLength : -1;
        }

        if (HttpMethod.OTHER == method)
        {
            reject(connection, HttpStatus.METHOD_NOT_ALLOWED, "unknown method", buffer, false);
            return -1;
        }
        reject(connection, HttpStatus.NOT_FOUND, "no such path", buffer, keepAlive);
        return keepAlive ? headLength : -1;
    }

    /**
     * Find the request's body, framed by Content-Length or chunked. A chunked body is decoded in place across reads;
     * either framing may wait for {@code Expect: 100-continue} to be answered.
     *
     * @return length of the whole request once its body is complete ({@link #bodyOffset} and {@link #bodyLength}
     * set), 0 while incomplete ({@link #retainedRequestLength} set), -1 after a rejection that closes.
     */
    private int readBody(
        final Connection connection,
        final UnsafeBuffer buffer,
        final int offset,
        final int headLength,
        final int length,
        final int bodyMaxLength) throws IOException
    {
        final int bodyStart = offset + headLength;
        if (parser.isChunked())
        {
            ChunkedBodyDecoder decoder = connection.chunkedBodyDecoder;
            if (null == decoder)
            {
                decoder = new ChunkedBodyDecoder();
                connection.chunkedBodyDecoder = decoder;
            }
            if (!connection.isDecodingChunkedBody)
            {
                decoder.reset(bodyMaxLength, ctx.headerMaxLength() - headLength, ctx.headerMaxCount() - parser.headerCount());
                connection.isDecodingChunkedBody = true;
            }
            final int result = decoder.decode(buffer, bodyStart, length - headLength);
            if (ChunkedBodyDecoder.NEED_MORE == result)
            {
                retainedRequestLength = headLength + decoder.retainedLength();
                // the head and the trailers together stay within the header limit; one partial size line at most
                return awaitBody(connection, ctx.headerMaxLength() + bodyMaxLength + ChunkedBodyDecoder.SIZE_LINE_MAX_LENGTH);
            }
            connection.isDecodingChunkedBody = false;
            connection.isContinueSent = false;
            if (ChunkedBodyDecoder.ERROR == result)
            {
                reject(connection, decoder.errorStatus(), decoder.errorReason(), buffer, false);
                return -1;
            }
            bodyOffset = bodyStart;
            bodyLength = decoder.decodedLength();
            return headLength + result;
        }

        final long contentLength = parser.contentLength();
        if (contentLength < 0)
        {
            reject(connection, HttpStatus.LENGTH_REQUIRED, "Content-Length or a chunked body required", buffer, false);
            return -1;
        }
        if (contentLength > bodyMaxLength)
        {
            reject(connection, HttpStatus.PAYLOAD_TOO_LARGE, "payload larger than limit", buffer, false);
            return -1;
        }
        if (length < headLength + contentLength)
        {
            retainedRequestLength = length;
            return awaitBody(connection, headLength + (int)contentLength);
        }
        connection.isContinueSent = false;
        bodyOffset = bodyStart;
        bodyLength = (int)contentLength;
        return headLength + (int)contentLength;
    }

    /**
     * The body is incomplete: make room for it and, once per request, tell a client that waits for it to send it.
     */
    private int awaitBody(final Connection connection, final int requestMaxLength) throws IOException
    {
        connection.inCapacityNeeded = Math.max(connection.inCapacityNeeded, requestMaxLength + 1024);
        if (parser.expectsContinue() && !connection.isContinueSent)
        {
            connection.isContinueSent = true;
            writeInOrder(connection, continueResponse.duplicate());
        }
        return 0;
    }

    /**
     * {@code POST /publish} with an NDJSON body: every line one event. All or nothing: each line is read and checked
     * (and authorized) before any topic is created or any event enters the ring; then the events are published as
     * one batch with consecutive ids, answered one id per line. Allocation-free per event for topics that exist.
     */
    private void onPublishBatch(
        final Connection connection,
        final UnsafeBuffer buffer,
        final int queryOffset,
        final int queryLength,
        final boolean keepAlive) throws IOException
    {
        if (!parser.hasContentType(buffer, "application/x-ndjson") && !parser.hasContentType(buffer, "application/ndjson"))
        {
            reject(connection, HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "a batch is Content-Type: application/x-ndjson, one JSON event per line; one event goes to " +
                "/publish/{topic}", buffer, keepAlive);
            return;
        }
        if (isDraining)
        {
            rejectUnavailable(connection, "shutting down", buffer, false);
            return;
        }
        TopicRights rights = null;
        if (null != authenticator)
        {
            rights = authorize(connection, buffer, queryOffset, queryLength, keepAlive);
            if (null == rights)
            {
                return;
            }
        }

        final NdjsonEventReader reader = batchReader.wrap(buffer, bodyOffset, bodyLength);
        final PublishBatch batch = publishBatch.clear(buffer);
        int result;
        while (NdjsonEventReader.EVENT == (result = reader.next()))
        {
            final int count = batch.count();
            if (count == publishBatchMaxEvents)
            {
                reject(connection, HttpStatus.PAYLOAD_TOO_LARGE, "more than " + publishBatchMaxEvents +
                    " events in a batch (fanout.publish.batch.max.events)", buffer, keepAlive);
                return;
            }
            final int topicOffset = reader.topicOffset();
            final int topicLength = reader.topicLength();
            if (!TopicRegistry.isValidName(buffer, topicOffset, topicLength))
            {
                rejectBatchLine(connection, HttpStatus.BAD_REQUEST, "invalid topic name", buffer, keepAlive);
                return;
            }
            if (reader.eventTypeLength() > 0 &&
                !SseFrameEncoder.isValidEventType(buffer, reader.eventTypeOffset(), reader.eventTypeLength()))
            {
                rejectBatchLine(connection, HttpStatus.BAD_REQUEST, "invalid event type", buffer, keepAlive);
                return;
            }
            if (reader.dataLength() > payloadMaxLength)
            {
                rejectBatchLine(connection, HttpStatus.PAYLOAD_TOO_LARGE,
                    "data larger than fanout.payload.max.length", buffer, keepAlive);
                return;
            }
            final Topic topic = topicRegistry.find(buffer, topicOffset, topicLength);
            if (null != rights && !rights.canPublish(
                null != topic ? topic.name() : buffer.getStringWithoutLengthUtf8(topicOffset, topicLength)))
            {
                rejectForbidden(connection, buffer, keepAlive);
                return;
            }
            batchTopicSpans[count * 2] = topicOffset;
            batchTopicSpans[count * 2 + 1] = topicLength;
            batch.add(topic, reader.eventTypeOffset(), reader.eventTypeLength(), reader.dataOffset(), reader.dataLength());
        }
        if (NdjsonEventReader.ERROR == result)
        {
            rejectBatchLine(connection, HttpStatus.BAD_REQUEST, reader.errorReason(), buffer, keepAlive);
            return;
        }
        final int count = batch.count();
        if (0 == count)
        {
            reject(connection, HttpStatus.BAD_REQUEST, "empty batch: no event lines", buffer, keepAlive);
            return;
        }
        for (int i = 0; i < count; i++)
        {
            if (null == batch.topic(i))
            {
                final Topic created = topicRegistry.findOrCreate(buffer, batchTopicSpans[i * 2], batchTopicSpans[i * 2 + 1]);
                if (null == created)
                {
                    rejectUnavailable(connection, "topic limit reached", buffer, keepAlive);
                    return;
                }
                batch.topic(i, created);
            }
        }

        final long firstEventId = engine.tryPublish(batch);
        if (isPublishLogEnabled)
        {
            accessLog.onPublish(connection.connectionId, String.valueOf(connection.remoteAddress), connection.requestId,
                firstEventId >= 0 ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE, firstEventId, bodyLength);
        }
        if (firstEventId < 0)
        {
            rejectPublishFailure(connection, firstEventId, buffer, keepAlive);
            return;
        }
        publishRequests.increment();
        int contentLength = 0;
        for (int i = 0; i < count; i++)
        {
            contentLength += SseFrameEncoder.digitCount(firstEventId + i) + 1;
        }
        response.begin(HttpStatus.OK)
            .header("Content-Type", "text/plain; charset=utf-8")
            .header("Content-Length", contentLength);
        if (!keepAlive)
        {
            response.header("Connection", "close");
        }
        response.cors(buffer, parser.originOffset(), parser.originLength()).endHeaders();
        for (int i = 0; i < count; i++)
        {
            response.bodyLong(firstEventId + i).body("\n");
        }
        send(connection, response, keepAlive);
    }

    private void rejectBatchLine(
        final Connection connection,
        final int status,
        final String reason,
        final DirectBuffer request,
        final boolean keepAlive) throws IOException
    {
        reject(connection, status, "line " + batchReader.lineNumber() + ": " + reason, request, keepAlive);
    }

    private void rejectPublishFailure(
        final Connection connection, final long result, final DirectBuffer request, final boolean keepAlive)
        throws IOException
    {
        if (FanoutEngine.RING_FULL == result)
        {
            rejectUnavailable(connection, "ingest ring full", request, keepAlive);
        }
        else if (FanoutEngine.NO_LOG_MEMORY == result)
        {
            rejectUnavailable(connection, "log memory budget reached (fanout.log.memory.max)", request, keepAlive);
        }
        else if (FanoutEngine.CLOSED == result)
        {
            rejectUnavailable(connection, "shutting down", request, false);
        }
        else
        {
            reject(connection, HttpStatus.BAD_REQUEST, "invalid event", request, keepAlive);
        }
    }

    private void onPublish(
        final Connection connection,
        final UnsafeBuffer buffer,
        final int topicOffset,
        final int topicLength,
        final int queryOffset,
        final int queryLength,
        final int bodyOffset,
        final int bodyLength,
        final boolean keepAlive) throws IOException
    {
        final int nameLength = PercentDecoder.decode(buffer, topicOffset, topicLength, false, scratch, 0);
        if (nameLength < 0 || !TopicRegistry.isValidName(scratch, 0, nameLength))
        {
            reject(connection, HttpStatus.BAD_REQUEST, "invalid topic name", buffer, keepAlive);
            return;
        }

        int eventTypeLength = 0;
        final int eventParam = RequestTarget.findQueryParameter(buffer, queryOffset, queryLength, "event", 0);
        if (eventParam >= 0)
        {
            eventTypeLength = PercentDecoder.decode(
                buffer, eventParam, RequestTarget.queryValueLength(buffer, eventParam, queryOffset + queryLength), true,
                eventTypeScratch, 0);
            if (eventTypeLength < 0 || !SseFrameEncoder.isValidEventType(eventTypeScratch, 0, eventTypeLength))
            {
                reject(connection, HttpStatus.BAD_REQUEST, "invalid event type", buffer, keepAlive);
                return;
            }
        }

        if (isDraining)
        {
            rejectUnavailable(connection, "shutting down", buffer, false);
            return;
        }

        if (null != authenticator)
        {
            final TopicRights rights = authorize(connection, buffer, queryOffset, queryLength, keepAlive);
            if (null == rights)
            {
                return;
            }
            final Topic existing = topicRegistry.find(scratch, 0, nameLength);
            final String name = null != existing ? existing.name() : scratch.getStringWithoutLengthUtf8(0, nameLength);
            if (!rights.canPublish(name))
            {
                rejectForbidden(connection, buffer, keepAlive);
                return;
            }
        }

        final Topic topic = topicRegistry.findOrCreate(scratch, 0, nameLength);
        if (null == topic)
        {
            rejectUnavailable(connection, "topic limit reached", buffer, keepAlive);
            return;
        }

        final long eventId = engine.tryPublish(
            topic, eventTypeScratch, 0, eventTypeLength, buffer, bodyOffset, bodyLength);
        if (isPublishLogEnabled)
        {
            accessLog.onPublish(connection.connectionId, String.valueOf(connection.remoteAddress), connection.requestId,
                eventId >= 0 ? HttpStatus.OK : HttpStatus.SERVICE_UNAVAILABLE, eventId, bodyLength);
        }
        if (eventId >= 0)
        {
            publishRequests.increment();
            response.begin(HttpStatus.OK)
                .header("Content-Type", "text/plain; charset=utf-8")
                .header("Content-Length", SseFrameEncoder.digitCount(eventId));
            if (!keepAlive)
            {
                response.header("Connection", "close");
            }
            response.cors(buffer, parser.originOffset(), parser.originLength()).endHeaders().bodyLong(eventId);
            send(connection, response, keepAlive);
        }
        else
        {
            rejectPublishFailure(connection, eventId, buffer, keepAlive);
        }
    }

    private void onSubscribe(
        final Connection connection,
        final UnsafeBuffer buffer,
        final int pathOffset,
        final int pathLength,
        final int queryOffset,
        final int queryLength,
        final boolean keepAlive) throws IOException
    {
        if (isDraining)
        {
            rejectUnavailable(connection, "shutting down", buffer, false);
            return;
        }

        // names first, checked and authorized before any topic is created: a refused request leaves nothing behind
        String[] names;
        if (pathLength > 5)
        {
            final String name = topicName(buffer, pathOffset + 5, pathLength - 5, false);
            if (null == name)
            {
                reject(connection, HttpStatus.BAD_REQUEST, "invalid topic name", buffer, false);
                return;
            }
            names = new String[]{ name };
        }
        else
        {
            names = new String[0];
            final int queryEnd = queryOffset + queryLength;
            int from = 0;
            int valueOffset;
            while ((valueOffset = RequestTarget.findQueryParameter(buffer, queryOffset, queryLength, "topic", from)) >= 0)
            {
                final int valueLength = RequestTarget.queryValueLength(buffer, valueOffset, queryEnd);
                final String name = topicName(buffer, valueOffset, valueLength, true);
                if (null == name)
                {
                    reject(connection, HttpStatus.BAD_REQUEST, "invalid topic name", buffer, false);
                    return;
                }
                if (!Arrays.asList(names).contains(name))
                {
                    if (names.length >= ctx.topicsPerSubscriptionMax())
                    {
                        reject(connection, HttpStatus.BAD_REQUEST, "too many topics", buffer, false);
                        return;
                    }
                    names = Arrays.copyOf(names, names.length + 1);
                    names[names.length - 1] = name;
                }
                from = valueOffset + valueLength - queryOffset;
            }
            if (0 == names.length)
            {
                reject(connection, HttpStatus.BAD_REQUEST, "no topic: use /sse/{topic} or /sse?topic=a&topic=b", buffer, false);
                return;
            }
        }

        long expiresAtMs = Long.MAX_VALUE;
        if (null != authenticator)
        {
            final TopicRights rights = authorize(connection, buffer, queryOffset, queryLength, false);
            if (null == rights)
            {
                return;
            }
            for (final String name : names)
            {
                if (!rights.canSubscribe(name))
                {
                    rejectForbidden(connection, buffer, false);
                    return;
                }
            }
            expiresAtMs = rights.expiresAtMs();
        }

        long lastEventId = -1;
        if (parser.lastEventIdLength() >= 0)
        {
            lastEventId = parseEventId(buffer, parser.lastEventIdOffset(), parser.lastEventIdLength());
        }
        else
        {
            final int idParam = RequestTarget.findQueryParameter(buffer, queryOffset, queryLength, "lastEventId", 0);
            if (idParam >= 0)
            {
                final int valueLength = RequestTarget.queryValueLength(buffer, idParam, queryOffset + queryLength);
                final int idLength = valueLength > eventIdScratch.capacity() ? -1 :
                    PercentDecoder.decode(buffer, idParam, valueLength, true, eventIdScratch, 0);
                lastEventId = idLength < 0 ? Long.MAX_VALUE : parseEventId(eventIdScratch, 0, idLength);
            }
        }

        if (isHeadRequest)
        {
            // the answer a GET would start with, and no stream
            eventStreamHeaders(buffer, isChunked && 1 == parser.minorVersion(), keepAlive);
            send(connection, response, keepAlive);
            return;
        }

        final Topic[] topics = new Topic[names.length];
        for (int i = 0; i < names.length; i++)
        {
            topics[i] = engine.topic(names[i]);
            if (null == topics[i])
            {
                rejectUnavailable(connection, "topic limit reached", buffer, false);
                return;
            }
        }
        connection.expiresAtMs = expiresAtMs;
        // HTTP/1.0 has no chunked coding (RFC 9112 §6.1): its stream is close-delimited, its frames stripped of framing
        connection.isChunkedBody = isChunked && 1 == parser.minorVersion();
        if (isChunked && !connection.isChunkedBody)
        {
            connection.chunkFramingStripper = new ChunkFramingStripper();
        }

        final int clientIdParam = RequestTarget.findQueryParameter(buffer, queryOffset, queryLength, "clientId", 0);
        if (clientIdParam >= 0)
        {
            final int length = Math.min(128, RequestTarget.queryValueLength(buffer, clientIdParam, queryOffset + queryLength));
            connection.clientId = buffer.getStringWithoutLengthAscii(clientIdParam, length);
        }

        final Subscription subscription = engine.subscribe(topics, lastEventId);
        connection.subscription = subscription;
        connection.state = Connection.STREAMING;
        connection.requestStartNs = 0;
        connection.lastWriteNs = nowNs;

        eventStreamHeaders(buffer, connection.isChunkedBody, false);
        int length = response.length();
        length += SseFrameEncoder.encodeRetry(response.buffer(), length, connection.isChunkedBody, ctx.retryHintMs());
        if (subscription.isResetRequired())
        {
            length += SseFrameEncoder.encodeControlEvent(
                response.buffer(), length, connection.isChunkedBody, "reset", resetData(subscription));
            resetsSent.increment();
        }
        final ByteBuffer preamble = response.byteBuffer();
        preamble.limit(length);
        connection.appendPendingOut(preamble);

        connection.topicSlots = new int[topics.length];
        for (int i = 0; i < topics.length; i++)
        {
            final TopicSubscribers subscribers = subscribersOf(topics[i]);
            connection.topicSlots[i] = subscribers.add(connection);
            if (1 == subscribers.count)
            {
                activate(subscribers);
            }
        }
        subscribersOpen.increment();
        writeSubscriber(connection);
    }

    /**
     * The head of an event stream; for HEAD a keep-alive answer may leave the connection open (it has no body).
     */
    private void eventStreamHeaders(final DirectBuffer request, final boolean isChunkedBody, final boolean isHeadKeepAlive)
    {
        response.begin(HttpStatus.OK)
            .header("Content-Type", "text/event-stream; charset=utf-8")
            .header("Cache-Control", "no-cache")
            .header("X-Accel-Buffering", "no");
        if (isChunkedBody)
        {
            response.header("Transfer-Encoding", "chunked");
        }
        if (!isChunkedBody || (isHeadRequest && !isHeadKeepAlive))
        {
            response.header("Connection", "close");
        }
        response.cors(request, parser.originOffset(), parser.originLength()).endHeaders();
    }

    /**
     * The reset event's data: the client's last id, or null when what it sent is not an id (JavaScript reads
     * numbers exactly only up to 2^53).
     */
    private static String resetData(final Subscription subscription)
    {
        final long fromEventId = subscription.resetFromEventId();
        return "{\"lastEventId\":" + (fromEventId >= 0 && fromEventId <= MAX_EXACT_JS_INTEGER ? fromEventId : "null") + "}";
    }

    /**
     * Decode and check a topic name. Control path.
     *
     * @return the name, or null when it is not a valid name.
     */
    private String topicName(final DirectBuffer buffer, final int offset, final int length, final boolean plusAsSpace)
    {
        final int nameLength = PercentDecoder.decode(buffer, offset, length, plusAsSpace, scratch, 0);
        if (nameLength < 0 || !TopicRegistry.isValidName(scratch, 0, nameLength))
        {
            return null;
        }
        final Topic existing = topicRegistry.find(scratch, 0, nameLength);
        return null != existing ? existing.name() : scratch.getStringWithoutLengthUtf8(0, nameLength);
    }

    private static long parseEventId(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length <= 0 || length > 18)
        {
            return Long.MAX_VALUE;
        }
        long value = 0;
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if (b < '0' || b > '9')
            {
                return Long.MAX_VALUE;
            }
            value = value * 10 + (b - '0');
        }
        return value;
    }

    private TopicSubscribers subscribersOf(final Topic topic)
    {
        final int id = topic.id();
        if (id >= topicsById.length)
        {
            topicsById = Arrays.copyOf(topicsById, Math.max(id + 1, topicsById.length * 2));
        }
        TopicSubscribers subscribers = topicsById[id];
        if (null == subscribers)
        {
            subscribers = new TopicSubscribers(topic);
            topicsById[id] = subscribers;
        }
        return subscribers;
    }

    private void activate(final TopicSubscribers subscribers)
    {
        if (activeTopicCount == activeTopics.length)
        {
            activeTopics = Arrays.copyOf(activeTopics, activeTopicCount * 2);
        }
        subscribers.activeIndex = activeTopicCount;
        activeTopics[activeTopicCount++] = subscribers;
        final TopicFrameLog log = subscribers.topic.log();
        subscribers.seenFrameCount = null == log ? -1 : log.publishedFrameCount();
    }

    private void deactivate(final TopicSubscribers subscribers)
    {
        final int index = subscribers.activeIndex;
        final int last = --activeTopicCount;
        final TopicSubscribers moved = activeTopics[last];
        activeTopics[last] = null;
        if (index != last)
        {
            activeTopics[index] = moved;
            moved.activeIndex = index;
        }
        subscribers.activeIndex = -1;
    }

    private boolean hasMovedTopic()
    {
        for (int i = 0; i < activeTopicCount; i++)
        {
            final TopicSubscribers subscribers = activeTopics[i];
            final TopicFrameLog log = subscribers.topic.log();
            if (null != log && log.publishedFrameCount() != subscribers.seenFrameCount)
            {
                return true;
            }
        }
        return false;
    }

    private int fanOut()
    {
        int workCount = 0;
        for (int i = activeTopicCount - 1; i >= 0; i--)
        {
            if (i >= activeTopicCount)
            {
                continue;
            }
            final TopicSubscribers subscribers = activeTopics[i];
            final TopicFrameLog log = subscribers.topic.log();
            if (null == log)
            {
                continue;
            }
            final long published = log.publishedFrameCount();
            if (published == subscribers.seenFrameCount)
            {
                continue;
            }
            subscribers.seenFrameCount = published;
            workCount++;
            for (int j = subscribers.count - 1; j >= 0; j--)
            {
                if (j >= subscribers.count)
                {
                    continue;
                }
                final Connection connection = subscribers.connections[j];
                if (connection.isWriteBlocked || connection.hasPendingOut())
                {
                    if (Subscription.LAPPED == connection.subscription.nextRun(1) ||
                        (slowConsumerUnsentMax > 0 && connection.subscription.unsentBytes() > slowConsumerUnsentMax))
                    {
                        onLapped(connection);
                    }
                }
                else
                {
                    writeSubscriber(connection);
                    if (++subscribersSinceRequestPoll >= SUBSCRIBERS_BETWEEN_REQUEST_POLLS)
                    {
                        subscribersSinceRequestPoll = 0;
                        pollRequests();
                    }
                }
            }
        }
        return workCount;
    }

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

    private int writeBacklog()
    {
        final int count = backlogCount;
        if (0 == count)
        {
            return 0;
        }
        final Connection[] pending = backlog;
        if (spareBacklog.length < pending.length)
        {
            spareBacklog = new Connection[pending.length];
        }
        backlog = spareBacklog;
        spareBacklog = pending;
        backlogCount = 0;
        for (int i = 0; i < count; i++)
        {
            final Connection connection = pending[i];
            pending[i] = null;
            connection.isInBacklog = false;
            if (Connection.STREAMING == connection.state && !connection.isWriteBlocked)
            {
                writeSubscriber(connection);
            }
        }
        return count;
    }

    private void addToBacklog(final Connection connection)
    {
        if (!connection.isInBacklog)
        {
            connection.isInBacklog = true;
            if (backlogCount == backlog.length)
            {
                backlog = Arrays.copyOf(backlog, backlogCount * 2);
            }
            backlog[backlogCount++] = connection;
        }
    }

    /**
     * Write a subscriber what it is owed: its pending control bytes first, then runs of frames from the logs.
     * Hot path.
     */
    private void writeSubscriber(final Connection connection)
    {
        try
        {
            final Subscription subscription = connection.subscription;
            for (int writes = 0; writes < MAX_WRITES_PER_CONNECTION_PER_CYCLE; writes++)
            {
                if (connection.hasPendingOut() && !flushPendingOut(connection))
                {
                    return;
                }
                final int runLength = subscription.nextRun(writeMaxLength);
                if (Subscription.LAPPED == runLength)
                {
                    onLapped(connection);
                    return;
                }
                if (0 == runLength)
                {
                    if (subscription.isHeldByWatermark())
                    {
                        addToBacklog(connection);
                    }
                    return;
                }

                final TopicSubscribers run = topicsById[subscription.runTopic().id()].useLog(subscription.runLog());
                final int offset = subscription.runOffset();
                if (null != connection.chunkFramingStripper)
                {
                    if (!writePlainRun(connection, subscription, offset, runLength))
                    {
                        return;
                    }
                    continue;
                }
                final int bytesWritten;
                if (connection.fd >= 0)
                {
                    bytesWritten = NativeSend.send(connection.fd, run.logAddress + offset, runLength);
                }
                else
                {
                    run.logView.limit(offset + runLength).position(offset);
                    bytesWritten = connection.channel.write(run.logView);
                }
                pendingWrites++;
                if (!subscription.isRunIntact())
                {
                    lappedDisconnects.increment();
                    close(connection, "slow-consumer");
                    return;
                }
                if (bytesWritten > 0)
                {
                    pendingBytes += bytesWritten;
                    connection.bytesSent += bytesWritten;
                    final int delivered = subscription.onRunConsumed(bytesWritten, nowNs, latencyHistogram);
                    pendingDeliveries += delivered;
                    connection.eventsSent += delivered;
                    connection.lastWriteNs = nowNs;
                    if (subscription.pollSkipCompleted())
                    {
                        queueReset(connection);
                    }
                }
                if (bytesWritten < runLength)
                {
                    pendingShortWrites++;
                    connection.awaitWritable();
                    return;
                }
            }
            addToBacklog(connection);
        }
        catch (final IOException ex)
        {
            close(connection, "io-error");
        }
    }

    /**
     * A close-delimited stream: copy the run without its chunk framing, check the copy is intact before a byte of it
     * is sent, and consume the whole run; what the socket does not take waits in the connection's pending bytes.
     *
     * @return true when the socket took everything, false when the connection is blocked or closed.
     */
    private boolean writePlainRun(
        final Connection connection, final Subscription subscription, final int offset, final int runLength)
        throws IOException
    {
        if (null == plainRunByteBuffer || plainRunByteBuffer.capacity() < runLength)
        {
            plainRunByteBuffer = ByteBuffer.allocateDirect(Math.max(runLength, writeMaxLength));
            plainRunBuffer = new UnsafeBuffer(plainRunByteBuffer);
        }
        final int plainLength = connection.chunkFramingStripper.strip(
            subscription.runLog().data(), offset, runLength, plainRunBuffer, 0);
        if (!subscription.isRunIntact())
        {
            lappedDisconnects.increment();
            close(connection, "slow-consumer");
            return false;
        }
        final ByteBuffer plain = plainRunByteBuffer.limit(plainLength).position(0);
        final int bytesWritten = connection.channel.write(plain);
        pendingWrites++;
        pendingBytes += bytesWritten;
        connection.bytesSent += bytesWritten;
        final int delivered = subscription.onRunConsumed(runLength, nowNs, latencyHistogram);
        pendingDeliveries += delivered;
        connection.eventsSent += delivered;
        connection.lastWriteNs = nowNs;
        if (subscription.pollSkipCompleted())
        {
            queueReset(connection);
        }
        if (plain.hasRemaining())
        {
            pendingShortWrites++;
            connection.appendPendingOut(plain);
            connection.awaitWritable();
            return false;
        }
        return true;
    }

    private void onLapped(final Connection connection)
    {
        if (SlowConsumerPolicy.SKIP == slowConsumerPolicy)
        {
            lappedSkips.increment();
            if (connection.subscription.requestSkip())
            {
                queueReset(connection);
            }
            if (!connection.isWriteBlocked)
            {
                addToBacklog(connection);
            }
            return;
        }
        lappedDisconnects.increment();
        close(connection, "slow-consumer");
    }

    /**
     * Tell the client it missed events after the last one it got; once per gap: a second skip before anything new
     * was delivered says nothing new.
     */
    private void queueReset(final Connection connection)
    {
        final long lastDeliveredEventId = connection.subscription.lastDeliveredEventId();
        if (connection.lastResetEventId == lastDeliveredEventId)
        {
            return;
        }
        connection.lastResetEventId = lastDeliveredEventId;
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[128]);
        final int length = SseFrameEncoder.encodeControlEvent(
            buffer, 0, connection.isChunkedBody, "reset", "{\"lastEventId\":" + lastDeliveredEventId + "}");
        connection.appendPendingOut(ByteBuffer.wrap(buffer.byteArray(), 0, length));
        resetsSent.increment();
    }

    /**
     * @return true when nothing is left pending.
     */
    private boolean flushPendingOut(final Connection connection) throws IOException
    {
        final ByteBuffer pending = connection.pendingOut;
        if (null == pending)
        {
            return true;
        }
        final int bytesWritten = connection.channel.write(pending);
        pendingWrites++;
        pendingBytes += bytesWritten;
        connection.bytesSent += bytesWritten;
        if (pending.hasRemaining())
        {
            pendingShortWrites++;
            connection.awaitWritable();
            return false;
        }
        connection.pendingOut = null;
        connection.lastWriteNs = nowNs;
        return true;
    }

    private int sweep()
    {
        int workCount = 0;
        int busy = 0;
        final long nowMs = System.currentTimeMillis();
        for (int i = connectionCount - 1; i >= 0; i--)
        {
            if (i >= connectionCount)
            {
                continue;
            }
            final Connection connection = connections[i];
            if (Connection.STREAMING == connection.state)
            {
                if (connection.expiresAtMs < nowMs)
                {
                    endExpiredStream(connection);
                    workCount++;
                }
                else if (connection.isWriteBlocked || connection.hasPendingOut() || connection.isInBacklog)
                {
                    busy++;
                }
                else if (nowNs - connection.lastWriteNs >= ctx.heartbeatIntervalNs() &&
                    !connection.subscription.isMidFrame())
                {
                    workCount += sendHeartbeat(connection);
                }
                else if (isDraining && connection.subscription.nextRun(1) > 0)
                {
                    busy++;
                }
            }
            else if (Connection.READING_REQUESTS == connection.state)
            {
                if (0 != connection.requestStartNs && nowNs - connection.requestStartNs > ctx.requestTimeoutNs())
                {
                    counters.get(CounterDescriptor.REJECTS_TIMEOUT).increment();
                    connection.closeReason = "request-timeout";
                    respondAndClose(connection, HttpStatus.REQUEST_TIMEOUT, "request not received in time");
                    workCount++;
                }
                else if (0 == connection.requestStartNs &&
                    nowNs - connection.lastActivityNs > ctx.keepAliveTimeoutNs())
                {
                    close(connection, "idle-timeout");
                    workCount++;
                }
            }
        }
        if (isDraining)
        {
            isDrained = 0 == busy && 0 == backlogCount;
        }
        return workCount;
    }

    /**
     * A stream lives no longer than the token it was opened with: end it cleanly between frames (a comment saying
     * why, then the end of the body), so the client reconnects and must present a fresh token. A client that is
     * blocked or mid-frame is simply closed.
     */
    private void endExpiredStream(final Connection connection)
    {
        streamsExpired.increment();
        if (!connection.isWriteBlocked && !connection.hasPendingOut() && !connection.subscription.isMidFrame())
        {
            try
            {
                connection.channel.write(
                    (connection.isChunkedBody ? tokenExpiredFrame : plainTokenExpiredFrame).duplicate());
                pendingWrites++;
            }
            catch (final IOException ignore)
            {
                // closing anyway
            }
        }
        close(connection, "token-expired");
    }

    private int sendHeartbeat(final Connection connection)
    {
        try
        {
            final ByteBuffer frame = (connection.isChunkedBody ? heartbeat : plainHeartbeat).duplicate();
            connection.channel.write(frame);
            pendingWrites++;
            heartbeatsSent.increment();
            connection.lastWriteNs = nowNs;
            if (frame.hasRemaining())
            {
                pendingShortWrites++;
                connection.appendPendingOut(frame);
                connection.awaitWritable();
            }
            return 1;
        }
        catch (final IOException ex)
        {
            close(connection, "io-error");
            return 1;
        }
    }

    private int respondPreflight(
        final Connection connection, final DirectBuffer request, final boolean keepAlive, final int headLength)
        throws IOException
    {
        response.begin(HttpStatus.NO_CONTENT)
            .header("Access-Control-Allow-Methods", "GET, POST, OPTIONS")
            .header("Access-Control-Allow-Headers", "Last-Event-ID, Content-Type, Authorization, X-Request-ID")
            .header("Access-Control-Max-Age", 86400);
        if (!keepAlive)
        {
            response.header("Connection", "close");
        }
        response.cors(request, parser.originOffset(), parser.originLength()).endHeaders();
        send(connection, response, keepAlive);
        return keepAlive ? headLength : -1;
    }

    private void respondBytes(
        final Connection connection,
        final String contentType,
        final byte[] body,
        final DirectBuffer request,
        final boolean keepAlive) throws IOException
    {
        response.begin(HttpStatus.OK)
            .header("Content-Type", contentType)
            .header("Content-Length", body.length)
            .header("Cache-Control", "no-store");
        if (!keepAlive)
        {
            response.header("Connection", "close");
        }
        response.cors(request, parser.originOffset(), parser.originLength()).endHeaders();
        connection.appendPendingOut(response.byteBuffer());
        if (!isHeadRequest)
        {
            connection.appendPendingOut(ByteBuffer.wrap(body));
        }
        if (!keepAlive)
        {
            connection.state = Connection.CLOSING;
        }
        if (!connection.isWriteBlocked && flushPendingOut(connection) && !keepAlive)
        {
            close(connection);
        }
    }

    private void rejectMethod(
        final Connection connection, final String allow, final DirectBuffer request, final boolean keepAlive)
        throws IOException
    {
        counters.get(CounterDescriptor.REJECTS_METHOD_NOT_ALLOWED).increment();
        send(connection, response.simple(HttpStatus.METHOD_NOT_ALLOWED, "Allow", allow, "method not allowed\n",
            keepAlive, request, parser.originOffset(), parser.originLength()), keepAlive);
    }

    /**
     * The rights of the request's token, from the connection's cache when it is the token last seen there.
     * Control path for subscribers; for a keep-alive publisher one verification per distinct token.
     *
     * @return the rights, or null after answering 401.
     */
    private TopicRights authorize(
        final Connection connection,
        final DirectBuffer buffer,
        final int queryOffset,
        final int queryLength,
        final boolean keepAlive) throws IOException
    {
        if (!tokenLocator.locate(parser, buffer, queryOffset, queryLength))
        {
            rejectUnauthorized(connection, null, buffer, keepAlive);
            return null;
        }
        final int tokenOffset = tokenLocator.tokenOffset();
        final int tokenLength = tokenLocator.tokenLength();

        final byte[] cached = connection.cachedToken;
        if (null != cached && cached.length == tokenLength && null != connection.cachedRights &&
            connection.cachedRights.expiresAtMs() > System.currentTimeMillis())
        {
            boolean isSame = true;
            for (int i = 0; i < tokenLength && isSame; i++)
            {
                isSame = cached[i] == buffer.getByte(tokenOffset + i);
            }
            if (isSame)
            {
                return connection.cachedRights;
            }
        }

        final byte[] token = new byte[tokenLength];
        buffer.getBytes(tokenOffset, token);
        try
        {
            final TopicRights rights = authenticator.authenticate(new String(token, StandardCharsets.US_ASCII));
            connection.cachedToken = token;
            connection.cachedRights = rights;
            return rights;
        }
        catch (final AuthenticationException ex)
        {
            connection.cachedToken = null;
            connection.cachedRights = null;
            rejectUnauthorized(connection, ex.getMessage(), buffer, keepAlive);
            return null;
        }
    }

    private void rejectUnauthorized(
        final Connection connection, final String reason, final DirectBuffer request, final boolean keepAlive)
        throws IOException
    {
        counters.get(CounterDescriptor.REJECTS_UNAUTHORIZED).increment();
        if (!keepAlive)
        {
            connection.closeReason = "unauthorized";
        }
        final String challenge = null == reason ? "Bearer realm=\"fanout\"" :
            "Bearer realm=\"fanout\", error=\"invalid_token\", error_description=\"" + reason + "\"";
        send(connection, response.simple(HttpStatus.UNAUTHORIZED, "WWW-Authenticate", challenge,
            (null == reason ? "token required" : reason) + "\n",
            keepAlive, request, parser.originOffset(), parser.originLength()), keepAlive);
    }

    private void rejectForbidden(final Connection connection, final DirectBuffer request, final boolean keepAlive)
        throws IOException
    {
        counters.get(CounterDescriptor.REJECTS_FORBIDDEN).increment();
        if (!keepAlive)
        {
            connection.closeReason = "forbidden";
        }
        send(connection, response.simple(HttpStatus.FORBIDDEN, "token does not cover this topic\n", keepAlive,
            request, parser.originOffset(), parser.originLength()), keepAlive);
    }

    /**
     * Past a connection limit. Any answer but 200 stops a browser's EventSource for good, so an event-stream client
     * gets 200 with a jittered retry: and a close, and comes back later; other clients get 503.
     */
    private void rejectOverLimit(final Connection connection, final DirectBuffer request) throws IOException
    {
        counters.get(CounterDescriptor.REJECTS_OVER_LIMIT).increment();
        if (parser.acceptsEventStream())
        {
            response.begin(HttpStatus.OK)
                .header("Content-Type", "text/event-stream; charset=utf-8")
                .header("Cache-Control", "no-cache")
                .header("Connection", "close")
                .cors(request, parser.originOffset(), parser.originLength())
                .endHeaders();
            final long retryMs = ctx.retryHintMs() + ThreadLocalRandom.current().nextLong(ctx.retryHintMs() * 4 + 1);
            final int length = response.length() +
                SseFrameEncoder.encodeRetry(response.buffer(), response.length(), false, retryMs);
            final ByteBuffer bytes = response.byteBuffer();
            bytes.limit(length);
            connection.appendPendingOut(bytes);
            connection.state = Connection.CLOSING;
            if (flushPendingOut(connection))
            {
                close(connection);
            }
            return;
        }
        rejectUnavailable(connection, "connection limit reached", request, false);
    }

    private void rejectUnavailable(
        final Connection connection, final String reason, final DirectBuffer request, final boolean keepAlive)
        throws IOException
    {
        counters.get(CounterDescriptor.REJECTS_UNAVAILABLE).increment();
        send(connection, response.simple(HttpStatus.SERVICE_UNAVAILABLE, "Retry-After", "1", reason + "\n",
            keepAlive, request, parser.originOffset(), parser.originLength()), keepAlive);
    }

    private void reject(
        final Connection connection,
        final int status,
        final String reason,
        final DirectBuffer request,
        final boolean keepAlive) throws IOException
    {
        countReject(status);
        if (!keepAlive && null == connection.closeReason)
        {
            connection.closeReason = "rejected";
        }
        final boolean hasOrigin = HttpStatus.BAD_REQUEST != status || parser.originLength() >= 0;
        send(connection, response.simple(
            status, reason + "\n", keepAlive, request,
            hasOrigin ? parser.originOffset() : 0, hasOrigin ? parser.originLength() : -1), keepAlive);
    }

    private void respondAndClose(final Connection connection, final int status, final String reason)
    {
        isHeadRequest = false;
        try
        {
            send(connection, response.simple(status, reason + "\n", false, readBuffer, 0, -1), false);
        }
        catch (final IOException ex)
        {
            close(connection, "io-error");
        }
    }

    private void countReject(final int status)
    {
        final CounterDescriptor descriptor;
        switch (status)
        {
            case HttpStatus.BAD_REQUEST:
            case HttpStatus.UNSUPPORTED_MEDIA_TYPE:
            case HttpStatus.NOT_IMPLEMENTED:
                descriptor = CounterDescriptor.REJECTS_BAD_REQUEST;
                break;
            case HttpStatus.NOT_FOUND: descriptor = CounterDescriptor.REJECTS_NOT_FOUND; break;
            case HttpStatus.METHOD_NOT_ALLOWED: descriptor = CounterDescriptor.REJECTS_METHOD_NOT_ALLOWED; break;
            case HttpStatus.LENGTH_REQUIRED: descriptor = CounterDescriptor.REJECTS_LENGTH_REQUIRED; break;
            case HttpStatus.PAYLOAD_TOO_LARGE: descriptor = CounterDescriptor.REJECTS_PAYLOAD_TOO_LARGE; break;
            case HttpStatus.URI_TOO_LONG: descriptor = CounterDescriptor.REJECTS_URI_TOO_LONG; break;
            case HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE: descriptor = CounterDescriptor.REJECTS_HEADERS_TOO_LARGE; break;
            case HttpStatus.HTTP_VERSION_NOT_SUPPORTED: descriptor = CounterDescriptor.REJECTS_VERSION; break;
            case HttpStatus.SERVICE_UNAVAILABLE: descriptor = CounterDescriptor.REJECTS_UNAVAILABLE; break;
            case HttpStatus.REQUEST_TIMEOUT: descriptor = CounterDescriptor.REJECTS_TIMEOUT; break;
            default: descriptor = CounterDescriptor.ERRORS; break;
        }
        counters.get(descriptor).increment();
    }

    /**
     * Send a response built in {@link #response}; keeps order behind anything pending. When not keep-alive the
     * connection closes once the bytes are out.
     */
    private void send(final Connection connection, final ResponseWriter writer, final boolean keepAlive)
        throws IOException
    {
        writeInOrder(connection, isHeadRequest ? writer.headersByteBuffer() : writer.byteBuffer());
        if (!keepAlive)
        {
            connection.state = Connection.CLOSING;
            if (!connection.hasPendingOut())
            {
                close(connection);
            }
        }
    }

    /**
     * Write now if nothing is pending, and keep what the socket does not take behind anything that is.
     */
    private void writeInOrder(final Connection connection, final ByteBuffer bytes) throws IOException
    {
        if (!connection.hasPendingOut())
        {
            connection.channel.write(bytes);
            pendingWrites++;
        }
        if (bytes.hasRemaining())
        {
            connection.appendPendingOut(bytes);
            if (!connection.isWriteBlocked)
            {
                connection.awaitWritable();
            }
        }
    }

    private void close(final Connection connection, final String reason)
    {
        if (null == connection.closeReason)
        {
            connection.closeReason = reason;
        }
        close(connection);
    }

    private void close(final Connection connection)
    {
        if (connection.agentIndex < 0)
        {
            return;
        }
        reportClosed(connection);
        if (null != connection.subscription && null != connection.topicSlots)
        {
            final Topic[] topics = connection.subscription.topics();
            for (int i = 0; i < topics.length; i++)
            {
                final TopicSubscribers subscribers = topicsById[topics[i].id()];
                final Connection moved = subscribers.removeAt(connection.topicSlots[i]);
                if (null != moved)
                {
                    final Topic[] movedTopics = moved.subscription.topics();
                    for (int k = 0; k < movedTopics.length; k++)
                    {
                        if (movedTopics[k] == topics[i])
                        {
                            moved.topicSlots[k] = connection.topicSlots[i];
                        }
                    }
                }
                if (0 == subscribers.count)
                {
                    deactivate(subscribers);
                }
            }
            connection.topicSlots = null;
            subscribersOpen.decrement();
        }

        final int index = connection.agentIndex;
        final int last = --connectionCount;
        final Connection moved = connections[last];
        connections[last] = null;
        if (index != last)
        {
            connections[index] = moved;
            moved.agentIndex = index;
        }
        connection.agentIndex = -1;
        connection.state = Connection.CLOSING;
        connection.isWriteBlocked = true;
        connection.fd = -1;   // the number may be reused by the next socket the process opens
        if (null != connection.key)
        {
            connection.key.cancel();
        }
        CloseHelper.quietClose(connection.channel);
        admission.release(connection.address);
        connectionsOpen.decrement();
    }

    private void reportClosed(final Connection connection)
    {
        if (AccessLog.NONE == accessLog)
        {
            return;
        }
        try
        {
            accessLog.onConnectionClosed(ConnectionRecord.of(connection, nowNs));
        }
        catch (final RuntimeException ex)
        {
            errorHandler.onError(ex);
        }
    }

    private void publishLatency()
    {
        if (latencyHistogram.getTotalCount() > 0)
        {
            latencyStats.add(latencyHistogram);
            latencyHistogram.reset();
        }
    }

    private void flushCounters()
    {
        if (pendingWrites > 0)
        {
            socketWrites.getAndAdd(pendingWrites);
            pendingWrites = 0;
        }
        if (pendingBytes > 0)
        {
            bytesWritten.getAndAdd(pendingBytes);
            pendingBytes = 0;
        }
        if (pendingDeliveries > 0)
        {
            deliveries.getAndAdd(pendingDeliveries);
            pendingDeliveries = 0;
        }
        if (pendingShortWrites > 0)
        {
            shortWrites.getAndAdd(pendingShortWrites);
            pendingShortWrites = 0;
        }
    }

    private boolean isPublishPath(final DirectBuffer buffer)
    {
        return RequestTarget.startsWith(buffer, parser.targetOffset(), parser.targetLength(), "/publish/");
    }
}
