package io.ssefanout.transport;

import io.ssefanout.engine.LogSegment;
import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;

/**
 * Slices of frame bytes from several logs, written to one socket in one syscall: {@code sendmsg(2)} over an iovec
 * array kept off-heap ({@link NativeSend}), or NIO's gathering write over views of the segments. The frames are
 * encoded once in their logs; nothing is copied unless the socket takes less than the whole, and then only the
 * remainder, which waits in the connection's pending bytes. A slice that continues the previous one in the same
 * segment extends it. One per I/O agent; hot path: allocation-free once each segment's views exist.
 */
final class GatheredWrite
{
    /** Most slices per write: well under the kernel's {@code IOV_MAX} (1024). */
    static final int SLICES_MAX = 64;
    private static final int IOVEC_LENGTH = 16;
    private static final int IOVEC_LENGTH_OFFSET = 8;

    private final int maxLength;
    private final UnsafeBuffer iovecs;
    private final long iovecsAddress;
    private final LogSegment[] segments = new LogSegment[SLICES_MAX];
    private final int[] offsets = new int[SLICES_MAX];
    private final int[] lengths = new int[SLICES_MAX];
    private final ByteBuffer[] sliceViews = new ByteBuffer[SLICES_MAX];
    /** NIO's views of each segment's memory, by segment id then by occurrence within one write. */
    private ByteBuffer[][] segmentViews = new ByteBuffer[64][];
    private int count;
    private int length;

    /**
     * @param maxLength most bytes per write.
     */
    GatheredWrite(final int maxLength)
    {
        this.maxLength = maxLength;
        final ByteBuffer memory = BufferUtil.allocateDirectAligned(SLICES_MAX * IOVEC_LENGTH, 64)
            .order(ByteOrder.nativeOrder());
        iovecs = new UnsafeBuffer(memory);
        iovecsAddress = iovecs.addressOffset();
    }

    /**
     * @return bytes that may still be added: 0 once full.
     */
    int remainingLength()
    {
        return SLICES_MAX == count ? 0 : maxLength - length;
    }

    /**
     * @return bytes added since the last {@link #clear()}.
     */
    int length()
    {
        return length;
    }

    /**
     * @return slices in this write.
     */
    int sliceCount()
    {
        return count;
    }

    void clear()
    {
        Arrays.fill(segments, 0, count, null);
        count = 0;
        length = 0;
    }

    /**
     * Add a slice; it stays intact while the caller's reclamation epoch lasts, which covers the write.
     *
     * @param segment holds the bytes.
     * @param offset  of the first byte in the segment.
     * @param length  bytes, at most {@link #remainingLength()}.
     */
    void add(final LogSegment segment, final int offset, final int length)
    {
        final int last = count - 1;
        if (last >= 0 && segments[last] == segment && offsets[last] + lengths[last] == offset)
        {
            lengths[last] += length;
        }
        else
        {
            segments[count] = segment;
            offsets[count] = offset;
            lengths[count] = length;
            count++;
        }
        this.length += length;
    }

    /**
     * Write every slice, in order, in one syscall without blocking.
     *
     * @return bytes the socket took.
     * @throws IOException when the connection is broken.
     */
    int writeTo(final Connection connection) throws IOException
    {
        if (connection.fd >= 0)
        {
            if (1 == count)
            {
                return NativeSend.send(connection.fd, segments[0].address() + offsets[0], lengths[0]);
            }
            for (int i = 0; i < count; i++)
            {
                final int at = i * IOVEC_LENGTH;
                iovecs.putLong(at, segments[i].address() + offsets[i]);
                iovecs.putLong(at + IOVEC_LENGTH_OFFSET, lengths[i]);
            }
            return NativeSend.sendGathered(connection.fd, iovecsAddress, count);
        }
        for (int i = 0; i < count; i++)
        {
            final ByteBuffer view = segmentView(segments[i], occurrence(i));
            view.limit(offsets[i] + lengths[i]).position(offsets[i]);
            sliceViews[i] = view;
        }
        return (int)connection.channel.write(sliceViews, 0, count);
    }

    /**
     * The socket took {@code written} bytes of {@link #length()}: queue the rest, copied, behind anything pending on
     * the connection (the segments may be reused once the epoch ends).
     */
    void appendUnsent(final Connection connection, final int written)
    {
        int skip = written;
        for (int i = 0; i < count; i++)
        {
            if (skip >= lengths[i])
            {
                skip -= lengths[i];
                continue;
            }
            final ByteBuffer view = segmentView(segments[i], 0);
            view.limit(offsets[i] + lengths[i]).position(offsets[i] + skip);
            connection.appendPendingOut(view);
            skip = 0;
        }
    }

    /**
     * How many earlier slices of this write share slice {@code index}'s segment: each needs its own view for NIO.
     */
    private int occurrence(final int index)
    {
        final LogSegment segment = segments[index];
        int occurrence = 0;
        for (int i = 0; i < index; i++)
        {
            if (segments[i] == segment)
            {
                occurrence++;
            }
        }
        return occurrence;
    }

    private ByteBuffer segmentView(final LogSegment segment, final int occurrence)
    {
        final int id = segment.id();
        if (id < 0)
        {
            // a topic's newest frame kept after its history was evicted: rare enough for a view of its own
            return segment.byteBuffer().duplicate();
        }
        if (id >= segmentViews.length)
        {
            segmentViews = Arrays.copyOf(segmentViews, Math.max(id + 1, segmentViews.length * 2));
        }
        ByteBuffer[] views = segmentViews[id];
        if (null == views || occurrence >= views.length)
        {
            views = null == views ? new ByteBuffer[1] : Arrays.copyOf(views, Math.max(occurrence + 1, views.length * 2));
            segmentViews[id] = views;
        }
        ByteBuffer view = views[occurrence];
        if (null == view)
        {
            view = segment.byteBuffer().duplicate();
            views[occurrence] = view;
        }
        return view;
    }
}
