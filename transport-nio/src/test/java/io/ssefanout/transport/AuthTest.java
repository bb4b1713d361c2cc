package io.ssefanout.transport;

import io.ssefanout.testsupport.SseClient;
import io.ssefanout.testsupport.HttpClient;
import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.JWSSigner;
import com.nimbusds.jose.crypto.ECDSASigner;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.ssefanout.engine.EngineCounterDescriptor;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.ssefanout.transport.ServerFixture.counter;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class AuthTest
{
    private static final String SECRET = "0123456789abcdef0123456789abcdef-test-secret";

    @TempDir
    Path dir;

    private FanoutServer server;

    @AfterEach
    void tearDown()
    {
        if (null != server)
        {
            server.close();
        }
    }

    @Test
    void shouldRefuseMissingMalformedExpiredForgedAndUnsignedTokensAndEnforceTopicRights() throws Exception
    {
        server = ServerFixture.start(dir, ctx -> ctx.authenticator(JwtAuthenticator.hmac(bytes(SECRET))));
        final MACSigner signer = new MACSigner(bytes(SECRET));
        final String good = token(signer, JWSAlgorithm.HS256, List.of("prices.*"), List.of("news"), 60_000);

        assertUnauthorized(get("/sse/prices.eu", null), null);
        assertUnauthorized(get("/sse/prices.eu", "Authorization: Bearer not.a.jwt"), "malformed token");
        assertUnauthorized(get("/sse/prices.eu", "Authorization: Bearer " +
            token(signer, JWSAlgorithm.HS256, List.of("*"), List.of(), -120_000)), "token expired");
        assertUnauthorized(get("/sse/prices.eu", "Authorization: Bearer " + token(
            new MACSigner(bytes(SECRET + "-other")), JWSAlgorithm.HS256, List.of("*"), List.of(), 60_000)),
            "bad signature");
        final String unsigned = new PlainJWT(claims(List.of("*"), List.of("*"), 60_000)).serialize();
        assertUnauthorized(get("/sse/prices.eu", "Authorization: Bearer " + unsigned), "malformed token");
        final SignedJWT forever = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), new JWTClaimsSet.Builder()
            .claim(JwtAuthenticator.CLAIM, Map.of("subscribe", List.of("*"))).build());
        forever.sign(signer);
        assertUnauthorized(get("/sse/prices.eu", "Authorization: Bearer " + forever.serialize()), "token has no exp");
        // the same signature spelled with padding, or with stray bits in its last character: one token, one spelling
        assertUnauthorized(get("/sse/prices.eu", "Authorization: Bearer " + good + "="), "malformed token");
        assertUnauthorized(get("/sse/prices.eu", "Authorization: Bearer " + withStrayBits(good)), "malformed token");
        final com.nimbusds.jose.JWSObject farFuture = new com.nimbusds.jose.JWSObject(new JWSHeader(JWSAlgorithm.HS256),
            new com.nimbusds.jose.Payload("{\"exp\":1e300,\"fanout\":{\"subscribe\":[\"*\"]}}"));
        farFuture.sign(signer);
        final String farFutureAnswer = get("/sse/prices.eu", "Authorization: Bearer " + farFuture.serialize());
        assertThat(HttpClient.status(farFutureAnswer)).isEqualTo(401);
        assertThat(farFutureAnswer).doesNotContain("token expired");
        assertThat(HttpClient.status(HttpClient.exchange(server.port(), "GET /sse/prices.eu HTTP/1.1\r\nHost: x\r\n" +
            "Authorization: Bearer " + good + "\r\nAuthorization: Bearer " + good + "\r\nConnection: close\r\n\r\n")))
            .as("two credentials: which one counts is not guessed").isEqualTo(400);

        assertThat(HttpClient.status(get("/sse/orders", "Authorization: Bearer " + good))).isEqualTo(403);
        assertThat(HttpClient.status(HttpClient.exchange(server.port(),
            "POST /publish/prices.eu HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + good +
            "\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx"))).isEqualTo(403);
        assertThat(counter(server, TransportCounterDescriptor.REJECTS_UNAUTHORIZED)).isEqualTo(9);
        assertThat(counter(server, TransportCounterDescriptor.REJECTS_FORBIDDEN)).isEqualTo(2);

        try (SseClient viaHeader = SseClient.connect(server.port(), "/sse/prices.eu", "Authorization: Bearer " + good);
            SseClient viaQuery = SseClient.connect(server.port(), "/sse/prices.eu?access_token=" + good);
            SseClient viaCookie = SseClient.connect(server.port(), "/sse/prices.eu",
                "Cookie: theme=dark; fanout_token=" + good + "; other=1"))
        {
            assertThat(viaHeader.status).isEqualTo(200);
            assertThat(viaQuery.status).isEqualTo(200);
            assertThat(viaCookie.status).isEqualTo(200);
            publish(server, "prices.eu", "1.0842");
            assertThat(viaHeader.awaitEvents(1, 5000)).isTrue();
            assertThat(viaQuery.awaitEvents(1, 5000)).isTrue();
            assertThat(viaCookie.awaitEvents(1, 5000)).isTrue();
        }

        final String publishTwice = ("POST /publish/news HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + good +
            "\r\nContent-Length: 2\r\n\r\nhi").repeat(2) +
            "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        final String responses = HttpClient.exchange(server.port(), publishTwice);
        assertThat(responses.split("HTTP/1.1 200").length - 1).isEqualTo(3);
    }

    @Test
    void shouldEndAStreamWhenItsTokenExpiresAndRefuseTheSameTokenOnReconnect() throws Exception
    {
        server = ServerFixture.start(dir, ctx -> ctx.authenticator(JwtAuthenticator.hmac(bytes(SECRET)).withLeewayMs(0)));
        final MACSigner signer = new MACSigner(bytes(SECRET));
        final String shortLived = token(signer, JWSAlgorithm.HS256, List.of("prices.*"), List.of(), 2_000);
        final String longLived = token(signer, JWSAlgorithm.HS256, List.of("prices.*"), List.of(), 600_000);
        try (SseClient expiring = SseClient.connect(server.port(), "/sse/prices.eu?access_token=" + shortLived);
            SseClient lasting = SseClient.connect(server.port(), "/sse/prices.eu", "Authorization: Bearer " + longLived))
        {
            publish(server, "prices.eu", "1.0842");
            assertThat(expiring.awaitEvents(1, 5000)).isTrue();

            assertThat(expiring.awaitEof(10_000)).as("stream ended at expiry").isTrue();
            assertThat(expiring.parser.comments()).contains("token expired");
            assertThat(expiring.isChunkedBodyComplete()).isTrue();
            assertThat(counter(server, TransportCounterDescriptor.STREAMS_EXPIRED)).isEqualTo(1);
            assertUnauthorized(get("/sse/prices.eu?access_token=" + shortLived, null), "token expired");

            publish(server, "prices.eu", "1.0843");
            assertThat(lasting.awaitEvents(2, 5000)).as("a stream with a valid token goes on").isTrue();
            assertThat(lasting.events().get(1).data).isEqualTo("1.0843");
        }
    }

    @Test
    void shouldAcceptRs256AndRefuseAlgorithmConfusionWithThePublicKey() throws Exception
    {
        final RSAKey rsa = new RSAKeyGenerator(2048).generate();
        final Path publicKey = pem(rsa.toPublicKey());
        server = ServerFixture.start(dir, ctx -> ctx.authenticator(JwtAuthenticator.publicKey(publicKey)));
        final String good = token(new RSASSASigner(rsa), JWSAlgorithm.RS256, List.of("t"), List.of(), 60_000);
        try (SseClient client = SseClient.connect(server.port(), "/sse/t", "Authorization: Bearer " + good))
        {
            assertThat(client.status).isEqualTo(200);
        }
        final byte[] publicKeyAsSecret = Files.readAllBytes(dir.resolve("public.pem"));
        final String confused = token(new MACSigner(publicKeyAsSecret), JWSAlgorithm.HS256, List.of("*"), List.of(), 60_000);
        assertUnauthorized(get("/sse/t", "Authorization: Bearer " + confused), "algorithm not accepted");
    }

    @Test
    void shouldAcceptEs256WithAnEcPublicKey() throws Exception
    {
        final ECKey ec = new ECKeyGenerator(Curve.P_256).generate();
        final Path publicKey = pem(ec.toPublicKey());
        server = ServerFixture.start(dir, ctx -> ctx.authenticator(JwtAuthenticator.publicKey(publicKey)));
        final String good = token(new ECDSASigner(ec), JWSAlgorithm.ES256, List.of("*"), List.of("*"), 60_000);
        assertThat(HttpClient.status(HttpClient.exchange(server.port(), "POST /publish/any HTTP/1.1\r\nHost: x\r\nAuthorization: " +
            "Bearer " + good + "\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx"))).isEqualTo(200);
    }

    @Test
    void shouldCreateNoTopicForARefusedSubscribeAndAuthorizeEveryTopicOfABatch() throws Exception
    {
        server = ServerFixture.start(dir, ctx -> ctx
            .authenticator(JwtAuthenticator.hmac(bytes(SECRET)))
            .engineContext().topicsMax(8));
        final MACSigner signer = new MACSigner(bytes(SECRET));
        final String good = token(signer, JWSAlgorithm.HS256, List.of("*"), List.of("sym.*"), 60_000);
        for (int i = 0; i < 20; i++)
        {
            final StringBuilder query = new StringBuilder("/sse?topic=attack" + i);
            for (int t = 0; t < 10; t++)
            {
                query.append("&topic=attack").append(i).append('.').append(t);
            }
            assertUnauthorized(get(query.toString(), null), null);
            assertThat(HttpClient.status(get("/sse/attack" + i, "Authorization: Bearer " +
                token(signer, JWSAlgorithm.HS256, List.of("other"), List.of(), 60_000)))).isEqualTo(403);
        }
        assertThat(server.engine().topics().find(new org.agrona.concurrent.UnsafeBuffer(bytes("attack0")), 0, 7)).isNull();

        final String batch = "{\"topic\":\"sym.a\",\"data\":1}\n{\"topic\":\"news\",\"data\":2}\n";
        final String forbidden = HttpClient.exchange(server.port(), "POST /publish HTTP/1.1\r\nHost: x\r\n" +
            "Authorization: Bearer " + good + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " +
            batch.length() + "\r\nConnection: close\r\n\r\n" + batch);
        assertThat(HttpClient.status(forbidden)).isEqualTo(403);
        assertThat(counter(server, EngineCounterDescriptor.EVENTS_PUBLISHED)).isZero();

        final String allowed = batch.replace("news", "sym.b");
        final String published = HttpClient.exchange(server.port(), "POST /publish HTTP/1.1\r\nHost: x\r\n" +
            "Authorization: Bearer " + good + "\r\nContent-Type: application/x-ndjson\r\nContent-Length: " +
            allowed.length() + "\r\nConnection: close\r\n\r\n" + allowed);
        assertThat(HttpClient.status(published)).isEqualTo(200);
        assertThat(HttpClient.body(published).split("\n")).hasSize(2);
    }

    @Test
    void shouldAuthorizeAPatternOnlyWhenTheTokensRightsCoverEveryTopicItCanMatch() throws Exception
    {
        server = ServerFixture.start(dir, ctx -> ctx.authenticator(JwtAuthenticator.hmac(bytes(SECRET))));
        final String fxOnly = "Authorization: Bearer " +
            token(new MACSigner(bytes(SECRET)), JWSAlgorithm.HS256, List.of("fx.*"), List.of(), 60_000);
        assertThat(HttpClient.status(get("/sse?topic=*", fxOnly))).isEqualTo(403);
        assertThat(HttpClient.status(get("/sse?topic=eq.*", fxOnly))).isEqualTo(403);
        assertThat(HttpClient.status(get("/sse?topics=fx.eur,eq.*", fxOnly))).isEqualTo(403);
        assertThat(HttpClient.status(get("/sse/f*", fxOnly))).as("f* also matches fy.x").isEqualTo(403);
        try (SseClient allowed = SseClient.connect(server.port(), "/sse?topics=fx.e*,fx.gbp", fxOnly))
        {
            assertThat(allowed.status).isEqualTo(200);
        }
        assertThat(server.engine().topics().count()).as("patterns create no topic; fx.gbp was created").isEqualTo(1);
    }

    /**
     * The token with its signature's last character changed only in bits beyond the data: the same bytes decoded.
     */
    private static String withStrayBits(final String token)
    {
        final String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        // a 32-byte HS256 signature is 43 characters: the last one's two low bits carry no data
        assertThat((token.length() - token.lastIndexOf('.') - 1) % 4).isEqualTo(3);
        final char last = token.charAt(token.length() - 1);
        return token.substring(0, token.length() - 1) + alphabet.charAt(alphabet.indexOf(last) | 1);
    }

    private String get(final String path, final String header) throws IOException
    {
        return HttpClient.exchange(server.port(), "GET " + path + " HTTP/1.1\r\nHost: x\r\nAccept: text/event-stream\r\n" +
            (null == header ? "" : header + "\r\n") + "Connection: close\r\n\r\n");
    }

    private static void assertUnauthorized(final String response, final String reason)
    {
        assertThat(HttpClient.status(response)).isEqualTo(401);
        assertThat(response).contains("WWW-Authenticate: Bearer realm=\"fanout\"");
        if (null != reason)
        {
            assertThat(response).contains("error=\"invalid_token\"", "error_description=\"" + reason + "\"");
        }
    }

    private static String token(
        final JWSSigner signer,
        final JWSAlgorithm algorithm,
        final List<String> subscribe,
        final List<String> publish,
        final long expiresInMs) throws JOSEException
    {
        final SignedJWT jwt = new SignedJWT(new JWSHeader(algorithm), claims(subscribe, publish, expiresInMs));
        jwt.sign(signer);
        return jwt.serialize();
    }

    private static JWTClaimsSet claims(final List<String> subscribe, final List<String> publish, final long expiresInMs)
    {
        return new JWTClaimsSet.Builder()
            .subject("test")
            .expirationTime(new Date(System.currentTimeMillis() + expiresInMs))
            .claim(JwtAuthenticator.CLAIM, Map.of("subscribe", subscribe, "publish", publish))
            .build();
    }

    private Path pem(final PublicKey key) throws IOException
    {
        final String pem = "-----BEGIN PUBLIC KEY-----\n" +
            Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded()) +
            "\n-----END PUBLIC KEY-----\n";
        return Files.writeString(dir.resolve("public.pem"), pem);
    }

    private static byte[] bytes(final String text)
    {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
