package io.ssefanout.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An engine's hold on its {@code fanout.dir}: two processes on one directory would overwrite each other's id
 * reservations, so the second is refused at start, naming the directory and the holder's pid. The OS releases the
 * lock when the process dies, however it dies.
 */
final class DirectoryLock implements AutoCloseable
{
    private static final String FILE_NAME = "fanout.lock";

    private final FileChannel channel;
    private final FileLock lock;

    private DirectoryLock(final FileChannel channel, final FileLock lock)
    {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * @throws ConfigurationException when another engine holds the directory.
     */
    static DirectoryLock acquire(final Path dir)
    {
        final Path file = dir.resolve(FILE_NAME);
        FileChannel channel = null;
        try
        {
            Files.createDirectories(dir);
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock;
            try
            {
                lock = channel.tryLock();
            }
            catch (final OverlappingFileLockException ex)
            {
                lock = null;
            }
            if (null == lock)
            {
                final String holder = Files.readString(file, StandardCharsets.US_ASCII).trim();
                channel.close();
                throw new ConfigurationException(EngineConfiguration.DIR_PROP_NAME, dir,
                    "is in use by another fanout process" + (holder.isEmpty() ? "" : " (pid " + holder + ")") +
                    "; give each instance its own");
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap(Long.toString(ProcessHandle.current().pid()).getBytes(StandardCharsets.US_ASCII)));
            return new DirectoryLock(channel, lock);
        }
        catch (final IOException ex)
        {
            if (null != channel)
            {
                try
                {
                    channel.close();
                }
                catch (final IOException ignore)
                {
                    // the first failure says it
                }
            }
            throw new ConfigurationException(EngineConfiguration.DIR_PROP_NAME, dir, "cannot be locked: " + ex.getMessage());
        }
    }

    @Override
    public void close()
    {
        try
        {
            lock.release();
            channel.close();
        }
        catch (final IOException ignore)
        {
            // closing the channel releases the lock anyway
        }
    }
}
