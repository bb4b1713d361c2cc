package io.ssefanout.codec;

import org.agrona.DirectBuffer;

/**
 * Hexadecimal digits in ASCII bytes.
 */
final class AsciiHex
{
    private AsciiHex()
    {
    }

    /**
     * @param b an ASCII byte.
     * @return its value as a hex digit (either case), or -1 when it is not one.
     */
    static int value(final byte b)
    {
        if (b >= '0' && b <= '9')
        {
            return b - '0';
        }
        if (b >= 'a' && b <= 'f')
        {
            return b - 'a' + 10;
        }
        if (b >= 'A' && b <= 'F')
        {
            return b - 'A' + 10;
        }
        return -1;
    }

    /**
     * @param buffer holding the digits.
     * @param index  of the first of four hex digits.
     * @param limit  end of the bytes that may be read.
     * @return the value of the four digits, or -1 when they are not four hex digits before the limit.
     */
    static int value4(final DirectBuffer buffer, final int index, final int limit)
    {
        if (index + 4 > limit)
        {
            return -1;
        }
        int value = 0;
        for (int i = 0; i < 4; i++)
        {
            final int digit = value(buffer.getByte(index + i));
            if (digit < 0)
            {
                return -1;
            }
            value = (value << 4) | digit;
        }
        return value;
    }
}
