package io.ssefanout.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Copies the data out of a run of HTTP/1.1 chunks, dropping the framing ({@code hex CRLF data CRLF}), for a
 * client that cannot take chunked encoding (HTTP/1.0): frames are encoded once, chunked, and this is the one
 * copy such a client costs. Stateful across calls, so a run may start or end anywhere inside a chunk. The input is
 * trusted (written by {@link SseFrameEncoder}); allocation-free.
 */
public final class ChunkFramingStripper
{
    private static final int SIZE = 0;
    private static final int SIZE_LF = 1;
    private static final int DATA = 2;
    private static final int DATA_CR = 3;
    private static final int DATA_LF = 4;

    private int state = SIZE;
    private int remaining;

    /**
     * @param src       chunked bytes.
     * @param srcOffset first byte.
     * @param length    bytes to read.
     * @param dst       where the chunk data goes; needs room for {@code length} bytes.
     * @param dstOffset where to start writing.
     * @return bytes of data written.
     */
    public int strip(
        final DirectBuffer src, final int srcOffset, final int length, final MutableDirectBuffer dst, final int dstOffset)
    {
        int read = srcOffset;
        final int end = srcOffset + length;
        int write = dstOffset;
        while (read < end)
        {
            switch (state)
            {
                case SIZE:
                {
                    final byte b = src.getByte(read++);
                    if ('\r' == b)
                    {
                        state = SIZE_LF;
                    }
                    else
                    {
                        remaining = (remaining << 4) | AsciiHex.value(b);
                    }
                    break;
                }
                case SIZE_LF:
                    read++;
                    state = 0 == remaining ? DATA_CR : DATA;
                    break;
                case DATA:
                {
                    final int count = Math.min(remaining, end - read);
                    dst.putBytes(write, src, read, count);
                    write += count;
                    read += count;
                    remaining -= count;
                    if (0 == remaining)
                    {
                        state = DATA_CR;
                    }
                    break;
                }
                case DATA_CR:
                    read++;
                    state = DATA_LF;
                    break;
                case DATA_LF:
                default:
                    read++;
                    state = SIZE;
                    remaining = 0;
                    break;
            }
        }
        return write - dstOffset;
    }
}
