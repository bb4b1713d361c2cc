package io.ssefanout.transport;

import io.ssefanout.engine.Durations;
import org.agrona.SystemUtil;
import org.agrona.concurrent.BackoffIdleStrategy;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.IdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.agrona.concurrent.SleepingIdleStrategy;
import org.agrona.concurrent.YieldingIdleStrategy;

import java.util.concurrent.TimeUnit;

/**
 * The transport's {@code fanout.*} system properties and their defaults. The only place in the transport that
 * reads system properties.
 */
public final class TransportConfiguration
{
    /** TCP port to listen on; 0 picks a free one. */
    public static final String PORT_PROP_NAME = "fanout.port";
    /** Default port. */
    public static final int PORT_DEFAULT = 8080;

    /** Address to bind. */
    public static final String BIND_ADDRESS_PROP_NAME = "fanout.bind.address";
    /** Default bind address: all interfaces. */
    public static final String BIND_ADDRESS_DEFAULT = "0.0.0.0";

    /** Number of I/O agents (threads), each with its own selector and connections. */
    public static final String IO_THREADS_PROP_NAME = "fanout.io.threads";
    /** Default I/O threads. */
    public static final int IO_THREADS_DEFAULT = 1;

    /** Idle strategy of the I/O agents: select, spin, yield, backoff, noop or sleep-ns. */
    public static final String IO_IDLE_STRATEGY_PROP_NAME = "fanout.io.idle.strategy";
    /** Default: block in select() and be woken by the sequencer. */
    public static final String IO_IDLE_STRATEGY_DEFAULT = "select";

    /** Comment frame sent on a stream idle for this long. */
    public static final String HEARTBEAT_INTERVAL_PROP_NAME = "fanout.heartbeat.interval";
    /** Default heartbeat interval. */
    public static final long HEARTBEAT_INTERVAL_DEFAULT_NS = TimeUnit.SECONDS.toNanos(15);

    /**
     * With ids from an external log (cluster mode): how long a resume from an id this node has not read yet waits
     * for its ingest to get there (the client came from a node that was ahead) before it is told {@code reset}.
     */
    public static final String RESUME_WAIT_PROP_NAME = "fanout.cluster.resume.wait";
    /** Default resume wait. */
    public static final long RESUME_WAIT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    /** Reconnection time hint sent as {@code retry:} at the start of each stream, in milliseconds. */
    public static final String RETRY_HINT_PROP_NAME = "fanout.retry.hint.ms";
    /** Default retry hint. */
    public static final long RETRY_HINT_DEFAULT_MS = 3000;

    /** What happens to a subscriber overtaken by its log: disconnect or skip. */
    public static final String SLOW_CONSUMER_POLICY_PROP_NAME = "fanout.slow.consumer.policy";
    /** Default slow-consumer policy. */
    public static final String SLOW_CONSUMER_POLICY_DEFAULT = "disconnect";

    /**
     * Unsent bytes a subscriber whose socket is full may be owed before the slow-consumer policy acts; 0 leaves it
     * at the log's lag window (half of {@code fanout.log.capacity}).
     */
    public static final String SLOW_CONSUMER_UNSENT_MAX_PROP_NAME = "fanout.slow.consumer.unsent.max";
    /** Default: the log's lag window. */
    public static final int SLOW_CONSUMER_UNSENT_MAX_DEFAULT = 0;

    /** Events per second of each topic a stream gets when it does not ask with {@code maxRate=}; 0 for no cap. */
    public static final String STREAM_MAX_RATE_PROP_NAME = "fanout.stream.max.rate";
    /** Default per-topic rate of a stream. */
    public static final int STREAM_MAX_RATE_DEFAULT = 0;

    /** Highest per-topic rate a stream may ask for (higher requests are lowered to it); 0 for no limit. */
    public static final String STREAM_MAX_RATE_LIMIT_PROP_NAME = "fanout.stream.max.rate.limit";
    /** Default rate limit. */
    public static final int STREAM_MAX_RATE_LIMIT_DEFAULT = 0;

