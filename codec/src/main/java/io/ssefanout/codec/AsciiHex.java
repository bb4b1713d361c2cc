package io.ssefanout.codec;

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
}
