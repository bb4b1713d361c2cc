package io.ssefanout.codec;

import org.agrona.DirectBuffer;

/**
 * Zero-allocation parser for an HTTP/1.1 request head (request line and header fields) held in a {@link DirectBuffer}.
 * <p>
 * {@link #parse(DirectBuffer, int, int)} is called with everything received so far for the current request; it
 * either needs more bytes, fails with a precise status ({@link #errorStatus()} and {@link #errorReason()}), or
 * returns the length of the complete head. The parsed fields are offsets into the caller's buffer and remain valid
 * only while the caller keeps those bytes in place. Limits: request line length (414), total head bytes and header
 * count (431). Bare LF line ends are accepted as RFC 9112 permits; obsolete line folding is refused.
 * <p>
 * One instance per thread: it holds the state of the last parse.
 */
public final class HttpRequestParser
{
    /** {@link #parse} result when the head is not complete yet. */
    public static final int NEED_MORE = 0;
    /** {@link #parse} result when the request is malformed or over a limit. */
    public static final int ERROR = -1;

    private final int maxRequestLineLength;
    private final int maxHeaderBytes;
    private final int maxHeaderCount;

    private HttpMethod method;
    private int targetOffset;
    private int targetLength;
    private int minorVersion;
    private long contentLength;
    private final MessageFraming framing = new MessageFraming();
    private boolean expectsContinue;
    private boolean hasConnectionClose;
    private boolean hasConnectionKeepAlive;
    private int lastEventIdOffset;
    private int lastEventIdLength;
    private int originOffset;
    private int originLength;
    private int requestIdOffset;
    private int requestIdLength;
    private int acceptsEventStream;
    private int authorizationOffset;
    private int authorizationLength;
    private int cookieOffset;
    private int contentTypeOffset;
    private int contentTypeLength;
    private int cookieLength;
    private int headerCount;
    private int errorStatus;
    private String errorReason;

    /**
     * @param maxRequestLineLength longest request line accepted, in bytes, without its line end.
     * @param maxHeaderBytes       longest request head accepted (request line and all header lines), in bytes.
     * @param maxHeaderCount       most header fields accepted.
     */
    public HttpRequestParser(final int maxRequestLineLength, final int maxHeaderBytes, final int maxHeaderCount)
    {
        this.maxRequestLineLength = maxRequestLineLength;
        this.maxHeaderBytes = maxHeaderBytes;
        this.maxHeaderCount = maxHeaderCount;
    }

    /**
     * Parse a request head.
     *
     * @param buffer holding the bytes received so far for this request.
     * @param offset where the request starts.
     * @param length bytes available.
     * @return head length when complete, {@link #NEED_MORE}, or {@link #ERROR}.
     */
    public int parse(final DirectBuffer buffer, final int offset, final int length)
    {
        reset();
        final int end = offset + length;

        final int requestLineEnd = HttpAscii.findLineEnd(buffer, offset, Math.min(end, offset + maxRequestLineLength + 2));
        if (requestLineEnd < 0)
        {
            if (length > maxRequestLineLength + 1)
            {
                return fail(HttpStatus.URI_TOO_LONG, "request line longer than limit");
            }
            return NEED_MORE;
        }
        final int requestLineLength = HttpAscii.lineContentLength(buffer, offset, requestLineEnd);
        if (requestLineLength > maxRequestLineLength)
        {
            return fail(HttpStatus.URI_TOO_LONG, "request line longer than limit");
        }
        if (!parseRequestLine(buffer, offset, offset + requestLineLength))
        {
            return ERROR;
        }

        int lineStart = requestLineEnd + 1;
        final int headLimit = Math.min(end, offset + maxHeaderBytes);
        while (true)
        {
            final int lineEnd = HttpAscii.findLineEnd(buffer, lineStart, headLimit);
            if (lineEnd < 0)
            {
                if (end - offset >= maxHeaderBytes)
                {
                    return fail(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "request head larger than limit");
                }
                return NEED_MORE;
            }
            final int lineLength = HttpAscii.lineContentLength(buffer, lineStart, lineEnd);
            if (0 == lineLength)
            {
                return framing.check(minorVersion, this.contentLength) ? lineEnd + 1 - offset :
                    fail(framing.errorStatus(), framing.errorReason());
            }
            if (++headerCount > maxHeaderCount)
            {
                return fail(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "more header fields than limit");
            }
            if (!parseHeader(buffer, lineStart, lineStart + lineLength))
            {
                return ERROR;
            }
            lineStart = lineEnd + 1;
        }
    }

