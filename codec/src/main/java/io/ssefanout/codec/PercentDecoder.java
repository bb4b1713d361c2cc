package io.ssefanout.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Decodes percent-encoded URI components ({@code %41}, and {@code +} as space in query values) without allocating.
 */
public final class PercentDecoder
{
    /** Result when the input holds an invalid escape. */
    public static final int INVALID = -1;

    private PercentDecoder()
    {
    }

    /**
     * Decode a URI component.
     *
     * @param src         source buffer.
     * @param offset      where the component starts.
     * @param length      component length.
     * @param plusAsSpace decode {@code +} as a space (query strings).
     * @param dst         destination; needs {@code length} bytes of room.
     * @param dstOffset   where to write.
     * @return decoded length, or {@link #INVALID} for a truncated or non-hex escape.
     */
    public static int decode(
        final DirectBuffer src,
        final int offset,
        final int length,
        final boolean plusAsSpace,
        final MutableDirectBuffer dst,
        final int dstOffset)
    {
        int out = dstOffset;
        final int end = offset + length;
        for (int i = offset; i < end; i++)
        {
            final byte b = src.getByte(i);
            if ('%' == b)
            {
                if (i + 2 >= end)
                {
                    return INVALID;
                }
                final int hi = AsciiHex.value(src.getByte(i + 1));
                final int lo = AsciiHex.value(src.getByte(i + 2));
                if (hi < 0 || lo < 0)
                {
                    return INVALID;
                }
                dst.putByte(out++, (byte)((hi << 4) | lo));
                i += 2;
            }
            else if (plusAsSpace && '+' == b)
            {
                dst.putByte(out++, (byte)' ');
            }
            else
            {
                dst.putByte(out++, b);
            }
        }
        return out - dstOffset;
    }
}
