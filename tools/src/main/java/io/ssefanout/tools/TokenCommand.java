package io.ssefanout.tools;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.ssefanout.transport.TransportConfiguration;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * {@code fanout token}: mints an HS256 JWT for trials, with the server's rights claim ({@code fanout}: subscribe and
 * publish patterns), from the same secret file the server reads ({@code fanout.auth.hmac.secret.file}).
 */
final class TokenCommand
{
    private TokenCommand()
    {
    }

    static CommandSpec spec()
    {
        final CommandSpec spec = CommandSpec.create().name("token").mixinStandardHelpOptions(true);
        spec.usageMessage().description("Mint a JWT (HS256) for trials, like Centrifugo's gentoken; prints it.");
        spec.addOption(OptionSpec.builder("--secret-file").paramLabel("FILE").type(Path.class).required(true)
            .description("the shared secret (at least 32 bytes; a trailing line break is ignored)").build());
        spec.addOption(OptionSpec.builder("--subscribe").paramLabel("TOPICS").type(String.class)
            .description("topics and patterns it may subscribe to, comma-separated (e.g. sym.*,news)").build());
        spec.addOption(OptionSpec.builder("--publish").paramLabel("TOPICS").type(String.class)
            .description("topics and patterns it may publish to, comma-separated").build());
        spec.addOption(OptionSpec.builder("--ttl").paramLabel("DURATION").type(String.class).defaultValue("1h")
            .description("how long it is valid (default 1h)").build());
        spec.addOption(OptionSpec.builder("--subject").paramLabel("NAME").type(String.class).defaultValue("trial")
            .description("the sub claim (default trial)").build());
        return spec;
    }

    static void run(final ParseResult parsed) throws IOException
    {
        final Path secretFile = parsed.matchedOptionValue("--secret-file", null);
        final byte[] secret = TransportConfiguration.readSecret(secretFile);
        final long ttlSeconds = seconds(parsed.matchedOptionValue("--ttl", "1h"));
        final long nowMs = System.currentTimeMillis();
        final JWTClaimsSet claims = new JWTClaimsSet.Builder()
            .subject(parsed.matchedOptionValue("--subject", "trial"))
            .issueTime(new Date(nowMs))
            .expirationTime(new Date(nowMs + TimeUnit.SECONDS.toMillis(ttlSeconds)))
            .claim("fanout", Map.of(
                "subscribe", list(parsed.matchedOptionValue("--subscribe", "")),
                "publish", list(parsed.matchedOptionValue("--publish", ""))))
            .build();
        try
        {
            final SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
            jwt.sign(new MACSigner(secret));
            System.out.println(jwt.serialize());
        }
        catch (final JOSEException ex)
        {
            throw new FanoutCommandLine.UsageException("--secret-file: " + ex.getMessage());
        }
    }

    /**
     * @return a duration like {@code 90s}, {@code 30m}, {@code 12h}, {@code 7d}, in seconds.
     */
    static long seconds(final String duration)
    {
        final java.util.regex.Matcher matcher = java.util.regex.Pattern.compile("(\\d+)([smhd])").matcher(duration);
        if (!matcher.matches() || 0 == Long.parseLong(matcher.group(1)))
        {
            throw new FanoutCommandLine.UsageException("--ttl: '" + duration + "' is not a duration (e.g. 90s, 30m, 1h, 7d)");
        }
        final long amount = Long.parseLong(matcher.group(1));
        return switch (matcher.group(2))
        {
            case "s" -> amount;
            case "m" -> TimeUnit.MINUTES.toSeconds(amount);
            case "h" -> TimeUnit.HOURS.toSeconds(amount);
            default -> TimeUnit.DAYS.toSeconds(amount);
        };
    }

    private static List<String> list(final String commaSeparated)
    {
        return Arrays.stream(commaSeparated.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }
}