    /**
     * @return method of the last parsed request.
     */
    public HttpMethod method()
    {
        return method;
    }

    /**
     * @return offset of the request target (path and query).
     */
    public int targetOffset()
    {
        return targetOffset;
    }

    /**
     * @return length of the request target.
     */
    public int targetLength()
    {
        return targetLength;
    }

    /**
     * @return 0 for HTTP/1.0, 1 for HTTP/1.1.
     */
    public int minorVersion()
    {
        return minorVersion;
    }

    /**
     * @return Content-Length, or -1 when absent.
     */
    public long contentLength()
    {
        return contentLength;
    }

    /**
     * @return true when the body is framed by the chunked transfer coding (the only one accepted).
     */
    public boolean isChunked()
    {
        return framing.isChunked();
    }

    /**
     * @return true when the client sent {@code Expect: 100-continue} and waits for an interim answer before its body.
     */
    public boolean expectsContinue()
    {
        return expectsContinue;
    }

    /**
     * @return true when the connection should stay open after the response, by version default and Connection header.
     */
    public boolean isKeepAlive()
    {
        return 1 == minorVersion ? !hasConnectionClose : hasConnectionKeepAlive;
    }

    /**
     * @return offset of the Last-Event-ID value, valid when its length is positive.
     */
    public int lastEventIdOffset()
    {
        return lastEventIdOffset;
    }

    /**
     * @return length of the Last-Event-ID value, -1 when absent.
     */
    public int lastEventIdLength()
    {
        return lastEventIdLength;
    }

    /**
     * @return offset of the Origin value.
     */
    public int originOffset()
    {
        return originOffset;
    }

    /**
     * @return length of the Origin value, -1 when absent.
     */
    public int originLength()
    {
        return originLength;
    }

    /**
     * A copy of the Origin value, for a request answered after the parser has moved on. Control path (allocates).
     *
     * @param request the buffer the request was parsed from.
     * @return the value's bytes, or null when there is none.
     */
    public byte[] originBytes(final DirectBuffer request)
    {
        if (originLength <= 0)
        {
            return null;
        }
        final byte[] origin = new byte[originLength];
        request.getBytes(originOffset, origin);
        return origin;
    }

    /**
     * @return offset of the X-Request-ID value.
     */
    public int requestIdOffset()
    {
        return requestIdOffset;
    }

    /**
     * @return length of the X-Request-ID value, -1 when absent.
     */
    public int requestIdLength()
    {
        return requestIdLength;
    }

    /**
     * @return offset of the Authorization value.
     */
    public int authorizationOffset()
    {
        return authorizationOffset;
    }

    /**
     * @return length of the Authorization value, -1 when absent.
     */
    public int authorizationLength()
    {
        return authorizationLength;
    }

    /**
     * @return offset of the Cookie value.
     */
    public int cookieOffset()
    {
        return cookieOffset;
    }

    /**
     * @return length of the Cookie value, -1 when absent.
     */
    public int cookieLength()
    {
        return cookieLength;
    }

    /**
     * @return offset of the Content-Type value.
     */
    public int contentTypeOffset()
    {
        return contentTypeOffset;
    }

    /**
     * @return length of the Content-Type value, -1 when absent.
     */
    public int contentTypeLength()
    {
        return contentTypeLength;
    }

    /**
     * @param lowerCase media type in lower case, e.g. {@code application/x-ndjson}.
     * @return true when the Content-Type is that media type, with or without parameters.
     */
    public boolean hasContentType(final DirectBuffer buffer, final String lowerCase)
    {
        final int n = lowerCase.length();
        if (contentTypeLength < n || !HttpAscii.equalsIgnoreCase(buffer, contentTypeOffset, n, lowerCase))
        {
            return false;
        }
        if (contentTypeLength == n)
        {
            return true;
        }
        final byte next = buffer.getByte(contentTypeOffset + n);
        return ';' == next || ' ' == next || '\t' == next;
    }

