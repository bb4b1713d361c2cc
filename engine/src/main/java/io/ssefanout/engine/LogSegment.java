package io.ssefanout.engine;

import org.agrona.BufferUtil;
import org.agrona.concurrent.UnsafeBuffer;

import java.nio.ByteBuffer;

/**
 * One fixed-size block of direct memory from the {@link LogSegmentPool}, holding a stretch of one topic's frame log.
 * Readers write from it straight to sockets ({@link #address()}) or through their own duplicate of
 * {@link #byteBuffer()}; while a reader is inside its {@link LogReader} epoch, a segment it found in a topic's log is
 * never handed to another topic.
 * <p>
 * The bookkeeping fields (owner, place in the pool's lists) belong to the sequencer thread.
 */
public final class LogSegment
{
    private final int id;
    private final ByteBuffer byteBuffer;
    private final UnsafeBuffer buffer;
    private final long address;

    TopicFrameLog owner;
    long logicalIndex;
    LogSegment olderInUse;
    LogSegment newerInUse;
    LogSegment nextInList;
    long retiredEpoch;
    boolean isOvercommit;
    /** Not one of the pool's segments: a copy of one frame, freed (not reused) once no reader can see it. */
    boolean isLoose;
    private boolean isFreed;

    LogSegment(final int id, final int length)
    {
        this.id = id;
        this.byteBuffer = ByteBuffer.allocateDirect(length);
        this.buffer = new UnsafeBuffer(byteBuffer);
        this.address = BufferUtil.address(byteBuffer);
    }

    /**
     * @return a dense number from 0, so that a reader can keep per-segment state in an array; -1 for a loose copy.
     */
    public int id()
    {
        return id;
    }

    /**
     * @return the segment's bytes.
     */
    public UnsafeBuffer buffer()
    {
        return buffer;
    }

    /**
     * @return the segment's memory; readers duplicate it once and move only position and limit.
     */
    public ByteBuffer byteBuffer()
    {
        return byteBuffer;
    }

    /**
     * @return address of the first byte, for native writes.
     */
    public long address()
    {
        return address;
    }

    void free()
    {
        if (isFreed)
        {
            return;
        }
        isFreed = true;
        BufferUtil.free(byteBuffer);
    }
}
