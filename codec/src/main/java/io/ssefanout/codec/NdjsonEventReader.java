package io.ssefanout.codec;

import org.agrona.MutableDirectBuffer;

/**
 * Reads a batch of events in NDJSON, one object per line, without allocating:
 * <pre>
 *   {"topic":"sym42","event":"tick","data":"AAPL 190.12"}
 *   {"topic":"sym43","data":{"bid":1.0842,"ask":1.0843}}
 * </pre>
 * {@code topic} (a string) and {@code data} are required, {@code event} (a string or null) is optional; any other
 * member, a repeated member, or anything after the object is an error. A string {@code data} becomes its unescaped
 * text; any other JSON value becomes its exact source text. Blank lines are skipped; CRLF line ends are accepted.
 * <p>
 * Strings are unescaped in place (an escape is never shorter than what it stands for), so the fields returned are
 * spans of the caller's buffer, valid until it is reused. The whole line must be UTF-8, and a {@code \}{@code u}
 * escape must not leave a lone surrogate. Nesting inside {@code data} is limited to {@link #MAX_DEPTH} levels.
 * <p>
 * Any other JSON value is found and validated by {@link JsonValueScanner}.
 * <p>
 * A hand-written scanner of exactly this shape rather than a JSON library: it never builds a tree or a string,
 * needs no buffer of its own, and is short enough to fuzz to exhaustion.
 */
public final class NdjsonEventReader
{
    /** The reason given when a line holds more than one object: what a client that strips line breaks sends. */
    public static final String TEXT_AFTER_OBJECT = "text after the object";

    /** {@link #next()} result when an event was read. */
    public static final int EVENT = 1;
    /** {@link #next()} result when the batch has no more lines. */
    public static final int END = 0;
    /** {@link #next()} result when the current line is malformed; see {@link #errorReason()}. */
    public static final int ERROR = -1;

    /** Deepest nesting of objects and arrays accepted inside {@code data}. */
    public static final int MAX_DEPTH = JsonValueScanner.MAX_DEPTH;

    private final JsonValueScanner valueScanner = new JsonValueScanner();
    private MutableDirectBuffer buffer;
    private int position;
    private int end;
    private int lineNumber;
    private int topicOffset;
    private int topicLength;
    private int eventTypeOffset;
    private int eventTypeLength;
    private int dataOffset;
    private int dataLength;
    private String errorReason;

    // scan state of the current line
    private int cursor;
    private int lineEnd;
    private int stringOffset;
    private int stringLength;

    /**
     * Start reading a batch.
     *
     * @param buffer holding the batch; strings are unescaped in place.
     * @param offset of the first line.
     * @param length of the batch.
     * @return this.
     */
    public NdjsonEventReader wrap(final MutableDirectBuffer buffer, final int offset, final int length)
    {
        this.buffer = buffer;
        this.position = offset;
        this.end = offset + length;
        this.lineNumber = 0;
        this.errorReason = null;
        return this;
    }

    /**
     * Read the next event.
     *
     * @return {@link #EVENT}, {@link #END} or {@link #ERROR}.
     */
    public int next()
    {
        while (position < end)
        {
            lineNumber++;
            int lf = position;
            while (lf < end && '\n' != buffer.getByte(lf))
            {
                lf++;
            }
            final int start = position;
            position = lf + 1;
            cursor = start;
            lineEnd = lf;
            skipWhitespace();
            if (cursor == lineEnd)
            {
                continue;
            }
            return readObject(start, lf) ? EVENT : ERROR;
        }
        return END;
    }

    /**
     * @return 1-based number of the line last read.
     */
    public int lineNumber()
    {
        return lineNumber;
    }

    public int topicOffset()
    {
        return topicOffset;
    }

    public int topicLength()
    {
        return topicLength;
    }

    public int eventTypeOffset()
    {
        return eventTypeOffset;
    }

    /**
     * @return length of the event type, 0 when absent or null.
     */
    public int eventTypeLength()
    {
        return eventTypeLength;
    }

    public int dataOffset()
    {
        return dataOffset;
    }