    /**
     * @return true when an Accept header names text/event-stream.
     */
    public boolean acceptsEventStream()
    {
        return acceptsEventStream > 0;
    }

    /**
     * @return number of header fields in the last parsed head.
     */
    public int headerCount()
    {
        return headerCount;
    }

    /**
     * @return status to answer with after {@link #ERROR}.
     */
    public int errorStatus()
    {
        return errorStatus;
    }

    /**
     * @return why the last parse failed; a constant string.
     */
    public String errorReason()
    {
        return errorReason;
    }

    private void reset()
    {
        method = null;
        targetOffset = 0;
        targetLength = 0;
        minorVersion = 1;
        contentLength = -1;
        framing.reset();
        expectsContinue = false;
        hasConnectionClose = false;
        hasConnectionKeepAlive = false;
        lastEventIdOffset = 0;
        lastEventIdLength = -1;
        originOffset = 0;
        originLength = -1;
        requestIdOffset = 0;
        requestIdLength = -1;
        acceptsEventStream = 0;
        authorizationOffset = 0;
        authorizationLength = -1;
        cookieOffset = 0;
        contentTypeOffset = 0;
        contentTypeLength = -1;
        cookieLength = -1;
        headerCount = 0;
        errorStatus = 0;
        errorReason = null;
    }

    private int fail(final int status, final String reason)
    {
        errorStatus = status;
        errorReason = reason;
        return ERROR;
    }

    private boolean parseRequestLine(final DirectBuffer buffer, final int start, final int end)
    {
        int i = start;
        while (i < end && HttpAscii.isTchar(buffer.getByte(i)))
        {
            i++;
        }
        if (i == start || i >= end || ' ' != buffer.getByte(i))
        {
            fail(HttpStatus.BAD_REQUEST, "malformed method in request line");
            return false;
        }
        method = HttpAscii.methodOf(buffer, start, i - start);

        final int targetStart = ++i;
        while (i < end)
        {
            final byte b = buffer.getByte(i);
            if (' ' == b)
            {
                break;
            }
            if (b <= 0x20 || 0x7F == b)
            {
                fail(HttpStatus.BAD_REQUEST, "control character in request target");
                return false;
            }
            i++;
        }
        if (i == targetStart || i >= end)
        {
            fail(HttpStatus.BAD_REQUEST, "malformed request target");
            return false;
        }
        final byte first = buffer.getByte(targetStart);
        if ('/' != first && !(HttpMethod.OPTIONS == method && '*' == first))
        {
            fail(HttpStatus.BAD_REQUEST, "request target is not an origin-form path");
            return false;
        }
        targetOffset = targetStart;
        targetLength = i - targetStart;

        final int versionStart = i + 1;
        if (end - versionStart != 8 ||
            'H' != buffer.getByte(versionStart) ||
            'T' != buffer.getByte(versionStart + 1) ||
            'T' != buffer.getByte(versionStart + 2) ||
            'P' != buffer.getByte(versionStart + 3) ||
            '/' != buffer.getByte(versionStart + 4) ||
            '.' != buffer.getByte(versionStart + 6))
        {
            fail(HttpStatus.BAD_REQUEST, "malformed HTTP version");
            return false;
        }
        final byte major = buffer.getByte(versionStart + 5);
        final byte minor = buffer.getByte(versionStart + 7);
        if ('1' != major || ('0' != minor && '1' != minor))
        {
            if (major >= '0' && major <= '9' && minor >= '0' && minor <= '9')
            {
                fail(HttpStatus.HTTP_VERSION_NOT_SUPPORTED, "only HTTP/1.0 and HTTP/1.1 are supported");
            }
            else
            {
                fail(HttpStatus.BAD_REQUEST, "malformed HTTP version");
            }
            return false;
        }
        minorVersion = minor - '0';
        return true;
    }