    /**
     * Kernel send buffer (SO_SNDBUF) of an event stream: bounds how much a slow client can have queued unread, so
     * staleness and the slow-consumer decision follow what it actually took; 0 leaves the system's autotuning.
     */
    public static final String STREAM_SEND_BUFFER_PROP_NAME = "fanout.stream.send.buffer";
    /** Default stream send buffer. */
    public static final int STREAM_SEND_BUFFER_DEFAULT = 256 * 1024;

    /**
     * Most bytes the kernel may hold unsent for a conflating stream ({@code TCP_NOTSENT_LOWAT}, through the bundled
     * native library): past it the stream counts as full and conflates, so what a slow client gets next is at most
     * this much (plus what its own receive window holds) behind the newest values; 0 for the send buffer alone.
     */
    public static final String CONFLATE_UNSENT_MAX_PROP_NAME = "fanout.stream.conflate.unsent.max";
    /** Default unsent bound of a conflating stream. */
    public static final int CONFLATE_UNSENT_MAX_DEFAULT = 8 * 1024;

    /** Most bytes offered to one socket write. */
    public static final String WRITE_MAX_LENGTH_PROP_NAME = "fanout.write.max.length";
    /** Default write size limit. */
    public static final int WRITE_MAX_LENGTH_DEFAULT = 256 * 1024;

    /**
     * Longest pause an I/O thread puts between two fan-out passes when it is busy: after a pass that wrote, the next
     * waits as long as that pass took, up to this, so frames that arrive meanwhile go out in the same write. Under
     * load this trades at most the pass's own duration of latency for fewer, larger writes; an idle stream is never
     * delayed. 0 turns it off.
     */
    public static final String PASS_GAP_MAX_PROP_NAME = "fanout.io.pass.gap.max";
    /** Default longest pause between busy passes. */
    public static final long PASS_GAP_MAX_DEFAULT_NS = TimeUnit.MICROSECONDS.toNanos(1000);

    /**
     * How long the {@code fanout} command runs traffic through a throwaway server before the real one takes the port
     * ({@link ServerWarmup}), so a freshly started server's first subscribers do not wait on the JIT; 0 turns it off.
     */
    public static final String WARMUP_PROP_NAME = "fanout.warmup";
    /** Default warm-up: long enough on one CPU for the hot paths to reach the optimising compiler. */
    public static final long WARMUP_DEFAULT_NS = TimeUnit.SECONDS.toNanos(3);

    /**
     * Write frames with {@code send(2)} through the bundled JNI library when it loads (Linux x86-64, and
     * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED}); otherwise, or when false, through NIO.
     */
    public static final String NATIVE_SEND_PROP_NAME = "fanout.io.native.send";
    /** Default: use it when available. */
    public static final boolean NATIVE_SEND_DEFAULT = true;

    /** Longest request line, in bytes (414 beyond). */
    public static final String REQUEST_LINE_MAX_LENGTH_PROP_NAME = "fanout.http.request.line.max.length";
    /** Default request line limit. */
    public static final int REQUEST_LINE_MAX_LENGTH_DEFAULT = 32 * 1024;

    /** Largest request head (request line and headers), in bytes (431 beyond). */
    public static final String HEADER_MAX_LENGTH_PROP_NAME = "fanout.http.header.max.length";
    /** Default head size limit. */
    public static final int HEADER_MAX_LENGTH_DEFAULT = 48 * 1024;

    /** Most header fields in a request (431 beyond). */
    public static final String HEADER_MAX_COUNT_PROP_NAME = "fanout.http.header.max.count";
    /** Default header count limit. */
    public static final int HEADER_MAX_COUNT_DEFAULT = 64;

