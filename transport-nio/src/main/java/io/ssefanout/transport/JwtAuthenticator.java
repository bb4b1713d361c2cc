package io.ssefanout.transport;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSVerifier;
import com.nimbusds.jose.crypto.ECDSAVerifier;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.X509EncodedKeySpec;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * JWT verification with nimbus-jose-jwt: HS256 with a shared secret, or RS256 / ES256 with a public key in PEM.
 * Exactly one algorithm is accepted per configuration, so {@code alg: none} and algorithm confusion (an HMAC token
 * signed with the public key as secret) are refused. {@code exp} and {@code nbf} are checked with 30 s of leeway; a
 * token without {@code exp} is refused unless configured otherwise (a stolen token must not work for ever). Each of
 * the three parts must be canonical base64url without padding, so one token has one spelling (no {@code =}, no
 * stray bits in the last character).
 * <p>
 * Rights come from the claim {@code fanout}: {@code {"subscribe": ["ticks", "news.*"], "publish": ["news.*"]}}
 * (patterns as in {@link TopicRights}).
 */
public final class JwtAuthenticator implements Authenticator
{
    /** Name of the claim holding the rights. */
    public static final String CLAIM = "fanout";
    /** Default clock-skew allowance on exp and nbf. */
    public static final long LEEWAY_DEFAULT_MS = 30_000;

    /** Latest {@code exp} or {@code nbf} taken as a time (year 2286); beyond it the claim is malformed. */
    private static final long TIME_CLAIM_MAX_SECONDS = 9_999_999_999L;

    private final JWSAlgorithm algorithm;
    private final JWSVerifier verifier;
    private final long leewayMs;
    private final boolean isExpRequired;

    private JwtAuthenticator(
        final JWSAlgorithm algorithm, final JWSVerifier verifier, final long leewayMs, final boolean isExpRequired)
    {
        this.algorithm = algorithm;
        this.verifier = verifier;
        this.leewayMs = leewayMs;
        this.isExpRequired = isExpRequired;
    }

    private JwtAuthenticator(final JWSAlgorithm algorithm, final JWSVerifier verifier, final long leewayMs)
    {
        this(algorithm, verifier, leewayMs, true);
    }

    /**
     * @param isExpRequired whether a token without {@code exp} is refused (the default) or accepted for ever.
     * @return an authenticator like this one with that rule.
     */
    public JwtAuthenticator withExpRequired(final boolean isExpRequired)
    {
        return new JwtAuthenticator(algorithm, verifier, leewayMs, isExpRequired);
    }

    /**
     * @param leewayMs clock-skew allowance on exp and nbf, in milliseconds.
     * @return an authenticator like this one with that allowance.
     */
    public JwtAuthenticator withLeewayMs(final long leewayMs)
    {
        if (leewayMs < 0)
        {
            throw new IllegalArgumentException("leeway must not be negative: " + leewayMs);
        }
        return new JwtAuthenticator(algorithm, verifier, leewayMs, isExpRequired);
    }

    /**
     * HS256 with a shared secret.
     *
     * @param secret at least 32 bytes.
     * @return the authenticator.
     */
    public static JwtAuthenticator hmac(final byte[] secret)
    {
        try
        {
            return new JwtAuthenticator(JWSAlgorithm.HS256, new MACVerifier(secret), LEEWAY_DEFAULT_MS);
        }
        catch (final JOSEException ex)
        {
            throw new IllegalArgumentException("HS256 secret must be at least 32 bytes", ex);
        }
    }

    /**
     * RS256 (RSA key) or ES256 (EC P-256 key) with a public key read from a PEM file.
     *
     * @param pemFile the public key.
     * @return the authenticator.
     */
    public static JwtAuthenticator publicKey(final Path pemFile)
    {
        final byte[] der;
        try
        {
            final String pem = Files.readString(pemFile, StandardCharsets.US_ASCII);
            final int begin = pem.indexOf("-----BEGIN PUBLIC KEY-----");
            final int end = pem.indexOf("-----END PUBLIC KEY-----");
            if (begin < 0 || end < begin)
            {
                throw new IllegalArgumentException("no PUBLIC KEY block in " + pemFile);
            }
            der = Base64.getMimeDecoder().decode(pem.substring(begin + 26, end));
        }
        catch (final IOException ex)
        {
            throw new IllegalArgumentException("cannot read public key " + pemFile + ": " + ex.getMessage(), ex);
        }
        try
        {
            final PublicKey key = publicKeyOf(der);
            if (key instanceof RSAPublicKey)
            {
                return new JwtAuthenticator(JWSAlgorithm.RS256, new RSASSAVerifier((RSAPublicKey)key), LEEWAY_DEFAULT_MS);
            }
            final ECPublicKey ecKey = (ECPublicKey)key;
            if (!Curve.P_256.equals(Curve.forECParameterSpec(ecKey.getParams())))
            {
                throw new IllegalArgumentException("EC key in " + pemFile + " is not on P-256 (ES256)");
            }
            return new JwtAuthenticator(JWSAlgorithm.ES256, new ECDSAVerifier(ecKey), LEEWAY_DEFAULT_MS);
        }
        catch (final JOSEException | GeneralSecurityException ex)
        {
            throw new IllegalArgumentException("unsupported public key in " + pemFile + ": " + ex.getMessage(), ex);
        }
    }

