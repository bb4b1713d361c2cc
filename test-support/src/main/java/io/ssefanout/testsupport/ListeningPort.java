package io.ssefanout.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The port a {@code fanout} server process says it listens on ("listening on HOST:PORT"), read from its output.
 */
public final class ListeningPort
{
    private static final Pattern LISTENING = Pattern.compile("listening on .*:(\\d+)");

    private ListeningPort()
    {
    }

    /**
     * Read the process's output until it says where it listens; the rest of its output is drained meanwhile, so the
     * process never blocks on a full pipe.
     *
     * @return the port.
     * @throws IOException when the process ends its output without listening.
     */
    public static int await(final Process process) throws IOException
    {
        final BufferedReader reader = new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        String line;
        while (null != (line = reader.readLine()))
        {
            final Matcher matcher = LISTENING.matcher(line);
            if (matcher.find())
            {
                final Thread drain = new Thread(() -> drain(reader), "drain-stdout");
                drain.setDaemon(true);
                drain.start();
                return Integer.parseInt(matcher.group(1));
            }
        }
        throw new IOException("the server exited before listening");
    }

    private static void drain(final BufferedReader reader)
    {
        try
        {
            while (null != reader.readLine())
            {
                Thread.onSpinWait();
            }
        }
        catch (final IOException ignore)
        {
            // the process ended and its stream closed
        }
    }
}