    /** Comma-separated origins allowed by CORS, or {@code *} for any. */
    public static final String CORS_ALLOWED_ORIGINS_PROP_NAME = "fanout.http.cors.allowed.origins";
    /** Default: any origin. */
    public static final String CORS_ALLOWED_ORIGINS_DEFAULT = "*";

    /** Time allowed to receive a complete request once its first byte arrived (408 beyond). */
    public static final String REQUEST_TIMEOUT_PROP_NAME = "fanout.http.request.timeout";
    /** Default request timeout. */
    public static final long REQUEST_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(10);

    /** Time a keep-alive connection may sit idle between requests before it is closed. */
    public static final String KEEP_ALIVE_TIMEOUT_PROP_NAME = "fanout.http.keep.alive.timeout";
    /** Default keep-alive idle timeout. */
    public static final long KEEP_ALIVE_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(60);

    /** Most topics in one subscription. */
    public static final String TOPICS_PER_SUBSCRIPTION_MAX_PROP_NAME = "fanout.subscription.topics.max";
    /** Default topics per subscription. */
    public static final int TOPICS_PER_SUBSCRIPTION_MAX_DEFAULT = 1024;

    /** Encode frames with HTTP/1.1 chunk framing (true) or for close-delimited bodies (false). */
    public static final String HTTP_CHUNKED_PROP_NAME = "fanout.http.chunked";
    /** Default chunking. */
    public static final boolean HTTP_CHUNKED_DEFAULT = true;

    /** Aliases of {@link #IO_IDLE_STRATEGY_PROP_NAME}. */
    public static final java.util.List<String> IO_IDLE_STRATEGIES =
        java.util.List.of("select", "noop", "spin", "yield", "backoff", "sleep-ns");

    /** Largest body of a batch publish ({@code POST /publish}, NDJSON), in bytes; larger batches get 413. */
    public static final String PUBLISH_BATCH_MAX_LENGTH_PROP_NAME = "fanout.publish.batch.max.length";
    /** Default batch body limit. */
    public static final int PUBLISH_BATCH_MAX_LENGTH_DEFAULT = 1024 * 1024;

    /** Most events in one batch publish; at most the ring size, since a batch enters the ring whole or not at all. */
    public static final String PUBLISH_BATCH_MAX_EVENTS_PROP_NAME = "fanout.publish.batch.max.events";
    /** Default events per batch. */
    public static final int PUBLISH_BATCH_MAX_EVENTS_DEFAULT = 1000;

    /** Longest wait, at shutdown, for the ring to drain and subscribers to receive what is encoded. */
    public static final String SHUTDOWN_TIMEOUT_PROP_NAME = "fanout.shutdown.timeout";
    /** Default shutdown drain timeout. */
    public static final long SHUTDOWN_TIMEOUT_DEFAULT_NS = TimeUnit.SECONDS.toNanos(5);

    /** Most open client connections; past it an EventSource gets 200, a jittered retry: and a close, others 503. */
    public static final String CONNECTIONS_MAX_PROP_NAME = "fanout.connections.max";
    /** Default connection limit, below the usual 20,000 open-file limit. */
    public static final int CONNECTIONS_MAX_DEFAULT = 15_000;

    /** Most open connections from one client address, 0 for no limit (behind a proxy every client shares one). */
    public static final String CONNECTIONS_PER_ADDRESS_MAX_PROP_NAME = "fanout.connections.per.address.max";
    /** Default per-address limit: none. */
    public static final int CONNECTIONS_PER_ADDRESS_MAX_DEFAULT = 0;

    /** Shared secret for HS256 tokens (at least 32 bytes); with no key configured the server is open. */
    public static final String AUTH_HMAC_SECRET_PROP_NAME = "fanout.auth.hmac.secret";

    /** A file holding the HS256 secret (kept out of the command line, where {@code ps} shows it). */
    public static final String AUTH_HMAC_SECRET_FILE_PROP_NAME = "fanout.auth.hmac.secret.file";

