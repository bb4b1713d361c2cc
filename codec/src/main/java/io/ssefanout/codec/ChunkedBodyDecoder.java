package io.ssefanout.codec;

import org.agrona.MutableDirectBuffer;

/**
 * Incremental, in-place decoder of an HTTP/1.1 chunked request body (RFC 9112 §7.1), allocation-free.
 * <p>
 * The caller keeps the body's bytes in one buffer, starting at a fixed {@code bodyOffset}, and calls
 * {@link #decode} after every read with everything it holds from there. Between calls the region is laid out as
 * <pre>
 *   bodyOffset                       bodyOffset + decodedLength()         bodyOffset + retainedLength()
 *   | decoded chunk data, contiguous  | raw bytes not yet decoded (a partial size line, CRLF or trailer) |
 * </pre>
 * Each call moves newly received chunk data down onto the end of the decoded data (never forward, so the copy is
 * safe within one buffer) and compacts what it could not decode yet behind it, so the caller keeps no more than
 * the decoded body plus one partial line. Positions are relative to {@code bodyOffset}, so the caller may move the
 * whole request between calls.
 * <p>
 * Strict framing: a chunk size is hex digits, optionally followed by chunk extensions (checked for control
 * characters, otherwise ignored), then CRLF; chunk data is followed by CRLF; the zero chunk is followed by trailer
 * fields (read and ignored, bounded by the limits given to {@link #reset}) and an empty line. Bare LF is refused in
 * chunk framing: lenient line ends there are a request-smuggling vector between proxies.
 * <p>
 * One instance per connection that sends chunked bodies; {@link #reset} before each body.
 */
public final class ChunkedBodyDecoder
{
    /** {@link #decode} result while the body is incomplete. */
    public static final int NEED_MORE = 0;
    /** {@link #decode} result when the framing is malformed or over a limit; see {@link #errorStatus()}. */
    public static final int ERROR = -1;

    /** Longest chunk size line accepted, extensions included, without its CRLF. */
    public static final int SIZE_LINE_MAX_LENGTH = 1024;

    private static final int SIZE_LINE = 0;
    private static final int DATA = 1;
    private static final int DATA_END = 2;
    private static final int TRAILER = 3;

    private int bodyMaxLength;
    private int trailerBytesLeft;
    private int trailerFieldsLeft;
    private int state;
    private long chunkRemaining;
    private int decodedLength;
    private int retainedLength;
    private int errorStatus;
    private String errorReason;

    /**
     * Start a new body.
     *
     * @param bodyMaxLength     largest decoded body accepted; a chunk size that would pass it fails with 413.
     * @param trailerMaxLength  bytes the trailer section may take (what the request head left of the header limit).
     * @param trailerMaxCount   trailer fields accepted (what the request head left of the header count limit).
     */
    public void reset(final int bodyMaxLength, final int trailerMaxLength, final int trailerMaxCount)
    {
        this.bodyMaxLength = bodyMaxLength;
        this.trailerBytesLeft = Math.max(0, trailerMaxLength);
        this.trailerFieldsLeft = Math.max(0, trailerMaxCount);
        state = SIZE_LINE;
        chunkRemaining = 0;
        decodedLength = 0;
        retainedLength = 0;
        errorStatus = 0;
        errorReason = null;
    }

    /**
     * Decode what has arrived. Hot path for chunked publishers: no allocation.
     *
     * @param buffer     holding the body bytes; decoded in place.
     * @param bodyOffset where the body starts (right after the request head).
     * @param length     bytes held from {@code bodyOffset}: the previous call's {@link #retainedLength()} plus
     *                   what was read since.
     * @return the raw length of the complete body from {@code bodyOffset} (the request's body ends there, the next
     * request may start), {@link #NEED_MORE}, or {@link #ERROR}.
     */
    public int decode(final MutableDirectBuffer buffer, final int bodyOffset, final int length)
    {
        final int end = bodyOffset + length;
        int read = bodyOffset + decodedLength;
        int write = read;
        while (read < end)
        {
            switch (state)
            {
                case SIZE_LINE:
                {
                    final int lineEnd = findLf(buffer, read, Math.min(end, read + SIZE_LINE_MAX_LENGTH + 2));
                    if (lineEnd < 0)
                    {
                        if (end - read > SIZE_LINE_MAX_LENGTH + 1)
                        {
                            return fail(HttpStatus.BAD_REQUEST, "chunk size line longer than limit");
                        }
                        return needMore(buffer, bodyOffset, write, read, end);
                    }
                    if (!parseSizeLine(buffer, read, lineEnd))
                    {
                        return ERROR;
                    }
                    read = lineEnd + 1;
                    break;
                }
                case DATA:
                {
                    final int count = (int)Math.min(chunkRemaining, end - read);
                    if (write != read)
                    {
                        buffer.putBytes(write, buffer, read, count);
                    }
                    write += count;
                    read += count;
                    decodedLength += count;
                    chunkRemaining -= count;
                    if (0 == chunkRemaining)
                    {
                        state = DATA_END;
                    }
                    break;
                }
                case DATA_END:
                {
                    if (end - read < 2)
                    {
                        if ('\r' != buffer.getByte(read))
                        {
                            return fail(HttpStatus.BAD_REQUEST, "chunk data not followed by CRLF");
                        }
                        return needMore(buffer, bodyOffset, write, read, end);
                    }
                    if ('\r' != buffer.getByte(read) || '\n' != buffer.getByte(read + 1))
                    {
                        return fail(HttpStatus.BAD_REQUEST, "chunk data not followed by CRLF");
                    }
                    read += 2;
                    state = SIZE_LINE;
                    break;
                }
                case TRAILER:
                default:
                {
                    final int lineEnd = findLf(buffer, read, Math.min(end, read + trailerBytesLeft + 2));
                    if (lineEnd < 0)
                    {
                        if (end - read > trailerBytesLeft + 1)
                        {
                            return fail(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "trailer section larger than limit");
                        }
                        return needMore(buffer, bodyOffset, write, read, end);
                    }
                    if (lineEnd == read || '\r' != buffer.getByte(lineEnd - 1))
                    {
                        return fail(HttpStatus.BAD_REQUEST, "bare LF in chunked framing");
                    }
                    final int lineLength = lineEnd - 1 - read;
                    if (0 == lineLength)
                    {
                        retainedLength = 0;
                        return lineEnd + 1 - bodyOffset;
                    }
                    if (lineLength + 2 > trailerBytesLeft)
                    {
                        return fail(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "trailer section larger than limit");
                    }
                    if (--trailerFieldsLeft < 0)
                    {
                        return fail(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "more trailer fields than limit");
                    }
                    if (!isFieldLine(buffer, read, read + lineLength))
                    {
                        return fail(HttpStatus.BAD_REQUEST, "malformed trailer field");
                    }
                    trailerBytesLeft -= lineLength + 2;
                    read = lineEnd + 1;
                    break;
                }
            }
        }
        return needMore(buffer, bodyOffset, write, read, end);
    }

