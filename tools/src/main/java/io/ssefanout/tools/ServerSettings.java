package io.ssefanout.tools;

import io.ssefanout.cluster.KafkaClusterConfiguration;
import io.ssefanout.engine.Durations;
import io.ssefanout.engine.EngineConfiguration;
import io.ssefanout.transport.TransportConfiguration;
import org.agrona.SystemUtil;

import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;

/**
 * The server's settings as the command line offers them, read from the configuration classes themselves (each
 * {@code *_PROP_NAME} constant and its {@code *_DEFAULT}), so {@code fanout server --help} and the server never
 * drift apart. {@code --port 9090} is {@code fanout.port=9090}; a value is checked by the kind its default has
 * (a duration, a size, a number, a boolean) before anything starts.
 */
final class ServerSettings
{
    /** The kinds a value is checked as. */
    enum Kind
    {
        DURATION, SIZE, NUMBER, BOOLEAN, TEXT
    }

    /**
     * One setting.
     *
     * @param property     the system property.
     * @param kind         how a value is checked.
     * @param defaultValue as shown in the help, or null when there is none.
     */
    record Setting(String property, Kind kind, String defaultValue)
    {
        /**
         * @return the command-line option: the property without its {@code fanout.} prefix.
         */
        String option()
        {
            return "--" + property.substring("fanout.".length());
        }

        /**
         * @return null if {@code value} is acceptable, else why not.
         */
        String check(final String value)
        {
            try
            {
                switch (kind)
                {
                    case DURATION -> Durations.parseNanos(property, value);
                    case SIZE -> SystemUtil.parseSize(property, value);
                    case NUMBER -> Long.parseLong(value);
                    case BOOLEAN ->
                    {
                        if (!"true".equals(value) && !"false".equals(value))
                        {
                            return "must be true or false";
                        }
                    }
                    default ->
                    {
                    }
                }
                return null;
            }
            catch (final RuntimeException ex)
            {
                return switch (kind)
                {
                    case DURATION -> "not a duration: want " + Durations.FORMS;
                    case SIZE -> "not a size (e.g. 4096, 64k, 128m)";
                    default -> "not a number";
                };
            }
        }
    }

    private ServerSettings()
    {
    }

    /**
     * @return every server setting: transport, engine, cluster mode, and the demo feed's.
     */
    static List<Setting> all()
    {
        final List<Setting> settings = new ArrayList<>();
        for (final Class<?> configuration : new Class<?>[]{
            TransportConfiguration.class, EngineConfiguration.class, KafkaClusterConfiguration.class })
        {
            settings.addAll(of(configuration));
        }
        settings.add(new Setting("fanout.demo.topic.prefix", Kind.TEXT, "sym"));
        settings.add(new Setting("fanout.demo.symbols", Kind.NUMBER, "50"));
        settings.add(new Setting("fanout.demo.rate", Kind.NUMBER, "20"));
        settings.add(new Setting("fanout.demo.feed", Kind.BOOLEAN, "true"));
        return settings;
    }

    /**
     * @return a properties file with every setting commented out at its default: the distribution's
     *         {@code conf/fanout.properties} ({@code deploy/fanout.properties}).
     */
    static String template()
    {
        final StringBuilder out = new StringBuilder(
            "# SSE Fanout settings: uncomment and change what you need (fanout server --config this-file).\n" +
            "# Environment variables (FANOUT_PORT=9090), -D system properties and command-line options override\n" +
            "# this file, in that order. `fanout server --help` and README.md describe each setting.\n");
        for (final Setting setting : all())
        {
            if (EngineConfiguration.DIR_PROP_NAME.equals(setting.property()))
            {
                out.append('\n').append("# default: ").append(EngineConfiguration.DIR_DEFAULT_DESCRIPTION);
            }
            out.append('\n').append("#").append(setting.property()).append('=')
                .append(null == setting.defaultValue() ? "" : setting.defaultValue()).append('\n');
        }
        return out.toString();
    }

    private static List<Setting> of(final Class<?> configuration)
    {
        final List<Setting> settings = new ArrayList<>();
        for (final Field field : configuration.getFields())
        {
            final String name = field.getName();
            if (!Modifier.isStatic(field.getModifiers()) || !name.endsWith("_PROP_NAME"))
            {
                continue;
            }
            final String prefix = name.substring(0, name.length() - "_PROP_NAME".length());
            final String property = (String)read(field);
            Kind kind = Kind.TEXT;
            String shown = null;
            for (final String suffix : new String[]{ "_DEFAULT_NS", "_DEFAULT_MS", "_DEFAULT" })
            {
                final Field defaultField = field(configuration, prefix + suffix);
                if (null != defaultField)
                {
                    final Object value = read(defaultField);
                    kind = kindOf(suffix, value);
                    shown = "_DEFAULT_NS".equals(suffix) ? Durations.format((Long)value) : String.valueOf(value);
                    break;
                }
            }
            settings.add(new Setting(property, kind, shown));
        }
        return settings;
    }

    private static Kind kindOf(final String suffix, final Object value)
    {
        if ("_DEFAULT_NS".equals(suffix))
        {
            return Kind.DURATION;
        }
        if ("_DEFAULT_MS".equals(suffix))
        {
            return Kind.NUMBER;
        }
        if (value instanceof Boolean)
        {
            return Kind.BOOLEAN;
        }
        return value instanceof Number ? Kind.SIZE : Kind.TEXT;
    }

    private static Field field(final Class<?> type, final String name)
    {
        try
        {
            return type.getField(name);
        }
        catch (final NoSuchFieldException ex)
        {
            return null;
        }
    }

    private static Object read(final Field field)
    {
        try
        {
            return field.get(null);
        }
        catch (final IllegalAccessException ex)
        {
            throw new IllegalStateException(ex);
        }
    }
}
