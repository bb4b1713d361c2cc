package io.ssefanout.transport;

import org.agrona.DirectBuffer;

/**
 * Allocation-free matching over the bytes of a request target: path prefixes and query parameters, still
 * percent-encoded as received.
 */
final class RequestTarget
{
    private RequestTarget()
    {
    }

    /**
     * @return true if the {@code length} bytes at {@code offset} start with the ASCII {@code prefix}.
     */
    static boolean startsWith(final DirectBuffer buffer, final int offset, final int length, final String prefix)
    {
        if (length < prefix.length())
        {
            return false;
        }
        for (int i = 0; i < prefix.length(); i++)
        {
            if (buffer.getByte(offset + i) != prefix.charAt(i))
            {
                return false;
            }
        }
        return true;
    }

    /**
     * @return true if the {@code length} bytes at {@code offset} are exactly the ASCII {@code path}.
     */
    static boolean pathEquals(final DirectBuffer buffer, final int offset, final int length, final String path)
    {
        return length == path.length() && startsWith(buffer, offset, length, path);
    }

    /**
     * Find {@code name=} in a query string, starting at relative offset {@code from}.
     *
     * @return absolute offset of the value, or -1.
     */
    static int findQueryParameter(
        final DirectBuffer buffer, final int queryOffset, final int queryLength, final String name, final int from)
    {
        final int end = queryOffset + queryLength;
        int i = queryOffset + from;
        while (i < end)
        {
            int paramEnd = i;
            while (paramEnd < end && '&' != buffer.getByte(paramEnd))
            {
                paramEnd++;
            }
            final int nameLength = name.length();
            if (paramEnd - i > nameLength && '=' == buffer.getByte(i + nameLength) &&
                startsWith(buffer, i, nameLength, name))
            {
                return i + nameLength + 1;
            }
            i = paramEnd + 1;
        }
        return -1;
    }

    /**
     * @return length of the query parameter value at {@code valueOffset}, up to the next {@code &} or the end.
     */
    static int queryValueLength(final DirectBuffer buffer, final int valueOffset, final int queryEnd)
    {
        int i = valueOffset;
        while (i < queryEnd && '&' != buffer.getByte(i))
        {
            i++;
        }
        return i - valueOffset;
    }
}
