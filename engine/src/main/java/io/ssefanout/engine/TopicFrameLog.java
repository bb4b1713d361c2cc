package io.ssefanout.engine;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;

/**
 * Append-only ring of encoded SSE frames for one topic, in direct memory, plus an index from frame number to the
 * frame's event id, log position and ingest time. Written only by the sequencer; read by any number of consumer
 * threads, each through its own cursor ({@link Subscription}).
 * <p>
 * Positions are 64-bit byte offsets that only grow; a frame at position {@code p} lives at {@code p & (capacity - 1)}.
 * A frame never straddles the end of the buffer: when it does not fit, the writer skips to the next multiple of the
 * capacity, so the frames of one lap are contiguous and a reader can send a run of them with one write.
 * <p>
 * Index entry, 32 bytes, native order:
 * <pre>
 *   0: long eventId | 8: long position | 16: long ingestTimeNs | 24: int frameLength | 28: int reserved
 * </pre>
 * Before it overwrites anything the writer announces the region and frame number it is about to reuse
 * ({@link #reservedPosition()}, {@link #reservedFrameCount()}), so a reader can check after reading that what it
 * read was still intact. The frame count is published with a release store after the entry is complete.
 */
public final class TopicFrameLog implements AutoCloseable
{
    /** Size of one index entry. */
    public static final int INDEX_ENTRY_LENGTH = 32;
    private static final int EVENT_ID_OFFSET = 0;
    private static final int POSITION_OFFSET = 8;
    private static final int INGEST_TIME_OFFSET = 16;
    private static final int FRAME_LENGTH_OFFSET = 24;

    private static final VarHandle PUBLISHED_FRAME_COUNT;
    private static final VarHandle PUBLISHED_POSITION;
    private static final VarHandle RESERVED_POSITION;
    private static final VarHandle RESERVED_FRAME_COUNT;

    static
    {
        try
        {
            final MethodHandles.Lookup lookup = MethodHandles.lookup();
            PUBLISHED_FRAME_COUNT = lookup.findVarHandle(TopicFrameLog.class, "publishedFrameCount", long.class);
            PUBLISHED_POSITION = lookup.findVarHandle(TopicFrameLog.class, "publishedPosition", long.class);
            RESERVED_POSITION = lookup.findVarHandle(TopicFrameLog.class, "reservedPosition", long.class);
            RESERVED_FRAME_COUNT = lookup.findVarHandle(TopicFrameLog.class, "reservedFrameCount", long.class);
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new ExceptionInInitializerError(ex);
        }
    }

    private final int capacity;
    private final int mask;
    private final int indexCapacity;
    private final int indexMask;
    private final int maxLagBytes;
    private final int maxLagFrames;
    private final ByteBuffer dataByteBuffer;
    private final UnsafeBuffer data;
    private final ByteBuffer indexByteBuffer;
    private final UnsafeBuffer index;

    private long tailPosition;
    private long frameCount;
    private long claimedPosition;

    @SuppressWarnings("unused")
    private volatile long publishedFrameCount;
    @SuppressWarnings("unused")
    private volatile long publishedPosition;
    @SuppressWarnings("unused")
    private volatile long reservedPosition;
    @SuppressWarnings("unused")
    private volatile long reservedFrameCount;

    /**
     * Allocate a log. Control path.
     *
     * @param capacity      bytes of frame storage, a power of two.
     * @param indexCapacity frames the index holds, a power of two.
     */
    public TopicFrameLog(final int capacity, final int indexCapacity)
    {
        if (Integer.bitCount(capacity) != 1 || Integer.bitCount(indexCapacity) != 1)
        {
            throw new IllegalArgumentException("capacity and indexCapacity must be powers of two");
        }
        this.capacity = capacity;
        this.mask = capacity - 1;
        this.indexCapacity = indexCapacity;
        this.indexMask = indexCapacity - 1;
        this.maxLagBytes = capacity / 2;
        this.maxLagFrames = indexCapacity / 2;
        this.dataByteBuffer = ByteBuffer.allocateDirect(capacity);
        this.data = new UnsafeBuffer(dataByteBuffer);
        this.indexByteBuffer = ByteBuffer.allocateDirect(indexCapacity * INDEX_ENTRY_LENGTH);
        this.index = new UnsafeBuffer(indexByteBuffer);
    }

    /**
     * @return bytes of frame storage.
     */
    public int capacity()
    {
        return capacity;
    }

    /**
     * Largest frame this log accepts: a quarter of the capacity, so that a lagging reader's window and a frame
     * being written can never meet.
     *
     * @return bytes.
     */
    public int maxFrameLength()
    {
        return capacity / 4;
    }

    /**
     * Bytes a reader may lag behind the tail before it is a slow consumer; also the replay window in bytes.
     *
     * @return half the capacity.
     */
    public int maxLagBytes()
    {
        return maxLagBytes;
    }

    /**
     * Frames a reader may lag behind before it is a slow consumer; also the replay window in frames.
     *
     * @return half the index capacity.
     */
    public int maxLagFrames()
    {
        return maxLagFrames;
    }

    /**
     * The frame bytes. Readers make their own {@link ByteBuffer#duplicate()} of {@link #dataByteBuffer()} to write.
     *
     * @return the frame storage.
     */
    public UnsafeBuffer data()
    {
        return data;
    }

    /**
     * @return the frame storage as a ByteBuffer, for readers to duplicate once.
     */
    public ByteBuffer dataByteBuffer()
    {
        return dataByteBuffer;
    }

