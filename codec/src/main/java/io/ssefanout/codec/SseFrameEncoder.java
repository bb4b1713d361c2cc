package io.ssefanout.codec;

import org.agrona.DirectBuffer;
import org.agrona.MutableDirectBuffer;

/**
 * Encodes text/event-stream frames, optionally inside an HTTP/1.1 chunk, straight into a {@link MutableDirectBuffer}.
 * <p>
 * Frame layout (chunked form; without chunking the {@code hex CRLF} prefix and the trailing {@code CRLF} are absent):
 * <pre>
 *   hex(bodyLength) CRLF
 *   id: 1234 LF
 *   event: NAME LF            (only when an event type is given)
 *   data: line1 LF            (one line per CR, LF or CRLF separated line of the payload)
 *   data: line2 LF
 *   LF
 *   CRLF
 * </pre>
 * Every method is stateless and allocation-free, so it may be used from any thread on its own buffers.
 * The payload is never inspected beyond its line breaks: any byte sequence round-trips through a WHATWG
 * event-stream parser as the same text, since line breaks become {@code data:} line boundaries and the one space
 * after {@code data:} is the one the parser strips.
 */
public final class SseFrameEncoder
{
    /** Longest event type name accepted, in bytes. */
    public static final int MAX_EVENT_TYPE_LENGTH = 128;

    /** Bytes the chunk framing adds around a body at most: 8 hex digits, CRLF, and the trailing CRLF. */
    public static final int MAX_CHUNK_OVERHEAD = 8 + 2 + 2;

    private static final byte CR = '\r';
    private static final byte LF = '\n';
    private static final byte[] ID_PREFIX = { 'i', 'd', ':', ' ' };
    private static final byte[] EVENT_PREFIX = { 'e', 'v', 'e', 'n', 't', ':', ' ' };
    private static final byte[] DATA_PREFIX = { 'd', 'a', 't', 'a', ':', ' ' };
    private static final byte[] RETRY_PREFIX = { 'r', 'e', 't', 'r', 'y', ':', ' ' };
    private static final byte[] HEX_DIGITS = "0123456789abcdef".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private SseFrameEncoder()
    {
    }

    /**
     * Is this a valid event type: non-empty is not required, but no CR, LF or NUL and at most
     * {@link #MAX_EVENT_TYPE_LENGTH} bytes, so that a name can never end the line it sits on.
     *
     * @param buffer holding the name.
     * @param offset of the name.
     * @param length of the name in bytes.
     * @return true if the name is safe to put on an {@code event:} line.
     */
    public static boolean isValidEventType(final DirectBuffer buffer, final int offset, final int length)
    {
        if (length > MAX_EVENT_TYPE_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if (CR == b || LF == b || 0 == b)
            {
                return false;
            }
        }
        return true;
    }

    /**
     * Length of the event-stream body of one event, without chunk framing.
     *
     * @param eventId         id written on the {@code id:} line.
     * @param eventTypeLength length of the event type name, 0 for none.
     * @param data            payload buffer.
     * @param dataOffset      payload offset.
     * @param dataLength      payload length in bytes.
     * @return bytes {@link #encodeEvent} writes when not chunked.
     */
    public static int eventBodyLength(
        final long eventId,
        final int eventTypeLength,
        final DirectBuffer data,
        final int dataOffset,
        final int dataLength)
    {
        int lineCount = 1;
        int breakBytes = 0;
        final int end = dataOffset + dataLength;
        int i = dataOffset;
        while ((i = indexOfLineBreak(data, i, end)) >= 0)
        {
            lineCount++;
            breakBytes++;
            if (CR == data.getByte(i) && i + 1 < end && LF == data.getByte(i + 1))
            {
                breakBytes++;
                i++;
            }
            i++;
        }

        int length = ID_PREFIX.length + digitCount(eventId) + 1;
        if (eventTypeLength > 0)
        {
            length += EVENT_PREFIX.length + eventTypeLength + 1;
        }
        length += lineCount * (DATA_PREFIX.length + 1) + (dataLength - breakBytes);
        return length + 1;
    }

    /**
     * Exact length of the frame {@link #encodeEvent} writes for this event.
     *
     * @param chunked         whether the frame is wrapped in a chunk.
     * @param eventId         id written on the {@code id:} line.
     * @param eventTypeLength length of the event type name, 0 for none.
     * @param data            payload buffer.
     * @param dataOffset      payload offset.
     * @param dataLength      payload length in bytes.
     * @return frame length in bytes.
     */
    public static int eventFrameLength(
        final boolean chunked,
        final long eventId,
        final int eventTypeLength,
        final DirectBuffer data,
        final int dataOffset,
        final int dataLength)
    {
        final int bodyLength = eventBodyLength(eventId, eventTypeLength, data, dataOffset, dataLength);
        return chunked ? chunkedLength(bodyLength) : bodyLength;
    }

