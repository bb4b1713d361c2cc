package io.ssefanout.tools;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.HttpURLConnection;
import java.net.URL;
import java.nio.charset.StandardCharsets;

/**
 * Reads one sample from a Prometheus text endpoint: for a server's own counters, where {@code /proc} cannot see
 * what they count ({@code send(2)} bypasses the VFS accounting behind {@code /proc/PID/io}'s {@code syscw}).
 */
final class PrometheusScrape
{
    private PrometheusScrape()
    {
    }

    /**
     * @param metricsUrl the endpoint, e.g. {@code http://127.0.0.1:8080/metrics}.
     * @param name       the sample's name, without labels.
     * @return its value, or -1 when the endpoint or the sample cannot be read.
     */
    static long sample(final String metricsUrl, final String name)
    {
        final String prefix = name + " ";
        try
        {
            final HttpURLConnection connection = (HttpURLConnection)new URL(metricsUrl).openConnection();
            connection.setConnectTimeout(2000);
            connection.setReadTimeout(2000);
            try (BufferedReader reader = new BufferedReader(
                new InputStreamReader(connection.getInputStream(), StandardCharsets.US_ASCII)))
            {
                String line;
                while (null != (line = reader.readLine()))
                {
                    if (line.startsWith(prefix))
                    {
                        return (long)Double.parseDouble(line.substring(prefix.length()).trim());
                    }
                }
            }
            finally
            {
                connection.disconnect();
            }
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
        return -1;
    }
}
