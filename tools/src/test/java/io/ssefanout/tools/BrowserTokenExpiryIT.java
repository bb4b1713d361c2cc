package io.ssefanout.tools;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.transport.FanoutServer;
import io.ssefanout.transport.JwtAuthenticator;
import io.ssefanout.transport.TransportCounterDescriptor;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The browser helper through a token expiry, in headless Chromium: the server ends the stream when its token
 * expires, the browser's own reconnect carries the expired token and gets 401 (which stops an {@code EventSource} for
 * good), and the helper asks the page for a fresh token and resumes from its last id: no event lost, none twice.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class BrowserTokenExpiryIT
{
    private static final byte[] SECRET = "0123456789abcdef0123456789abcdef-browser".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;

    @Test
    void shouldResumeWithAFreshTokenAfterTheStreamEndedForAnExpiredOne() throws Exception
    {
        assumeTrue(HeadlessChromium.isInstalled(), "Chromium not installed at " + HeadlessChromium.EXECUTABLE);
        final byte[] page;
        try (InputStream in = BrowserTokenExpiryIT.class.getResourceAsStream("/token-page.html"))
        {
            page = in.readAllBytes();
        }
        final FanoutServer.Context ctx = new FanoutServer.Context()
            .port(0)
            .bindAddress("127.0.0.1")
            .indexPage(page)
            .authenticator(JwtAuthenticator.hmac(SECRET).withLeewayMs(0))
            .engineContext(new FanoutEngine.Context().dir(dir));
        try (FanoutServer server = FanoutServer.launch(ctx))
        {
            final HeadlessChromium browser = HeadlessChromium.open(dir, "http://127.0.0.1:" + server.port() + "/");
            try (DevToolsPage devTools = browser.attach(30_000))
            {
                awaitPage(devTools, "String(window.ready === true)", "true"::equals, "the page's module");
                devTools.evaluate("window.nextToken = '" + token(3_000) + "'; window.startStream(); 'started'");
                awaitPage(devTools, "String(window.states.includes('open'))", "true"::equals, "the stream open");

                final List<String> published = new ArrayList<>();
                for (int i = 0; i < 5; i++)
                {
                    published.add(Long.toString(publish(server, "before expiry " + i)));
                }
                awaitPage(devTools, "String(window.received.length)", n -> Integer.parseInt(n) >= 5, "events before expiry");

                // the next token the page will be given is good for a minute; the first one runs out now
                devTools.evaluate("window.nextToken = '" + token(60_000) + "'; 'ok'");
                final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                while (0 == server.engine().counters().get(TransportCounterDescriptor.STREAMS_EXPIRED).get())
                {
                    assertThat(System.nanoTime()).as("the stream ended at its token's expiry").isLessThan(deadlineNs);
                    Thread.onSpinWait();
                }
                for (int i = 0; i < 5; i++)
                {
                    published.add(Long.toString(publish(server, "after expiry " + i)));
                }
                awaitPage(devTools, "String(window.received.length)", n -> Integer.parseInt(n) >= 10,
                    "events published while the page was getting a fresh token");
                final String received = devTools.evaluate("window.received.join(',')");
                assertThat(Arrays.asList(received.split(","))).as("none lost, none twice, in order").isEqualTo(published);
                assertThat(devTools.evaluate("String(window.resets)")).isEqualTo("0");
                assertThat(devTools.evaluate("window.states.join(',')")).contains("retrying");
            }
            finally
            {
                browser.close();
            }
        }
    }

    private static long publish(final FanoutServer server, final String data)
    {
        final byte[] bytes = data.getBytes(StandardCharsets.UTF_8);
        final long id = server.engine().tryPublish(
            server.engine().topic("t"), new UnsafeBuffer(new byte[0]), 0, 0, new UnsafeBuffer(bytes), 0, bytes.length);
        assertThat(id).isPositive();
        return id;
    }

    private static String token(final long expiresInMs) throws Exception
    {
        final SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
            .subject("browser")
            .expirationTime(new Date(System.currentTimeMillis() + expiresInMs))
            .claim(JwtAuthenticator.CLAIM, Map.of("subscribe", List.of("t"), "publish", List.of()))
            .build());
        jwt.sign(new MACSigner(SECRET));
        return jwt.serialize();
    }

    private static void awaitPage(
        final DevToolsPage page, final String expression, final Predicate<String> condition, final String what)
        throws Exception
    {
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        String value = null;
        while (System.nanoTime() < deadlineNs)
        {
            value = page.evaluate(expression);
            if (null != value && condition.test(value))
            {
                return;
            }
            Thread.onSpinWait();
        }
        throw new AssertionError("timed out waiting for " + what + "; last " + expression + " = " + value);
    }
}
