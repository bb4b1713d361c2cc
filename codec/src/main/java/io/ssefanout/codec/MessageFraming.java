package io.ssefanout.codec;

import org.agrona.DirectBuffer;

/**
 * How a request's body is framed and whether its head may be trusted: the Host rule and the transfer codings, read as
 * the header fields go by and checked once the head is complete (RFC 9112 §3.2, §6.1, §6.3). Part of
 * {@link HttpRequestParser}'s state for one request.
 */
final class MessageFraming
{
    private boolean isChunked;
    private int transferCodingCount;
    private boolean isFinalCodingChunked;
    private int hostCount;
    private int errorStatus;
    private String errorReason;

    void reset()
    {
        isChunked = false;
        transferCodingCount = 0;
        isFinalCodingChunked = false;
        hostCount = 0;
        errorStatus = 0;
        errorReason = null;
    }

    void onHost()
    {
        hostCount++;
    }

    /**
     * @return true once {@link #check} accepted a body framed by the chunked coding.
     */
    boolean isChunked()
    {
        return isChunked;
    }

    int errorStatus()
    {
        return errorStatus;
    }

    String errorReason()
    {
        return errorReason;
    }

    /**
     * Transfer codings may be listed in one field or several; only the last one matters for framing.
     */
    void onTransferEncoding(final DirectBuffer buffer, final int start, final int end)
    {
        int i = start;
        while (i <= end)
        {
            int tokenEnd = i;
            while (tokenEnd < end && ',' != buffer.getByte(tokenEnd))
            {
                tokenEnd++;
            }
            int tokenStart = i;
            int trimmedEnd = tokenEnd;
            while (tokenStart < trimmedEnd && HttpAscii.isWhitespace(buffer.getByte(tokenStart)))
            {
                tokenStart++;
            }
            while (trimmedEnd > tokenStart && HttpAscii.isWhitespace(buffer.getByte(trimmedEnd - 1)))
            {
                trimmedEnd--;
            }
            if (trimmedEnd > tokenStart)
            {
                transferCodingCount++;
                isFinalCodingChunked = HttpAscii.equalsIgnoreCase(buffer, tokenStart, trimmedEnd - tokenStart, "chunked");
            }
            i = tokenEnd + 1;
        }
        if (start == end)
        {
            transferCodingCount++;
            isFinalCodingChunked = false;
        }
    }

    /**
     * Body framing and Host rules checked once the whole head is known (RFC 9112 §3.2, §6.1, §6.3).
     */
    boolean check(final int minorVersion, final long contentLength)
    {
        if (1 == minorVersion && 1 != hostCount)
        {
            return fail(HttpStatus.BAD_REQUEST, 0 == hostCount ? "Host header missing" : "more than one Host header");
        }
        if (hostCount > 1)
        {
            return fail(HttpStatus.BAD_REQUEST, "more than one Host header");
        }
        if (0 == transferCodingCount)
        {
            return true;
        }
        if (contentLength >= 0)
        {
            return fail(HttpStatus.BAD_REQUEST, "both Content-Length and Transfer-Encoding");
        }
        if (0 == minorVersion)
        {
            return fail(HttpStatus.BAD_REQUEST, "Transfer-Encoding in an HTTP/1.0 request");
        }
        if (1 != transferCodingCount || !isFinalCodingChunked)
        {
            return fail(HttpStatus.NOT_IMPLEMENTED, "only the chunked transfer coding is supported");
        }
        isChunked = true;
        return true;
    }

    private boolean fail(final int status, final String reason)
    {
        errorStatus = status;
        errorReason = reason;
        return false;
    }
}