    /**
     * Length of a chunk carrying {@code bodyLength} bytes, framing included.
     *
     * @param bodyLength chunk data length.
     * @return bytes on the wire.
     */
    public static int chunkedLength(final int bodyLength)
    {
        int digits = 1;
        for (int v = bodyLength >>> 4; v != 0; v >>>= 4)
        {
            digits++;
        }
        return digits + 2 + bodyLength + 2;
    }

    /**
     * Encode one event.
     *
     * @param dst             destination buffer; must have room for {@code eventBodyLength(..) + MAX_CHUNK_OVERHEAD}.
     * @param dstOffset       where the frame starts.
     * @param chunked         wrap the frame in one HTTP/1.1 chunk.
     * @param eventId         id for the {@code id:} line.
     * @param eventType       buffer holding the event type, may be null when {@code eventTypeLength} is 0.
     * @param eventTypeOffset offset of the event type.
     * @param eventTypeLength length of the event type, 0 for the default {@code message} type.
     * @param data            payload buffer.
     * @param dataOffset      payload offset.
     * @param dataLength      payload length.
     * @return bytes written.
     * @throws IllegalArgumentException if the event type could break out of its line.
     */
    public static int encodeEvent(
        final MutableDirectBuffer dst,
        final int dstOffset,
        final boolean chunked,
        final long eventId,
        final DirectBuffer eventType,
        final int eventTypeOffset,
        final int eventTypeLength,
        final DirectBuffer data,
        final int dataOffset,
        final int dataLength)
    {
        if (eventTypeLength > 0 && !isValidEventType(eventType, eventTypeOffset, eventTypeLength))
        {
            throw new IllegalArgumentException("event type holds CR, LF or NUL, or is too long");
        }

        final int bodyLength = eventBodyLength(eventId, eventTypeLength, data, dataOffset, dataLength);
        int index = chunked ? putChunkHeader(dst, dstOffset, bodyLength) : dstOffset;

        dst.putBytes(index, ID_PREFIX);
        index += ID_PREFIX.length;
        index += dst.putLongAscii(index, eventId);
        dst.putByte(index++, LF);

        if (eventTypeLength > 0)
        {
            dst.putBytes(index, EVENT_PREFIX);
            index += EVENT_PREFIX.length;
            dst.putBytes(index, eventType, eventTypeOffset, eventTypeLength);
            index += eventTypeLength;
            dst.putByte(index++, LF);
        }

        final int end = dataOffset + dataLength;
        int lineStart = dataOffset;
        int lineBreak;
        while ((lineBreak = indexOfLineBreak(data, lineStart, end)) >= 0)
        {
            index = putDataLine(dst, index, data, lineStart, lineBreak - lineStart);
            lineStart = lineBreak + 1;
            if (CR == data.getByte(lineBreak) && lineStart < end && LF == data.getByte(lineStart))
            {
                lineStart++;
            }
        }
        index = putDataLine(dst, index, data, lineStart, end - lineStart);
        dst.putByte(index++, LF);

        if (chunked)
        {
            index = putCrLf(dst, index);
        }

        return index - dstOffset;
    }

    /**
     * Encode the end of an event-stream body: the terminal chunk {@code 0 CRLF CRLF} when chunked, nothing when the
     * body is delimited by the connection's close.
     *
     * @param dst       destination.
     * @param dstOffset where to write.
     * @param chunked   whether the body is chunked.
     * @return bytes written.
     */
    public static int encodeEndOfBody(final MutableDirectBuffer dst, final int dstOffset, final boolean chunked)
    {
        return chunked ? dst.putStringWithoutLengthAscii(dstOffset, "0\r\n\r\n") : 0;
    }

    /**
     * Encode a comment frame {@code :text LF LF}, used for heartbeats and for the first body bytes of a stream.
     *
     * @param dst       destination.
     * @param dstOffset where to write.
     * @param chunked   wrap in one chunk.
     * @param text      comment text; must hold no CR or LF (not checked: callers pass constants).
     * @return bytes written.
     */
    public static int encodeComment(
        final MutableDirectBuffer dst, final int dstOffset, final boolean chunked, final String text)
    {
        final int bodyLength = 1 + text.length() + 2;
        int index = chunked ? putChunkHeader(dst, dstOffset, bodyLength) : dstOffset;
        dst.putByte(index++, (byte)':');
        index += dst.putStringWithoutLengthAscii(index, text);
        dst.putByte(index++, LF);
        dst.putByte(index++, LF);
        if (chunked)
        {
            index = putCrLf(dst, index);
        }
        return index - dstOffset;
    }

