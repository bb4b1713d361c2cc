package io.ssefanout.codec;

import org.agrona.DirectBuffer;

/**
 * The ASCII rules of HTTP/1.1 messages (RFC 9110, RFC 9112) over bytes in a {@link DirectBuffer}: token characters,
 * line ends, case-insensitive names, methods. Allocation-free.
 */
public final class HttpAscii
{
    private static final boolean[] TCHAR = new boolean[128];

    static
    {
        for (int c = '0'; c <= '9'; c++)
        {
            TCHAR[c] = true;
        }
        for (int c = 'a'; c <= 'z'; c++)
        {
            TCHAR[c] = true;
            TCHAR[c - 32] = true;
        }
        for (final char c : "!#$%&'*+-.^_`|~".toCharArray())
        {
            TCHAR[c] = true;
        }
    }

    private HttpAscii()
    {
    }

    static HttpMethod methodOf(final DirectBuffer buffer, final int offset, final int length)
    {
        switch (length)
        {
            case 3:
                if (equals(buffer, offset, length, "GET"))
                {
                    return HttpMethod.GET;
                }
                if (equals(buffer, offset, length, "PUT"))
                {
                    return HttpMethod.PUT;
                }
                break;
            case 4:
                if (equals(buffer, offset, length, "POST"))
                {
                    return HttpMethod.POST;
                }
                if (equals(buffer, offset, length, "HEAD"))
                {
                    return HttpMethod.HEAD;
                }
                break;
            case 5:
                if (equals(buffer, offset, length, "PATCH"))
                {
                    return HttpMethod.PATCH;
                }
                break;
            case 6:
                if (equals(buffer, offset, length, "DELETE"))
                {
                    return HttpMethod.DELETE;
                }
                break;
            case 7:
                if (equals(buffer, offset, length, "OPTIONS"))
                {
                    return HttpMethod.OPTIONS;
                }
                break;
            default:
                break;
        }
        return HttpMethod.OTHER;
    }

    /**
     * Index of the LF ending the line that starts at {@code start}, or -1 if none before {@code limit}.
     */
    static int findLineEnd(final DirectBuffer buffer, final int start, final int limit)
    {
        for (int i = start; i < limit; i++)
        {
            if ('\n' == buffer.getByte(i))
            {
                return i;
            }
        }
        return -1;
    }

    static int lineContentLength(final DirectBuffer buffer, final int start, final int lfIndex)
    {
        return (lfIndex > start && '\r' == buffer.getByte(lfIndex - 1)) ? lfIndex - 1 - start : lfIndex - start;
    }

    static boolean isTchar(final byte b)
    {
        return b > 0 && TCHAR[b];
    }

    static boolean isWhitespace(final byte b)
    {
        return ' ' == b || '\t' == b;
    }

    static boolean equals(final DirectBuffer buffer, final int offset, final int length, final String value)
    {
        if (length != value.length())
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (buffer.getByte(offset + i) != value.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Case-insensitive ASCII comparison against a lower-case constant.
     *
     * @param buffer holding the bytes.
     * @param offset of the bytes.
     * @param length of the bytes.
     * @param lowerCase constant to compare with, in lower case.
     * @return true if equal ignoring ASCII case.
     */
    public static boolean equalsIgnoreCase(
        final DirectBuffer buffer, final int offset, final int length, final String lowerCase)
    {
        if (length != lowerCase.length())
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            if (toLower(buffer.getByte(offset + i)) != lowerCase.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    static boolean containsIgnoreCase(
        final DirectBuffer buffer, final int offset, final int length, final String lowerCase)
    {
        final int n = lowerCase.length();
        for (int i = 0; i + n <= length; i++)
        {
            if (equalsIgnoreCase(buffer, offset + i, n, lowerCase))
            {
                return true;
            }
        }
        return false;
    }

    static int toLower(final byte b)
    {
        return (b >= 'A' && b <= 'Z') ? b + 32 : b;
    }
}
