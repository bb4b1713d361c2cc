package io.ssefanout.transport;

import java.io.IOException;
import java.io.InputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * Socket writes through {@code send(2)} and {@code sendmsg(2)} (bundled JNI library, Linux x86-64), for the hot path of writing frames from
 * the shared logs. NIO's {@link SocketChannel#write} is {@code write(2)}: the same TCP work behind the VFS layer,
 * plus two locks per call; on a write-per-delivery load that entry is ~5 % of the server's CPU.
 * <p>
 * Available when the library loads and the channel's file descriptor can be read, which needs
 * {@code --add-exports java.base/sun.nio.ch=ALL-UNNAMED} (set in the {@code fanout} jar's manifest); otherwise the
 * agents write through NIO. Control bytes (responses, resets, heartbeats) always go through NIO: only one thread
 * writes to a connection, so the two never interleave.
 */
final class NativeSend
{
    private static final String LIBRARY = "/io/ssefanout/transport/native/linux-x86_64/libfanoutsend.so";
    private static final MethodHandle FD_VAL;
    private static final String UNAVAILABLE_REASON;

    static
    {
        MethodHandle fdVal = null;
        String reason = null;
        try
        {
            if (!"Linux".equals(System.getProperty("os.name")) || !"amd64".equals(System.getProperty("os.arch")))
            {
                throw new UnsupportedOperationException("bundled for Linux x86-64 only");
            }
            final Class<?> selectable = Class.forName("sun.nio.ch.SelChImpl");
            fdVal = MethodHandles.lookup().findVirtual(selectable, "getFDVal", MethodType.methodType(int.class));
            loadLibrary();
        }
        catch (final Throwable ex)
        {
            fdVal = null;
            reason = ex.getClass().getSimpleName() + ": " + ex.getMessage();
        }
        FD_VAL = fdVal;
        UNAVAILABLE_REASON = reason;
    }

    private NativeSend()
    {
    }

    /**
     * @return true if frames can be written with {@link #send(int, long, int)}.
     */
    static boolean isAvailable()
    {
        return null == UNAVAILABLE_REASON;
    }

    /**
     * @return why {@link #isAvailable()} is false, or null.
     */
    static String unavailableReason()
    {
        return UNAVAILABLE_REASON;
    }

    /**
     * @param channel an open socket channel.
     * @return its file descriptor.
     */
    static int fd(final SocketChannel channel)
    {
        try
        {
            return (int)FD_VAL.invoke(channel);
        }
        catch (final Throwable ex)
        {
            throw new IllegalStateException("cannot read the descriptor of " + channel, ex);
        }
    }

    /**
     * Send without blocking. Hot path.
     *
     * @param fd      the socket.
     * @param address address of the first byte, in memory that stays valid during the call (a direct buffer).
     * @param length  bytes to send.
     * @return bytes sent, 0 when the socket's buffer is full.
     * @throws IOException when the connection is broken.
     */
    static int send(final int fd, final long address, final int length) throws IOException
    {
        final int result = send0(fd, address, length);
        if (result < 0)
        {
            throw new IOException("send: errno " + -result);
        }
        return result;
    }

    /**
     * Send several slices of memory in one {@code sendmsg(2)}, without blocking. Hot path.
     *
     * @param fd            the socket.
     * @param iovecsAddress address of {@code count} {@code struct iovec} (address, length: 8 bytes each), in memory
     *                      that stays valid during the call, as the slices do.
     * @param count         slices, at most {@link GatheredWrite#SLICES_MAX}.
     * @return bytes sent, 0 when the socket's buffer is full.
     * @throws IOException when the connection is broken.
     */
    static int sendGathered(final int fd, final long iovecsAddress, final int count) throws IOException
    {
        final int result = sendGathered0(fd, iovecsAddress, count);
        if (result < 0)
        {
            throw new IOException("sendmsg: errno " + -result);
        }
        return result;
    }

    /**
     * Bound the bytes the kernel holds for a socket that it has not sent yet ({@code TCP_NOTSENT_LOWAT}): past it the
     * socket is not writable and a send takes nothing, though the send buffer has room. Control path.
     *
     * @param fd    the socket.
     * @param bytes the bound.
     * @throws IOException when the option cannot be set.
     */
    static void notSentLowWatermark(final int fd, final int bytes) throws IOException
    {
        final int result = notSentLowWatermark0(fd, bytes);
        if (result < 0)
        {
            throw new IOException("setsockopt TCP_NOTSENT_LOWAT: errno " + -result);
        }
    }

    private static native int send0(int fd, long address, int length);

    private static native int notSentLowWatermark0(int fd, int bytes);

    private static native int sendGathered0(int fd, long iovecsAddress, int count);

    private static void loadLibrary() throws IOException
    {
        try (InputStream in = NativeSend.class.getResourceAsStream(LIBRARY))
        {
            if (null == in)
            {
                throw new IOException(LIBRARY + " not bundled");
            }
            final Path file = Files.createTempFile("fanoutsend", ".so");
            try
            {
                Files.copy(in, file, StandardCopyOption.REPLACE_EXISTING);
                System.load(file.toAbsolutePath().toString());
            }
            finally
            {
                // the loaded library stays mapped; the file is not needed any more
                Files.deleteIfExists(file);
            }
        }
    }
}