    /** Path of a PEM public key (RSA for RS256, EC P-256 for ES256); with no key configured the server is open. */
    public static final String AUTH_PUBLIC_KEY_PROP_NAME = "fanout.auth.public.key";

    /** Clock-skew allowance on a token's exp and nbf; a stream ends when its token's exp plus this has passed. */
    public static final String AUTH_LEEWAY_PROP_NAME = "fanout.auth.leeway";
    /** Default clock-skew allowance. */
    public static final long AUTH_LEEWAY_DEFAULT_NS = TimeUnit.MILLISECONDS.toNanos(JwtAuthenticator.LEEWAY_DEFAULT_MS);

    /** Refuse tokens without {@code exp} (false accepts them for ever: long-lived service tokens only). */
    public static final String AUTH_REQUIRE_EXP_PROP_NAME = "fanout.auth.require.exp";
    /** Default: a token must expire. */
    public static final boolean AUTH_REQUIRE_EXP_DEFAULT = true;

    /** Cookie that may carry the token. */
    public static final String AUTH_COOKIE_NAME_PROP_NAME = "fanout.auth.cookie.name";
    /** Default cookie name. */
    public static final String AUTH_COOKIE_NAME_DEFAULT = "fanout_token";

    /** Print the concluded configuration at start. */
    public static final String PRINT_CONFIGURATION_PROP_NAME = "fanout.print.configuration.on.start";

    private TransportConfiguration()
    {
    }

    /**
     * @return {@link #PORT_PROP_NAME} or its default.
     */
    public static int port()
    {
        return SystemUtil.getSizeAsInt(PORT_PROP_NAME, PORT_DEFAULT);
    }

    /**
     * @return {@link #BIND_ADDRESS_PROP_NAME} or its default.
     */
    public static String bindAddress()
    {
        return System.getProperty(BIND_ADDRESS_PROP_NAME, BIND_ADDRESS_DEFAULT);
    }

    /**
     * @return {@link #IO_THREADS_PROP_NAME} or its default.
     */
    public static int ioThreads()
    {
        return SystemUtil.getSizeAsInt(IO_THREADS_PROP_NAME, IO_THREADS_DEFAULT);
    }

    /**
     * @return {@link #IO_IDLE_STRATEGY_PROP_NAME} or its default.
     */
    public static String ioIdleStrategy()
    {
        return System.getProperty(IO_IDLE_STRATEGY_PROP_NAME, IO_IDLE_STRATEGY_DEFAULT);
    }

    /**
     * @return {@link #RESUME_WAIT_PROP_NAME} or its default, in nanoseconds.
     */
    public static long resumeWaitNs()
    {
        return Durations.propertyNanos(RESUME_WAIT_PROP_NAME, RESUME_WAIT_DEFAULT_NS);
    }

    /**
     * @return {@link #HEARTBEAT_INTERVAL_PROP_NAME} or its default, in nanoseconds.
     */
    public static long heartbeatIntervalNs()
    {
        return Durations.propertyNanos(HEARTBEAT_INTERVAL_PROP_NAME, HEARTBEAT_INTERVAL_DEFAULT_NS);
    }

    /**
     * @return {@link #RETRY_HINT_PROP_NAME} or its default.
     */
    public static long retryHintMs()
    {
        return SystemUtil.getSizeAsLong(RETRY_HINT_PROP_NAME, RETRY_HINT_DEFAULT_MS);
    }

    /**
     * @return {@link #SLOW_CONSUMER_POLICY_PROP_NAME} or its default.
     */
    public static String slowConsumerPolicy()
    {
        return System.getProperty(SLOW_CONSUMER_POLICY_PROP_NAME, SLOW_CONSUMER_POLICY_DEFAULT);
    }

    /**
     * @return {@link #SLOW_CONSUMER_UNSENT_MAX_PROP_NAME} or its default.
     */
    public static int slowConsumerUnsentMax()
    {
        return SystemUtil.getSizeAsInt(SLOW_CONSUMER_UNSENT_MAX_PROP_NAME, SLOW_CONSUMER_UNSENT_MAX_DEFAULT);
    }