    public int dataLength()
    {
        return dataLength;
    }

    /**
     * @return why the last line was refused; a constant string.
     */
    public String errorReason()
    {
        return errorReason;
    }

    private boolean readObject(final int start, final int lf)
    {
        if (!Utf8.isValid(buffer, start, lf - start))
        {
            return fail("not valid UTF-8");
        }
        topicLength = -1;
        eventTypeOffset = 0;
        eventTypeLength = -1;
        dataLength = -1;
        if ('{' != buffer.getByte(cursor++))
        {
            return fail("a line must be one JSON object");
        }
        skipWhitespace();
        if (cursor < lineEnd && '}' == buffer.getByte(cursor))
        {
            return fail("\"topic\" and \"data\" are required");
        }
        while (true)
        {
            skipWhitespace();
            if (cursor >= lineEnd || '"' != buffer.getByte(cursor))
            {
                return fail("expected a member name");
            }
            cursor++;
            if (!readString())
            {
                return false;
            }
            final int nameOffset = stringOffset;
            final int nameLength = stringLength;
            skipWhitespace();
            if (cursor >= lineEnd || ':' != buffer.getByte(cursor++))
            {
                return fail("expected ':' after a member name");
            }
            skipWhitespace();
            if (!readMember(nameOffset, nameLength))
            {
                return false;
            }
            skipWhitespace();
            if (cursor >= lineEnd)
            {
                return fail("unterminated object");
            }
            final byte b = buffer.getByte(cursor++);
            if ('}' == b)
            {
                break;
            }
            if (',' != b)
            {
                return fail("expected ',' or '}'");
            }
        }
        skipWhitespace();
        if (cursor != lineEnd)
        {
            return fail(TEXT_AFTER_OBJECT);
        }
        if (topicLength < 0)
        {
            return fail("\"topic\" is required");
        }
        if (dataLength < 0)
        {
            return fail("\"data\" is required");
        }
        if (eventTypeLength < 0)
        {
            eventTypeLength = 0;
        }
        return true;
    }

    private boolean readMember(final int nameOffset, final int nameLength)
    {
        if (HttpAscii.equals(buffer, nameOffset, nameLength, "topic"))
        {
            if (topicLength >= 0)
            {
                return fail("\"topic\" given twice");
            }
            if (!readStringValue("\"topic\" must be a string"))
            {
                return false;
            }
            topicOffset = stringOffset;
            topicLength = stringLength;
            return true;
        }
        if (HttpAscii.equals(buffer, nameOffset, nameLength, "event"))
        {
            if (eventTypeLength >= 0)
            {
                return fail("\"event\" given twice");
            }
            if (isLiteral("null"))
            {
                cursor += 4;
                eventTypeLength = 0;
                return true;
            }
            if (!readStringValue("\"event\" must be a string or null"))
            {
                return false;
            }
            eventTypeOffset = stringOffset;
            eventTypeLength = stringLength;
            return true;
        }
        if (HttpAscii.equals(buffer, nameOffset, nameLength, "data"))
        {
            if (dataLength >= 0)
            {
                return fail("\"data\" given twice");
            }
            if (cursor < lineEnd && '"' == buffer.getByte(cursor))
            {
                cursor++;
                if (!readString())
                {
                    return false;
                }
                dataOffset = stringOffset;
                dataLength = stringLength;
                return true;
            }
            final int valueEnd = valueScanner.scan(buffer, cursor, lineEnd);
            if (valueEnd < 0)
            {
                return fail(valueScanner.errorReason());
            }
            dataOffset = cursor;
            dataLength = valueEnd - cursor;
            cursor = valueEnd;
            return true;
        }
        return fail("unknown member: only \"topic\", \"event\" and \"data\"");
    }

    private boolean readStringValue(final String reason)
    {
        if (cursor >= lineEnd || '"' != buffer.getByte(cursor))
        {
            return fail(reason);
        }
        cursor++;
        return readString();
    }