    private boolean parseHeader(final DirectBuffer buffer, final int start, final int end)
    {
        final byte first = buffer.getByte(start);
        if (' ' == first || '\t' == first)
        {
            fail(HttpStatus.BAD_REQUEST, "obsolete header line folding");
            return false;
        }
        int i = start;
        while (i < end && HttpAscii.isTchar(buffer.getByte(i)))
        {
            i++;
        }
        if (i == start || i >= end || ':' != buffer.getByte(i))
        {
            fail(HttpStatus.BAD_REQUEST, "malformed header field name");
            return false;
        }
        final int nameLength = i - start;
        int valueStart = i + 1;
        int valueEnd = end;
        while (valueStart < valueEnd && HttpAscii.isWhitespace(buffer.getByte(valueStart)))
        {
            valueStart++;
        }
        while (valueEnd > valueStart && HttpAscii.isWhitespace(buffer.getByte(valueEnd - 1)))
        {
            valueEnd--;
        }
        for (int v = valueStart; v < valueEnd; v++)
        {
            final byte b = buffer.getByte(v);
            if ((b < 0x20 && '\t' != b) || 0x7F == b)
            {
                fail(HttpStatus.BAD_REQUEST, "control character in header value");
                return false;
            }
        }
        final int valueLength = valueEnd - valueStart;

        if (HttpAscii.equalsIgnoreCase(buffer, start, nameLength, "content-length"))
        {
            return onContentLength(buffer, valueStart, valueLength);
        }
        if (HttpAscii.equalsIgnoreCase(buffer, start, nameLength, "transfer-encoding"))
        {
            framing.onTransferEncoding(buffer, valueStart, valueEnd);
        }
        else if (HttpAscii.equalsIgnoreCase(buffer, start, nameLength, "host"))
        {
            framing.onHost();
        }
        else if (HttpAscii.equalsIgnoreCase(buffer, start, nameLength, "expect"))
        {
            expectsContinue = HttpAscii.equalsIgnoreCase(buffer, valueStart, valueLength, "100-continue");
        }
        else if (HttpAscii.equalsIgnoreCase(buffer, start, nameLength, "connection"))
        {
            if (HttpAscii.containsIgnoreCase(buffer, valueStart, valueLength, "close"))
            {
                hasConnectionClose = true;
            }
            if (HttpAscii.containsIgnoreCase(buffer, valueStart, valueLength, "keep-alive"))
            {
                hasConnectionKeepAlive = true;
            }
        }
        else if (HttpAscii.equalsIgnoreCase(buffer, start, nameLength, "last-event-id"))
        {
            lastEventIdOffset = valueStart;
            lastEventIdLength = valueLength;
        }
        else if (HttpAscii.equalsIgnoreCase(buffer, start, nameLength, "origin"))
        {
            originOffset = valueStart;
            originLength = valueLength;
        }
        else if (HttpAscii.equalsIgnoreCase(buffer, start, nameLength, "x-request-id"))
        {
            requestIdOffset = valueStart;
            requestIdLength = valueLength;
        }
        else if (HttpAscii.equalsIgnoreCase(buffer, start, nameLength, "authorization"))
        {
            if (authorizationLength >= 0)
            {
                // one credential per request: which of two would be checked is not for the server to guess
                fail(HttpStatus.BAD_REQUEST, "repeated Authorization header");
                return false;
            }
            authorizationOffset = valueStart;
            authorizationLength = valueLength;
        }
        else if (HttpAscii.equalsIgnoreCase(buffer, start, nameLength, "content-type"))
        {
            contentTypeOffset = valueStart;
            contentTypeLength = valueLength;
        }
        else if (HttpAscii.equalsIgnoreCase(buffer, start, nameLength, "cookie"))
        {
            cookieOffset = valueStart;
            cookieLength = valueLength;
        }
        else if (HttpAscii.equalsIgnoreCase(buffer, start, nameLength, "accept"))
        {
            if (HttpAscii.containsIgnoreCase(buffer, valueStart, valueLength, "text/event-stream"))
            {
                acceptsEventStream++;
            }
        }
        return true;
    }

    private boolean onContentLength(final DirectBuffer buffer, final int offset, final int length)
    {
        if (0 == length || length > 18)
        {
            fail(HttpStatus.BAD_REQUEST, "invalid Content-Length");
            return false;
        }
        long value = 0;
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if (b < '0' || b > '9')
            {
                fail(HttpStatus.BAD_REQUEST, "invalid Content-Length");
                return false;
            }
            value = value * 10 + (b - '0');
        }
        if (contentLength >= 0 && contentLength != value)
        {
            fail(HttpStatus.BAD_REQUEST, "conflicting Content-Length headers");
            return false;
        }
        contentLength = value;
        return true;
    }
}