    /**
     * Encode a reconnection-time hint {@code retry: ms LF LF}.
     *
     * @param dst       destination.
     * @param dstOffset where to write.
     * @param chunked   wrap in one chunk.
     * @param retryMs   reconnection time the client should use, in milliseconds.
     * @return bytes written.
     */
    public static int encodeRetry(final MutableDirectBuffer dst, final int dstOffset, final boolean chunked, final long retryMs)
    {
        final int bodyLength = RETRY_PREFIX.length + digitCount(retryMs) + 2;
        int index = chunked ? putChunkHeader(dst, dstOffset, bodyLength) : dstOffset;
        dst.putBytes(index, RETRY_PREFIX);
        index += RETRY_PREFIX.length;
        index += dst.putLongAscii(index, retryMs);
        dst.putByte(index++, LF);
        dst.putByte(index++, LF);
        if (chunked)
        {
            index = putCrLf(dst, index);
        }
        return index - dstOffset;
    }

    /**
     * Encode a control event with an ASCII event type and a single-line ASCII data value, such as
     * {@code event: reset}. Control path only.
     *
     * @param dst       destination.
     * @param dstOffset where to write.
     * @param chunked   wrap in one chunk.
     * @param eventType event type, no CR or LF.
     * @param data      single line of data, no CR or LF.
     * @return bytes written.
     */
    public static int encodeControlEvent(
        final MutableDirectBuffer dst, final int dstOffset, final boolean chunked, final String eventType, final String data)
    {
        final int bodyLength = EVENT_PREFIX.length + eventType.length() + 1 + DATA_PREFIX.length + data.length() + 2;
        int index = chunked ? putChunkHeader(dst, dstOffset, bodyLength) : dstOffset;
        dst.putBytes(index, EVENT_PREFIX);
        index += EVENT_PREFIX.length;
        index += dst.putStringWithoutLengthAscii(index, eventType);
        dst.putByte(index++, LF);
        dst.putBytes(index, DATA_PREFIX);
        index += DATA_PREFIX.length;
        index += dst.putStringWithoutLengthAscii(index, data);
        dst.putByte(index++, LF);
        dst.putByte(index++, LF);
        if (chunked)
        {
            index = putCrLf(dst, index);
        }
        return index - dstOffset;
    }

    /**
     * Write the chunk-size line for a chunk of {@code length} bytes.
     *
     * @param dst       destination.
     * @param dstOffset where to write.
     * @param length    chunk data length.
     * @return index after the CRLF.
     */
    public static int putChunkHeader(final MutableDirectBuffer dst, final int dstOffset, final int length)
    {
        int digits = 1;
        for (int v = length >>> 4; v != 0; v >>>= 4)
        {
            digits++;
        }
        int index = dstOffset + digits;
        for (int v = length, i = index - 1; i >= dstOffset; i--, v >>>= 4)
        {
            dst.putByte(i, HEX_DIGITS[v & 0xF]);
        }
        return putCrLf(dst, index);
    }

    /**
     * Number of decimal digits of a non-negative value (a '-' counts for negatives).
     *
     * @param value to measure.
     * @return characters {@code putLongAscii} writes.
     */
    public static int digitCount(final long value)
    {
        if (value < 0)
        {
            return Long.MIN_VALUE == value ? 20 : 1 + digitCount(-value);
        }
        int digits = 1;
        long limit = 10;
        while (digits < 19 && value >= limit)
        {
            digits++;
            limit *= 10;
        }
        return digits;
    }

    /**
     * Index of the first CR or LF in {@code [from, end)}, or -1. Scans eight bytes at a time (a zero-byte test on
     * the word XORed with each pattern): only the lowest flagged byte is trusted, which is exact.
     *
     * @param buffer to scan.
     * @param from   first index.
     * @param end    index after the last.
     * @return index of the line break or -1.
     */
    public static int indexOfLineBreak(final DirectBuffer buffer, final int from, final int end)
    {
        int i = from;
        while (i + Long.BYTES <= end)
        {
            final long word = buffer.getLong(i, java.nio.ByteOrder.LITTLE_ENDIAN);
            final long lf = word ^ 0x0A0A0A0A0A0A0A0AL;
            final long cr = word ^ 0x0D0D0D0D0D0D0D0DL;
            final long found = (((lf - 0x0101010101010101L) & ~lf) | ((cr - 0x0101010101010101L) & ~cr)) &
                0x8080808080808080L;
            if (0 != found)
            {
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
            i += Long.BYTES;
        }
        for (; i < end; i++)
        {
            final byte b = buffer.getByte(i);
            if (LF == b || CR == b)
            {
                return i;
            }
        }
        return -1;
    }

    private static int putDataLine(
        final MutableDirectBuffer dst, final int index, final DirectBuffer data, final int offset, final int length)
    {
        dst.putBytes(index, DATA_PREFIX);
        int i = index + DATA_PREFIX.length;
        dst.putBytes(i, data, offset, length);
        i += length;
        dst.putByte(i++, LF);
        return i;
    }

    private static int putCrLf(final MutableDirectBuffer dst, final int index)
    {
        dst.putByte(index, CR);
        dst.putByte(index + 1, LF);
        return index + 2;
    }
}