    /**
     * @return {@link #NATIVE_SEND_PROP_NAME} or its default.
     */
    public static boolean nativeSend()
    {
        return Boolean.parseBoolean(System.getProperty(NATIVE_SEND_PROP_NAME, Boolean.toString(NATIVE_SEND_DEFAULT)));
    }

    /**
     * @return {@link #PASS_GAP_MAX_PROP_NAME} or its default, in nanoseconds.
     */
    public static long passGapMaxNs()
    {
        return Durations.propertyNanos(PASS_GAP_MAX_PROP_NAME, PASS_GAP_MAX_DEFAULT_NS);
    }

    /**
     * @return {@link #WARMUP_PROP_NAME} or its default, in nanoseconds.
     */
    public static long warmupNs()
    {
        return Durations.propertyNanos(WARMUP_PROP_NAME, WARMUP_DEFAULT_NS);
    }

    /**
     * @return {@link #STREAM_MAX_RATE_PROP_NAME} or its default.
     */
    public static int streamMaxRate()
    {
        return SystemUtil.getSizeAsInt(STREAM_MAX_RATE_PROP_NAME, STREAM_MAX_RATE_DEFAULT);
    }

    /**
     * @return {@link #STREAM_MAX_RATE_LIMIT_PROP_NAME} or its default.
     */
    public static int streamMaxRateLimit()
    {
        return SystemUtil.getSizeAsInt(STREAM_MAX_RATE_LIMIT_PROP_NAME, STREAM_MAX_RATE_LIMIT_DEFAULT);
    }

    /**
     * @return {@link #STREAM_SEND_BUFFER_PROP_NAME} or its default.
     */
    public static int streamSendBuffer()
    {
        return SystemUtil.getSizeAsInt(STREAM_SEND_BUFFER_PROP_NAME, STREAM_SEND_BUFFER_DEFAULT);
    }

    /**
     * @return {@link #CONFLATE_UNSENT_MAX_PROP_NAME} or its default.
     */
    public static int conflateUnsentMax()
    {
        return SystemUtil.getSizeAsInt(CONFLATE_UNSENT_MAX_PROP_NAME, CONFLATE_UNSENT_MAX_DEFAULT);
    }

    /**
     * @return {@link #WRITE_MAX_LENGTH_PROP_NAME} or its default.
     */
    public static int writeMaxLength()
    {
        return SystemUtil.getSizeAsInt(WRITE_MAX_LENGTH_PROP_NAME, WRITE_MAX_LENGTH_DEFAULT);
    }

    /**
     * @return {@link #REQUEST_LINE_MAX_LENGTH_PROP_NAME} or its default.
     */
    public static int requestLineMaxLength()
    {
        return SystemUtil.getSizeAsInt(REQUEST_LINE_MAX_LENGTH_PROP_NAME, REQUEST_LINE_MAX_LENGTH_DEFAULT);
    }

    /**
     * @return {@link #HEADER_MAX_LENGTH_PROP_NAME} or its default.
     */
    public static int headerMaxLength()
    {
        return SystemUtil.getSizeAsInt(HEADER_MAX_LENGTH_PROP_NAME, HEADER_MAX_LENGTH_DEFAULT);
    }

    /**
     * @return {@link #HEADER_MAX_COUNT_PROP_NAME} or its default.
     */
    public static int headerMaxCount()
    {
        return SystemUtil.getSizeAsInt(HEADER_MAX_COUNT_PROP_NAME, HEADER_MAX_COUNT_DEFAULT);
    }

    /**
     * @return {@link #CORS_ALLOWED_ORIGINS_PROP_NAME} or its default.
     */
    public static String corsAllowedOrigins()
    {
        return System.getProperty(CORS_ALLOWED_ORIGINS_PROP_NAME, CORS_ALLOWED_ORIGINS_DEFAULT);
    }

