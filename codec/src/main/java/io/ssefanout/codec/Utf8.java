package io.ssefanout.codec;

import org.agrona.DirectBuffer;

/**
 * Strict UTF-8 validation (RFC 3629): no overlong forms, no surrogates, nothing above U+10FFFF. Allocation-free.
 */
public final class Utf8
{
    private Utf8()
    {
    }

    /**
     * @param buffer holding the bytes.
     * @param offset of the first byte.
     * @param length bytes to check.
     * @return true when the bytes are well-formed UTF-8.
     */
    public static boolean isValid(final DirectBuffer buffer, final int offset, final int length)
    {
        final int end = offset + length;
        int i = offset;
        while (i < end)
        {
            final int b = buffer.getByte(i) & 0xFF;
            if (b < 0x80)
            {
                i++;
                continue;
            }
            final int continuationCount;
            int min;
            int max = 0xBF;
            if (b >= 0xC2 && b <= 0xDF)
            {
                continuationCount = 1;
                min = 0x80;
            }
            else if (b >= 0xE0 && b <= 0xEF)
            {
                continuationCount = 2;
                min = 0xE0 == b ? 0xA0 : 0x80;
                max = 0xED == b ? 0x9F : 0xBF;
            }
            else if (b >= 0xF0 && b <= 0xF4)
            {
                continuationCount = 3;
                min = 0xF0 == b ? 0x90 : 0x80;
                max = 0xF4 == b ? 0x8F : 0xBF;
            }
            else
            {
                return false;
            }
            if (i + continuationCount >= end)
            {
                return false;
            }
            for (int k = 1; k <= continuationCount; k++)
            {
                final int c = buffer.getByte(i + k) & 0xFF;
                if (c < min || c > max)
                {
                    return false;
                }
                min = 0x80;
                max = 0xBF;
            }
            i += continuationCount + 1;
        }
        return true;
    }
}