    private static PublicKey publicKeyOf(final byte[] der) throws GeneralSecurityException
    {
        try
        {
            return KeyFactory.getInstance("RSA").generatePublic(new X509EncodedKeySpec(der));
        }
        catch (final GeneralSecurityException notRsa)
        {
            return KeyFactory.getInstance("EC").generatePublic(new X509EncodedKeySpec(der));
        }
    }

    @Override
    public TopicRights authenticate(final String token) throws AuthenticationException
    {
        if (!isCanonicalCompactForm(token))
        {
            throw new AuthenticationException("malformed token");
        }
        final SignedJWT jwt;
        final JWTClaimsSet claims;
        try
        {
            jwt = SignedJWT.parse(token);
            claims = jwt.getJWTClaimsSet();
        }
        catch (final ParseException | RuntimeException ex)
        {
            throw new AuthenticationException("malformed token");
        }
        if (!algorithm.equals(jwt.getHeader().getAlgorithm()))
        {
            throw new AuthenticationException("algorithm not accepted");
        }
        try
        {
            if (!jwt.verify(verifier))
            {
                throw new AuthenticationException("bad signature");
            }
        }
        catch (final JOSEException ex)
        {
            throw new AuthenticationException("bad signature");
        }

        if (!isTimeInRange(claims.getClaim("exp")) || !isTimeInRange(claims.getClaim("nbf")))
        {
            throw new AuthenticationException("exp or nbf out of range");
        }
        final long nowMs = System.currentTimeMillis();
        final Date expires = claims.getExpirationTime();
        if (null == expires && isExpRequired)
        {
            throw new AuthenticationException("token has no exp");
        }
        if (null != expires && expires.getTime() + leewayMs < nowMs)
        {
            throw new AuthenticationException("token expired");
        }
        final Date notBefore = claims.getNotBeforeTime();
        if (null != notBefore && notBefore.getTime() - leewayMs > nowMs)
        {
            throw new AuthenticationException("token not yet valid");
        }

        final Object rights = claims.getClaim(CLAIM);
        if (!(rights instanceof Map))
        {
            throw new AuthenticationException("no fanout claim");
        }
        return new TopicRights(
            patterns(((Map<?, ?>)rights).get("subscribe")),
            patterns(((Map<?, ?>)rights).get("publish")),
            null == expires ? Long.MAX_VALUE : expires.getTime() + leewayMs);
    }

    @Override
    public String describe()
    {
        return "JWT " + algorithm.getName() + ", leeway " + leewayMs + " ms" +
            (isExpRequired ? "" : ", tokens without exp accepted");
    }

    /**
     * Three dot-separated parts, each non-empty base64url with no padding whose last character carries no unused
     * bits: the one spelling a decoder and an encoder agree on.
     */
    private static boolean isCanonicalCompactForm(final String token)
    {
        final int firstDot = token.indexOf('.');
        final int secondDot = token.indexOf('.', firstDot + 1);
        if (firstDot <= 0 || secondDot < 0 || token.indexOf('.', secondDot + 1) >= 0)
        {
            return false;
        }
        return isCanonicalBase64Url(token, 0, firstDot) && isCanonicalBase64Url(token, firstDot + 1, secondDot) &&
            isCanonicalBase64Url(token, secondDot + 1, token.length());
    }

    private static boolean isCanonicalBase64Url(final String text, final int start, final int end)
    {
        final int length = end - start;
        if (0 == length || 1 == length % 4)
        {
            return false;
        }
        for (int i = start; i < end; i++)
        {
            final char c = text.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || '-' == c || '_' == c))
            {
                return false;
            }
        }
        // the last character's bits beyond the data must be zero: 4 of them after 2 characters, 2 after 3
        final int last = sextet(text.charAt(end - 1));
        final int remainder = length % 4;
        return 2 == remainder ? 0 == (last & 0xF) : 3 != remainder || 0 == (last & 0x3);
    }

    private static int sextet(final char c)
    {
        if (c >= 'A' && c <= 'Z')
        {
            return c - 'A';
        }
        if (c >= 'a' && c <= 'z')
        {
            return c - 'a' + 26;
        }
        if (c >= '0' && c <= '9')
        {
            return c - '0' + 52;
        }
        return '-' == c ? 62 : 63;
    }

    private static boolean isTimeInRange(final Object claim)
    {
        if (null == claim || claim instanceof Date)
        {
            // absent, or already read as a date by the parser (which accepts only numbers for these claims)
            return null == claim || ((Date)claim).getTime() / 1000 <= TIME_CLAIM_MAX_SECONDS &&
                ((Date)claim).getTime() >= 0;
        }
        return false;
    }

    private static List<String> patterns(final Object value) throws AuthenticationException
    {
        final List<String> patterns = new ArrayList<>();
        if (null == value)
        {
            return patterns;
        }
        if (!(value instanceof List))
        {
            throw new AuthenticationException("fanout claim lists must be arrays of strings");
        }
        for (final Object item : (List<?>)value)
        {
            if (!(item instanceof String))
            {
                throw new AuthenticationException("fanout claim lists must be arrays of strings");
            }
            patterns.add((String)item);
        }
        return patterns;
    }
}
