package io.ssefanout.transport;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.engine.Subscription;
import org.agrona.CloseHelper;
import org.agrona.concurrent.CachedEpochClock;
import org.agrona.concurrent.CachedNanoClock;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One I/O agent driven on the test thread ({@code doWork()}) over real loopback sockets, with clocks the test moves:
 * heartbeats, request and keep-alive timeouts and token expiry happen when the clock says so, not after waiting.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class IoAgentTest
{
    private static final String SECRET = "0123456789abcdef0123456789abcdef-agent-test";

    @TempDir
    Path dir;

    private final CachedNanoClock nanoClock = new CachedNanoClock();
    private final CachedEpochClock epochClock = new CachedEpochClock();
    private FanoutEngine engine;
    private IoAgent agent;
    private ScrapeThread scrapes;
    private ServerSocketChannel listener;
    private SocketChannel client;
    private final StringBuilder received = new StringBuilder();
    private boolean isClosedByServer;

    @AfterEach
    void tearDown() throws Exception
    {
        CloseHelper.quietCloseAll(client, listener);
        if (null != agent)
        {
            agent.onClose();
        }
        CloseHelper.quietCloseAll(scrapes, engine);
    }

    @Test
    void shouldSendAHeartbeatWhenTheClockSaysTheStreamIsIdle() throws Exception
    {
        start(ctx -> ctx.heartbeatIntervalNs(TimeUnit.SECONDS.toNanos(15)));
        send("GET /sse/t HTTP/1.1\r\nHost: x\r\n\r\n");
        doWorkUntil(() -> received.indexOf("retry: ") >= 0);
        final int before = received.length();

        advance(TimeUnit.SECONDS.toNanos(14));
        doWork(3);
        assertThat(received.length()).as("not idle long enough yet").isEqualTo(before);

        advance(TimeUnit.SECONDS.toNanos(2));
        doWorkUntil(() -> received.indexOf(":\n\n", before) >= 0);
        assertThat(isClosedByServer).isFalse();
    }

    @Test
    void shouldAnswer408WhenARequestIsNotCompleteInTime() throws Exception
    {
        start(ctx -> ctx.requestTimeoutNs(TimeUnit.SECONDS.toNanos(10)));
        send("GET /health HTTP/1.1\r\nHost: x\r\n");
        doWork(3);
        advance(TimeUnit.SECONDS.toNanos(9));
        doWork(3);
        assertThat(received.length()).isZero();

        advance(TimeUnit.SECONDS.toNanos(2));
        doWorkUntil(() -> isClosedByServer);
        assertThat(received.toString()).startsWith("HTTP/1.1 408 ");
    }

    @Test
    void shouldCloseAnIdleKeepAliveConnectionAfterItsTimeout() throws Exception
    {
        start(ctx -> ctx.keepAliveTimeoutNs(TimeUnit.SECONDS.toNanos(60)));
        send("GET /health HTTP/1.1\r\nHost: x\r\n\r\n");
        doWorkUntil(() -> received.indexOf("ok\n") >= 0);
        advance(TimeUnit.SECONDS.toNanos(59));
        doWork(3);
        assertThat(isClosedByServer).isFalse();

        advance(TimeUnit.SECONDS.toNanos(2));
        doWorkUntil(() -> isClosedByServer);
    }

    @Test
    void shouldEndAStreamWhenItsTokenExpiresByTheEpochClock() throws Exception
    {
        start(ctx -> ctx.authenticator(JwtAuthenticator.hmac(SECRET.getBytes(StandardCharsets.UTF_8)).withLeewayMs(0)));
        final long expiresAtMs = System.currentTimeMillis() + TimeUnit.HOURS.toMillis(1);
        send("GET /sse/t HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token(expiresAtMs) + "\r\n\r\n");
        doWorkUntil(() -> received.indexOf("retry: ") >= 0);

        epochClock.update(expiresAtMs - 1000);
        advance(TimeUnit.SECONDS.toNanos(1));
        doWork(3);
        assertThat(isClosedByServer).isFalse();

        epochClock.update(expiresAtMs + 1000);
        advance(TimeUnit.SECONDS.toNanos(1));
        doWorkUntil(() -> isClosedByServer);
        assertThat(received.toString()).contains(":token expired\n\n").endsWith("0\r\n\r\n");
    }

    @Test
    void shouldWriteAPublishedEventToTheSubscriberWithinOneDutyCycle() throws Exception
    {
        start(ctx -> { });
        send("GET /sse/t HTTP/1.1\r\nHost: x\r\n\r\n");
        doWorkUntil(() -> received.indexOf("retry: ") >= 0);
        assertThat(engine.publish("t", "hello", null)).isTrue();
        // the sequencer runs on its own thread; the agent writes the frame on the first cycle after it is encoded
        doWorkUntil(() -> received.indexOf("data: hello\n\n") >= 0);
        assertThat(received.toString()).contains("id: ");
    }

    private void start(final Consumer<FanoutServer.Context> customise) throws IOException
    {
        nanoClock.update(1_000_000_000L);
        epochClock.update(System.currentTimeMillis());
        final FanoutServer.Context ctx = new FanoutServer.Context()
            .nanoClock(nanoClock)
            .epochClock(epochClock)
            .engineContext(new FanoutEngine.Context().dir(dir).ringSize(64));
        customise.accept(ctx);
        ctx.conclude();
        engine = FanoutEngine.launch(ctx.engineContext());
        final LatencyStats latencyStats = new LatencyStats(
            Subscription.highestTrackableLatencyNs(), engine.counters(), nanoClock);
        agent = new IoAgent(0, ctx, engine, latencyStats, scrapes = new ScrapeThread(new MetricsRenderer(engine, latencyStats), latencyStats::collect, Throwable::printStackTrace),
            new ConnectionAdmission(100, 0));
        listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
        client = SocketChannel.open(listener.getLocalAddress());
        final SocketChannel accepted = listener.accept();
        assertThat(agent.offer(new AcceptedConnection(accepted, accepted.socket().getInetAddress(), false))).isTrue();
        client.configureBlocking(false);
        doWork(1);
    }

    private void send(final String request) throws IOException
    {
        final ByteBuffer bytes = ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII));
        while (bytes.hasRemaining())
        {
            client.write(bytes);
        }
    }

    private void advance(final long durationNs)
    {
        nanoClock.advance(durationNs);
    }

    private void doWork(final int cycles) throws IOException
    {
        for (int i = 0; i < cycles; i++)
        {
            agent.doWork();
            readClient();
        }
    }

    /**
     * Run duty cycles on this thread until the condition holds; the deadline is wall-clock only as a safety net.
     */
    private void doWorkUntil(final java.util.function.BooleanSupplier condition) throws IOException
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean())
        {
            assertThat(System.nanoTime()).as("duty cycles until the condition held; got: " + received).isLessThan(deadlineNs);
            agent.doWork();
            readClient();
        }
    }

    private void readClient() throws IOException
    {
        if (isClosedByServer)
        {
            return;
        }
        final ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
        int n;
        while ((n = client.read(buffer)) > 0)
        {
            received.append(new String(buffer.array(), 0, buffer.position(), StandardCharsets.UTF_8));
            buffer.clear();
        }
        if (n < 0)
        {
            isClosedByServer = true;
        }
    }

    private static String token(final long expiresAtMs) throws Exception
    {
        final SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
            .subject("agent-test")
            .expirationTime(new Date(expiresAtMs))
            .claim(JwtAuthenticator.CLAIM, Map.of("subscribe", List.of("*"), "publish", List.of()))
            .build());
        jwt.sign(new MACSigner(SECRET.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