    /**
     * @return {@link #REQUEST_TIMEOUT_PROP_NAME} or its default, in nanoseconds.
     */
    public static long requestTimeoutNs()
    {
        return Durations.propertyNanos(REQUEST_TIMEOUT_PROP_NAME, REQUEST_TIMEOUT_DEFAULT_NS);
    }

    /**
     * @return {@link #KEEP_ALIVE_TIMEOUT_PROP_NAME} or its default, in nanoseconds.
     */
    public static long keepAliveTimeoutNs()
    {
        return Durations.propertyNanos(KEEP_ALIVE_TIMEOUT_PROP_NAME, KEEP_ALIVE_TIMEOUT_DEFAULT_NS);
    }

    /**
     * @return {@link #TOPICS_PER_SUBSCRIPTION_MAX_PROP_NAME} or its default.
     */
    public static int topicsPerSubscriptionMax()
    {
        return SystemUtil.getSizeAsInt(TOPICS_PER_SUBSCRIPTION_MAX_PROP_NAME, TOPICS_PER_SUBSCRIPTION_MAX_DEFAULT);
    }

    /**
     * @return {@link #HTTP_CHUNKED_PROP_NAME} or its default.
     */
    public static boolean httpChunked()
    {
        return Boolean.parseBoolean(System.getProperty(HTTP_CHUNKED_PROP_NAME, String.valueOf(HTTP_CHUNKED_DEFAULT)));
    }

    /**
     * @return {@link #PUBLISH_BATCH_MAX_LENGTH_PROP_NAME} or its default.
     */
    public static int publishBatchMaxLength()
    {
        return SystemUtil.getSizeAsInt(PUBLISH_BATCH_MAX_LENGTH_PROP_NAME, PUBLISH_BATCH_MAX_LENGTH_DEFAULT);
    }

    /**
     * @return {@link #PUBLISH_BATCH_MAX_EVENTS_PROP_NAME} or its default.
     */
    public static int publishBatchMaxEvents()
    {
        return SystemUtil.getSizeAsInt(PUBLISH_BATCH_MAX_EVENTS_PROP_NAME, PUBLISH_BATCH_MAX_EVENTS_DEFAULT);
    }

    /**
     * @return true when {@link #PUBLISH_BATCH_MAX_EVENTS_PROP_NAME} is given (else its default follows a smaller ring).
     */
    public static boolean isPublishBatchMaxEventsSet()
    {
        return null != System.getProperty(PUBLISH_BATCH_MAX_EVENTS_PROP_NAME);
    }

    /**
     * @return {@link #SHUTDOWN_TIMEOUT_PROP_NAME} or its default, in nanoseconds.
     */
    public static long shutdownTimeoutNs()
    {
        return Durations.propertyNanos(SHUTDOWN_TIMEOUT_PROP_NAME, SHUTDOWN_TIMEOUT_DEFAULT_NS);
    }

    /**
     * @return {@link #CONNECTIONS_MAX_PROP_NAME} or its default.
     */
    public static int connectionsMax()
    {
        return SystemUtil.getSizeAsInt(CONNECTIONS_MAX_PROP_NAME, CONNECTIONS_MAX_DEFAULT);
    }

    /**
     * @return {@link #CONNECTIONS_PER_ADDRESS_MAX_PROP_NAME} or its default.
     */
    public static int connectionsPerAddressMax()
    {
        return SystemUtil.getSizeAsInt(CONNECTIONS_PER_ADDRESS_MAX_PROP_NAME, CONNECTIONS_PER_ADDRESS_MAX_DEFAULT);
    }