    /**
     * Sequencer only: claim room for a frame, announcing the region about to be overwritten.
     *
     * @param frameLength exact frame length, at most {@link #maxFrameLength()}.
     * @return offset in {@link #data()} to encode the frame at.
     */
    public int claim(final int frameLength)
    {
        long position = tailPosition;
        final int offset = (int)(position & mask);
        if (offset + frameLength > capacity)
        {
            position += capacity - offset;
        }
        claimedPosition = position;
        RESERVED_FRAME_COUNT.setRelease(this, frameCount + 1);
        RESERVED_POSITION.setRelease(this, position + frameLength);
        VarHandle.storeStoreFence();
        return (int)(position & mask);
    }

    /**
     * Sequencer only: record the frame just encoded at the claimed offset and publish it.
     *
     * @param eventId      the frame's event id.
     * @param frameLength  bytes encoded.
     * @param ingestTimeNs when the event entered the ring, {@link System#nanoTime()}.
     */
    public void commit(final long eventId, final int frameLength, final long ingestTimeNs)
    {
        final int entry = (int)(frameCount & indexMask) * INDEX_ENTRY_LENGTH;
        index.putLong(entry + EVENT_ID_OFFSET, eventId);
        index.putLong(entry + POSITION_OFFSET, claimedPosition);
        index.putLong(entry + INGEST_TIME_OFFSET, ingestTimeNs);
        index.putInt(entry + FRAME_LENGTH_OFFSET, frameLength);
        tailPosition = claimedPosition + frameLength;
        frameCount++;
        PUBLISHED_POSITION.setRelease(this, tailPosition);
        PUBLISHED_FRAME_COUNT.setRelease(this, frameCount);
    }

    /**
     * @return frames readers may read, acquire load.
     */
    public long publishedFrameCount()
    {
        return (long)PUBLISHED_FRAME_COUNT.getAcquire(this);
    }

    /**
     * @return end position of the last published frame, acquire load.
     */
    public long publishedPosition()
    {
        return (long)PUBLISHED_POSITION.getAcquire(this);
    }

    /**
     * @return end of the region the writer may be overwriting now, acquire load.
     */
    public long reservedPosition()
    {
        return (long)RESERVED_POSITION.getAcquire(this);
    }

    /**
     * @return frame count including a frame being written, acquire load.
     */
    public long reservedFrameCount()
    {
        return (long)RESERVED_FRAME_COUNT.getAcquire(this);
    }

    /**
     * Were bytes from {@code position} and the index entry of {@code frame} still intact when read? Call after the
     * read; a load-load fence keeps the earlier reads before this check.
     *
     * @param position oldest byte position read.
     * @param frame    oldest frame whose entry was read.
     * @return true if the writer had not reached them.
     */
    public boolean isIntact(final long position, final long frame)
    {
        VarHandle.loadLoadFence();
        return reservedPosition() - position <= capacity && reservedFrameCount() - frame <= indexCapacity;
    }

    /**
     * @param frame frame number.
     * @return its event id.
     */
    public long eventId(final long frame)
    {
        return index.getLong(entryOffset(frame) + EVENT_ID_OFFSET);
    }

    /**
     * @param frame frame number.
     * @return its start position.
     */
    public long position(final long frame)
    {
        return index.getLong(entryOffset(frame) + POSITION_OFFSET);
    }

    /**
     * @param frame frame number.
     * @return when its event entered the ring, {@link System#nanoTime()}.
     */
    public long ingestTimeNs(final long frame)
    {
        return index.getLong(entryOffset(frame) + INGEST_TIME_OFFSET);
    }

    /**
     * @param frame frame number.
     * @return its length in bytes.
     */
    public int frameLength(final long frame)
    {
        return index.getInt(entryOffset(frame) + FRAME_LENGTH_OFFSET);
    }

    /**
     * @param position log position.
     * @return offset of that position in {@link #data()}.
     */
    public int offset(final long position)
    {
        return (int)(position & mask);
    }

    /**
     * Oldest frame a new reader may start from: inside both the byte and the frame replay windows.
     * Control path; called by the reader's thread.
     *
     * @param published a {@link #publishedFrameCount()} read by the caller.
     * @return frame number, equal to {@code published} when nothing is retained.
     */
    public long oldestReplayableFrame(final long published)
    {
        final long tail = position(published - 1) + frameLength(published - 1);
        long low = Math.max(0, published - maxLagFrames);
        long high = published - 1;
        while (low < high)
        {
            final long mid = (low + high) >>> 1;
            if (tail - position(mid) > maxLagBytes)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return tail - position(low) > maxLagBytes ? published : low;
    }

    /**
     * First frame in {@code [from, published)} whose event id is greater than {@code eventId}.
     *
     * @param from      first frame to consider.
     * @param published a {@link #publishedFrameCount()} read by the caller.
     * @param eventId   the last id the reader has.
     * @return frame number, {@code published} if none.
     */
    public long firstFrameAfter(final long from, final long published, final long eventId)
    {
        long low = from;
        long high = published;
        while (low < high)
        {
            final long mid = (low + high) >>> 1;
            if (eventId(mid) <= eventId)
            {
                low = mid + 1;
            }
            else
            {
                high = mid;
            }
        }
        return low;
    }

    /**
     * Free the direct memory. Only once no reader can touch the log any more.
     */
    @Override
    public void close()
    {
        BufferUtil.free(dataByteBuffer);
        BufferUtil.free(indexByteBuffer);
    }

    private int entryOffset(final long frame)
    {
        return (int)(frame & indexMask) * INDEX_ENTRY_LENGTH;
    }
}
