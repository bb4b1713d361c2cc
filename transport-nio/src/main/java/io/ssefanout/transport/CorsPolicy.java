package io.ssefanout.transport;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

import java.nio.charset.StandardCharsets;

/**
 * Which origins may read responses from a browser: {@code *} for any, or a comma-separated list of exact origins,
 * echoed back with {@code Vary: Origin} when the request's Origin matches one.
 */
final class CorsPolicy
{
    private final boolean isAnyOrigin;
    private final byte[][] allowedOrigins;

    CorsPolicy(final String allowedOrigins)
    {
        final String trimmed = allowedOrigins.trim();
        this.isAnyOrigin = "*".equals(trimmed);
        if (isAnyOrigin || trimmed.isEmpty())
        {
            this.allowedOrigins = new byte[0][];
        }
        else
        {
            final String[] parts = trimmed.split(",");
            this.allowedOrigins = new byte[parts.length][];
            for (int i = 0; i < parts.length; i++)
            {
                this.allowedOrigins[i] = parts[i].trim().getBytes(StandardCharsets.US_ASCII);
            }
        }
    }

    /**
     * Write the CORS headers for a request with the given Origin (length -1 when absent).
     *
     * @return index after the headers.
     */
    int putHeaders(
        final MutableDirectBuffer dst,
        final int index,
        final DirectBuffer request,
        final int originOffset,
        final int originLength)
    {
        int i = index;
        if (isAnyOrigin)
        {
            i += dst.putStringWithoutLengthAscii(i, "Access-Control-Allow-Origin: *\r\n");
        }
        else if (originLength > 0 && isAllowed(request, originOffset, originLength))
        {
            i += dst.putStringWithoutLengthAscii(i, "Access-Control-Allow-Origin: ");
            dst.putBytes(i, request, originOffset, originLength);
            i += originLength;
            i += dst.putStringWithoutLengthAscii(i, "\r\nVary: Origin\r\n");
        }
        return i;
    }

    private boolean isAllowed(final DirectBuffer request, final int offset, final int length)
    {
        for (final byte[] origin : allowedOrigins)
        {
            if (origin.length == length)
            {
                boolean equal = true;
                for (int i = 0; i < length && equal; i++)
                {
                    equal = origin[i] == request.getByte(offset + i);
                }
                if (equal)
                {
                    return true;
                }
            }
        }
        return false;
    }
}