    /**
     * @return the authenticator the auth properties describe, or null when none is set (open server).
     */
    public static Authenticator authenticator()
    {
        final String secretFile = System.getProperty(AUTH_HMAC_SECRET_FILE_PROP_NAME);
        if (null != secretFile && null != System.getProperty(AUTH_HMAC_SECRET_PROP_NAME))
        {
            throw new IllegalArgumentException(
                "set one of " + AUTH_HMAC_SECRET_PROP_NAME + " and " + AUTH_HMAC_SECRET_FILE_PROP_NAME + ", not both");
        }
        final String secret = null == secretFile ? System.getProperty(AUTH_HMAC_SECRET_PROP_NAME) :
            new String(readSecret(java.nio.file.Paths.get(secretFile)), java.nio.charset.StandardCharsets.UTF_8);
        final String publicKey = System.getProperty(AUTH_PUBLIC_KEY_PROP_NAME);
        if (null != secret && null != publicKey)
        {
            throw new IllegalArgumentException(
                "set one of " + AUTH_HMAC_SECRET_PROP_NAME + " and " + AUTH_PUBLIC_KEY_PROP_NAME + ", not both");
        }
        if (null == secret && null == publicKey)
        {
            return null;
        }
        final JwtAuthenticator authenticator = null != secret ?
            JwtAuthenticator.hmac(secret.getBytes(java.nio.charset.StandardCharsets.UTF_8)) :
            JwtAuthenticator.publicKey(java.nio.file.Paths.get(publicKey));
        return authenticator
            .withLeewayMs(TimeUnit.NANOSECONDS.toMillis(
                Durations.propertyNanos(AUTH_LEEWAY_PROP_NAME, AUTH_LEEWAY_DEFAULT_NS)))
            .withExpRequired(Boolean.parseBoolean(
                System.getProperty(AUTH_REQUIRE_EXP_PROP_NAME, Boolean.toString(AUTH_REQUIRE_EXP_DEFAULT))));
    }

    /**
     * Read a secret file: its bytes without a trailing line break (editors add one).
     *
     * @param file the secret file.
     * @return the secret.
     * @throws IllegalArgumentException when it cannot be read.
     */
    public static byte[] readSecret(final java.nio.file.Path file)
    {
        try
        {
            String secret = java.nio.file.Files.readString(file, java.nio.charset.StandardCharsets.UTF_8);
            while (secret.endsWith("\n") || secret.endsWith("\r"))
            {
                secret = secret.substring(0, secret.length() - 1);
            }
            return secret.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        catch (final java.io.IOException ex)
        {
            throw new IllegalArgumentException("cannot read the secret file " + file + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * @return {@link #AUTH_COOKIE_NAME_PROP_NAME} or its default.
     */
    public static String authCookieName()
    {
        return System.getProperty(AUTH_COOKIE_NAME_PROP_NAME, AUTH_COOKIE_NAME_DEFAULT);
    }

    /**
     * @return whether to print the configuration at start.
     */
    public static boolean printConfigurationOnStart()
    {
        return Boolean.getBoolean(PRINT_CONFIGURATION_PROP_NAME);
    }

    /** Longest block in select() with the select idle strategy, so the agent still runs its timers. */
    private static final long SELECT_TIMEOUT_MS = 50;

    /**
     * The I/O agents' idle strategy for an alias of {@link #IO_IDLE_STRATEGY_PROP_NAME}.
     *
     * @param name  select, noop, spin, yield, backoff or sleep-ns.
     * @param agent the agent it idles (select blocks in the agent's selector).
     * @return a new idle strategy.
     */
    static IdleStrategy idleStrategy(final String name, final IoAgent agent)
    {
        switch (name)
        {
            case "select": return new SelectorIdleStrategy(agent, agent.selector(), SELECT_TIMEOUT_MS);
            case "noop": return new NoOpIdleStrategy();
            case "spin": return new BusySpinIdleStrategy();
            case "yield": return new YieldingIdleStrategy();
            case "backoff": return new BackoffIdleStrategy();
            case "sleep-ns": return new SleepingIdleStrategy();
            default: throw new IllegalArgumentException("unknown " + IO_IDLE_STRATEGY_PROP_NAME + ": " + name);
        }
    }
}