    /**
     * Unescape the string starting at {@link #cursor} (after its opening quote) in place; leaves {@link #cursor}
     * after the closing quote and the text in {@link #stringOffset}/{@link #stringLength}.
     */
    private boolean readString()
    {
        final int start = cursor;
        int write = cursor;
        while (cursor < lineEnd)
        {
            final byte b = buffer.getByte(cursor++);
            if ('"' == b)
            {
                stringOffset = start;
                stringLength = write - start;
                return true;
            }
            if (b >= 0 && b < 0x20)
            {
                return fail("control character in a string");
            }
            if ('\\' != b)
            {
                buffer.putByte(write++, b);
                continue;
            }
            if (cursor >= lineEnd)
            {
                break;
            }
            final byte escape = buffer.getByte(cursor++);
            switch (escape)
            {
                case '"':
                case '\\':
                case '/':
                    buffer.putByte(write++, escape);
                    break;
                case 'b':
                    buffer.putByte(write++, (byte)'\b');
                    break;
                case 'f':
                    buffer.putByte(write++, (byte)'\f');
                    break;
                case 'n':
                    buffer.putByte(write++, (byte)'\n');
                    break;
                case 'r':
                    buffer.putByte(write++, (byte)'\r');
                    break;
                case 't':
                    buffer.putByte(write++, (byte)'\t');
                    break;
                case 'u':
                {
                    int codePoint = readHex4();
                    if (codePoint < 0)
                    {
                        return fail("malformed \\u escape");
                    }
                    if (codePoint >= 0xD800 && codePoint <= 0xDBFF)
                    {
                        if (cursor + 1 >= lineEnd || '\\' != buffer.getByte(cursor) || 'u' != buffer.getByte(cursor + 1))
                        {
                            return fail("lone surrogate in a \\u escape");
                        }
                        cursor += 2;
                        final int low = readHex4();
                        if (low < 0xDC00 || low > 0xDFFF)
                        {
                            return fail("lone surrogate in a \\u escape");
                        }
                        codePoint = 0x10000 + ((codePoint - 0xD800) << 10) + (low - 0xDC00);
                    }
                    else if (codePoint >= 0xDC00 && codePoint <= 0xDFFF)
                    {
                        return fail("lone surrogate in a \\u escape");
                    }
                    write = putUtf8(write, codePoint);
                    break;
                }
                default:
                    return fail("invalid escape in a string");
            }
        }
        return fail("unterminated string");
    }

    private int readHex4()
    {
        final int value = AsciiHex.value4(buffer, cursor, lineEnd);
        if (value >= 0)
        {
            cursor += 4;
        }
        return value;
    }

    private int putUtf8(final int index, final int codePoint)
    {
        if (codePoint < 0x80)
        {
            buffer.putByte(index, (byte)codePoint);
            return index + 1;
        }
        if (codePoint < 0x800)
        {
            buffer.putByte(index, (byte)(0xC0 | (codePoint >> 6)));
            buffer.putByte(index + 1, (byte)(0x80 | (codePoint & 0x3F)));
            return index + 2;
        }
        if (codePoint < 0x10000)
        {
            buffer.putByte(index, (byte)(0xE0 | (codePoint >> 12)));
            buffer.putByte(index + 1, (byte)(0x80 | ((codePoint >> 6) & 0x3F)));
            buffer.putByte(index + 2, (byte)(0x80 | (codePoint & 0x3F)));
            return index + 3;
        }
        buffer.putByte(index, (byte)(0xF0 | (codePoint >> 18)));
        buffer.putByte(index + 1, (byte)(0x80 | ((codePoint >> 12) & 0x3F)));
        buffer.putByte(index + 2, (byte)(0x80 | ((codePoint >> 6) & 0x3F)));
        buffer.putByte(index + 3, (byte)(0x80 | (codePoint & 0x3F)));
        return index + 4;
    }

    private boolean isLiteral(final String literal)
    {
        return JsonValueScanner.isLiteral(buffer, cursor, lineEnd, literal);
    }

    private void skipWhitespace()
    {
        cursor = JsonValueScanner.skipWhitespace(buffer, cursor, lineEnd);
    }

    private boolean fail(final String reason)
    {
        errorReason = reason;
        return false;
    }
}