    /**
     * @return bytes of chunk data decoded so far; on completion, the body length.
     */
    public int decodedLength()
    {
        return decodedLength;
    }

    /**
     * @return bytes the caller must keep from {@code bodyOffset} after {@link #NEED_MORE}.
     */
    public int retainedLength()
    {
        return retainedLength;
    }

    /**
     * @return status to answer with after {@link #ERROR}: 400, 413 or 431.
     */
    public int errorStatus()
    {
        return errorStatus;
    }

    /**
     * @return why decoding failed; a constant string.
     */
    public String errorReason()
    {
        return errorReason;
    }

    private int needMore(
        final MutableDirectBuffer buffer, final int bodyOffset, final int write, final int read, final int end)
    {
        final int pending = end - read;
        if (pending > 0 && write != read)
        {
            buffer.putBytes(write, buffer, read, pending);
        }
        retainedLength = write - bodyOffset + pending;
        return NEED_MORE;
    }

    private boolean parseSizeLine(final MutableDirectBuffer buffer, final int start, final int lfIndex)
    {
        if (lfIndex == start || '\r' != buffer.getByte(lfIndex - 1))
        {
            fail(HttpStatus.BAD_REQUEST, "bare LF in chunked framing");
            return false;
        }
        final int lineEnd = lfIndex - 1;
        long size = 0;
        int i = start;
        while (i < lineEnd)
        {
            final int digit = AsciiHex.value(buffer.getByte(i));
            if (digit < 0)
            {
                break;
            }
            if (size > (Integer.MAX_VALUE >> 4))
            {
                fail(HttpStatus.BAD_REQUEST, "chunk size overflows");
                return false;
            }
            size = (size << 4) | digit;
            i++;
        }
        if (i == start)
        {
            fail(HttpStatus.BAD_REQUEST, "chunk size is not hexadecimal");
            return false;
        }
        while (i < lineEnd && (' ' == buffer.getByte(i) || '\t' == buffer.getByte(i)))
        {
            i++;
        }
        if (i < lineEnd)
        {
            if (';' != buffer.getByte(i))
            {
                fail(HttpStatus.BAD_REQUEST, "chunk size is not hexadecimal");
                return false;
            }
            for (; i < lineEnd; i++)
            {
                final byte b = buffer.getByte(i);
                if ((b < 0x20 && '\t' != b) || 0x7F == b)
                {
                    fail(HttpStatus.BAD_REQUEST, "control character in chunk extension");
                    return false;
                }
            }
        }

        if (0 == size)
        {
            state = TRAILER;
            return true;
        }
        if (decodedLength + size > bodyMaxLength)
        {
            fail(HttpStatus.PAYLOAD_TOO_LARGE, "chunked body larger than limit");
            return false;
        }
        chunkRemaining = size;
        state = DATA;
        return true;
    }

    private int fail(final int status, final String reason)
    {
        errorStatus = status;
        errorReason = reason;
        return ERROR;
    }

    private static boolean isFieldLine(final MutableDirectBuffer buffer, final int start, final int end)
    {
        int i = start;
        while (i < end && HttpAscii.isTchar(buffer.getByte(i)))
        {
            i++;
        }
        if (i == start || i >= end || ':' != buffer.getByte(i))
        {
            return false;
        }
        for (i++; i < end; i++)
        {
            final byte b = buffer.getByte(i);
            if ((b < 0x20 && '\t' != b) || 0x7F == b)
            {
                return false;
            }
        }
        return true;
    }

    private static int findLf(final MutableDirectBuffer buffer, final int start, final int limit)
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
}
