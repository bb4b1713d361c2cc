package io.ssefanout.transport;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version and git commit the build wrote into {@code build-info.properties} ({@code unknown} when it could not).
 */
public final class BuildInfo
{
    private static final Properties PROPERTIES = load();

    private BuildInfo()
    {
    }

    /**
     * @return the project version.
     */
    public static String version()
    {
        return PROPERTIES.getProperty("version", "unknown");
    }

    /**
     * @return the short git commit the build was made from.
     */
    public static String commit()
    {
        return PROPERTIES.getProperty("commit", "unknown").trim();
    }

    private static Properties load()
    {
        final Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build-info.properties"))
        {
            if (null != in)
            {
                properties.load(in);
            }
        }
        catch (final IOException ignore)
        {
            // unknown
        }
        return properties;
    }
}
