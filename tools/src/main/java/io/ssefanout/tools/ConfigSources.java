package io.ssefanout.tools;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * Where the server's settings come from, lowest precedence first: properties files ({@code --config FILE}, in the
 * order given), environment variables ({@code FANOUT_HTTP_REQUEST_TIMEOUT} is {@code fanout.http.request.timeout};
 * {@code FANOUT_JVM_OPTS}, {@code FANOUT_OPTS} and {@code FANOUT_HOME} belong to the launch scripts), system
 * properties ({@code -Dfanout.port=...}), then command-line options. Every {@code fanout.*} key from any of them must
 * be a known setting, else start-up fails naming the closest one; every value is checked by its kind. One exception:
 * the variables Kubernetes injects for a Service named {@code fanout} ({@code FANOUT_PORT=tcp://...},
 * {@code FANOUT_SERVICE_HOST}, {@code FANOUT_PORT_8080_TCP_PORT}, ...) are recognised and ignored with one warning
 * line. The winners become system properties, which the configuration classes read; {@link #describe()} says which
 * source each came from.
 */
final class ConfigSources
{
    private static final String ENV_PREFIX = "FANOUT_";
    /** The launch scripts' own variables, not settings. */
    private static final Set<String> SCRIPT_ENV = Set.of("FANOUT_JVM_OPTS", "FANOUT_OPTS", "FANOUT_HOME");
    /** Kubernetes service links of a Service named {@code fanout} (docker links have the same shape). */
    private static final Pattern SERVICE_LINK_NAME = Pattern.compile(
        "FANOUT_(SERVICE_HOST|SERVICE_PORT(_[A-Z0-9_]+)?|PORT_[0-9]+_(TCP|UDP|SCTP)(_PROTO|_PORT|_ADDR)?)");
    private static final Pattern SERVICE_LINK_VALUE = Pattern.compile("(tcp|udp|sctp)://.*");

    private final Map<String, ServerSettings.Setting> known = new LinkedHashMap<>();
    private final Map<String, String> sources = new LinkedHashMap<>();
    private final List<String> warnings = new ArrayList<>();

    ConfigSources()
    {
        for (final ServerSettings.Setting setting : ServerSettings.all())
        {
            known.put(setting.property(), setting);
        }
    }

    /**
     * Read and check files, environment and system properties, and set the winners as system properties.
     *
     * @throws FanoutCommandLine.UsageException naming the source, the key and the problem.
     */
    void load(final List<Path> files, final Map<String, String> environment)
    {
        final Map<String, String[]> candidates = new LinkedHashMap<>();
        for (final Path file : files)
        {
            final Properties properties = new Properties();
            try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8))
            {
                properties.load(reader);
            }
            catch (final IOException ex)
            {
                throw new FanoutCommandLine.UsageException("--config " + file + ": cannot be read: " + ex.getMessage());
            }
            for (final String key : properties.stringPropertyNames())
            {
                candidates.put(key, new String[]{ properties.getProperty(key).trim(), "file " + file });
            }
        }
        final List<String> serviceLinks = new ArrayList<>();
        for (final Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet())
        {
            final String name = variable.getKey();
            if (!name.startsWith(ENV_PREFIX) || SCRIPT_ENV.contains(name))
            {
                continue;
            }
            final String key = "fanout." + name.substring(ENV_PREFIX.length()).toLowerCase().replace('_', '.');
            if (SERVICE_LINK_NAME.matcher(name).matches() || SERVICE_LINK_VALUE.matcher(variable.getValue()).matches())
            {
                serviceLinks.add(name);
            }
            else
            {
                // an unknown one fails in check(), naming the closest setting: most likely a typo
                candidates.put(key, new String[]{ variable.getValue(), "env " + name });
            }
        }
        if (!serviceLinks.isEmpty())
        {
            warnings.add("warning: ignored " + serviceLinks.size() + " service-link variable(s) such as Kubernetes " +
                "sets for a Service named fanout (" + String.join(", ", serviceLinks) + ")");
        }
        for (final String key : System.getProperties().stringPropertyNames())
        {
            if (key.startsWith("fanout."))
            {
                candidates.put(key, new String[]{ System.getProperty(key), "system property" });
            }
        }
        for (final Map.Entry<String, String[]> candidate : candidates.entrySet())
        {
            final String key = candidate.getKey();
            final String value = candidate.getValue()[0];
            final String source = candidate.getValue()[1];
            check(key, value, source);
            System.setProperty(key, value);
            sources.put(key, source);
        }
    }

    /**
     * @return what loading ignored and the operator should know, one line each.
     */
    List<String> warnings()
    {
        return warnings;
    }

    /**
     * A command-line option set {@code key} (already checked by the parser).
     */
    void onFlag(final String key)
    {
        sources.put(key, "flag");
    }

    /**
     * The command derived {@code key} itself (no source gave it).
     */
    void onDerived(final String key, final String how)
    {
        sources.put(key, how);
    }

    /**
     * @return every setting, its effective value and where it came from; secrets masked.
     */
    String describe()
    {
        final StringBuilder out = new StringBuilder();
        for (final ServerSettings.Setting setting : known.values())
        {
            final String key = setting.property();
            final String source = sources.get(key);
            final String value = null == source ? setting.defaultValue() : System.getProperty(key);
            if (null == value)
            {
                // a setting with no default (a key file, the Kafka servers) is listed too: unset is its value
                out.append(key).append(" = (not set)   (default)\n");
                continue;
            }
            out.append(key).append(" = ").append(key.contains("secret") && null != source ? "****" : value)
                .append("   (").append(null == source ? "default" : source).append(")\n");
        }
        return out.toString();
    }

    private void check(final String key, final String value, final String source)
    {
        final ServerSettings.Setting setting = known.get(key);
        if (null == setting)
        {
            final List<String> names = new ArrayList<>(known.keySet());
            final String closest = FanoutCommandLine.closest(key, names);
            throw new FanoutCommandLine.UsageException(source + ": unknown setting " + key +
                (null == closest ? "" : "; did you mean " + closest + "?"));
        }
        final String problem = setting.check(value);
        if (null != problem)
        {
            throw new FanoutCommandLine.UsageException(source + ": " + key + "='" + value + "' is " + problem);
        }
    }
}
