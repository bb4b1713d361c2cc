package io.ssefanout.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A loopback port nothing listens on now, for a child process (a broker, nginx, Prometheus) the test starts.
 */
public final class FreePort
{
    private FreePort()
    {
    }

    public static int next()
    {
        try (ServerSocket socket = new ServerSocket(0))
        {
            return socket.getLocalPort();
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }
}
