package io.ssefanout.codec;

import org.agrona.DirectBuffer;

/**
 * Finds where one JSON value (RFC 8259) ends, checking its syntax on the way, without building anything: the data
 * of a batch line is kept as its exact source text, so it only has to be found and be valid. Strings inside it are
 * left as they are. Containers are tracked in a bit stack (1 = object, 0 = array), so nesting costs no memory and is
 * limited to {@link #MAX_DEPTH} levels. Allocation-free; one instance per thread.
 */
final class JsonValueScanner
{
    /** Deepest nesting of objects and arrays accepted. */
    static final int MAX_DEPTH = 64;

    private DirectBuffer buffer;
    private int cursor;
    private int lineEnd;
    private String errorReason;

    /**
     * @param buffer holding the value.
     * @param offset where the value starts (no leading whitespace).
     * @param limit  end of the bytes the value must lie within.
     * @return the index just after the value, or -1 when it is not a complete, valid JSON value.
     */
    int scan(final DirectBuffer buffer, final int offset, final int limit)
    {
        this.buffer = buffer;
        this.cursor = offset;
        this.lineEnd = limit;
        this.errorReason = null;
        return skipValue() ? cursor : -1;
    }

    /**
     * @return why the last scan failed; a constant string.
     */
    String errorReason()
    {
        return errorReason;
    }

    /**
     * Validate and step over one JSON value that is not a top-level string. Containers are tracked in a bit stack
     * (1 = object, 0 = array), so nesting costs no memory.
     */
    private boolean skipValue()
    {
        long containers = 0;
        int depth = 0;
        while (true)
        {
            skipWhitespace();
            if (cursor >= lineEnd)
            {
                return fail("\"data\" is not a complete JSON value");
            }
            final byte b = buffer.getByte(cursor);
            boolean isValueDone = true;
            if ('{' == b || '[' == b)
            {
                if (depth >= MAX_DEPTH)
                {
                    return fail("\"data\" nested too deeply");
                }
                containers = (containers << 1) | ('{' == b ? 1 : 0);
                depth++;
                cursor++;
                skipWhitespace();
                final byte close = '{' == b ? (byte)'}' : (byte)']';
                if (cursor < lineEnd && close == buffer.getByte(cursor))
                {
                    cursor++;
                    containers >>>= 1;
                    depth--;
                }
                else
                {
                    isValueDone = false;
                    if ('{' == b && !skipMemberName())
                    {
                        return false;
                    }
                }
            }
            else if ('"' == b)
            {
                cursor++;
                if (!skipString())
                {
                    return false;
                }
            }
            else if ('-' == b || (b >= '0' && b <= '9'))
            {
                if (!skipNumber())
                {
                    return false;
                }
            }
            else if (isLiteral("true") || isLiteral("null"))
            {
                cursor += 4;
            }
            else if (isLiteral("false"))
            {
                cursor += 5;
            }
            else
            {
                return fail("\"data\" is not a valid JSON value");
            }

            while (isValueDone)
            {
                if (0 == depth)
                {
                    return true;
                }
                skipWhitespace();
                if (cursor >= lineEnd)
                {
                    return fail("\"data\" is not a complete JSON value");
                }
                final byte next = buffer.getByte(cursor++);
                final boolean isObject = 1 == (containers & 1);
                if (',' == next)
                {
                    if (isObject && !skipMemberName())
                    {
                        return false;
                    }
                    isValueDone = false;
                }
                else if ((isObject && '}' == next) || (!isObject && ']' == next))
                {
                    containers >>>= 1;
                    depth--;
                }
                else
                {
                    return fail("\"data\" is not a valid JSON value");
                }
            }
        }
    }

    private boolean skipMemberName()
    {
        skipWhitespace();
        if (cursor >= lineEnd || '"' != buffer.getByte(cursor))
        {
            return fail("\"data\" is not a valid JSON value");
        }
        cursor++;
        if (!skipString())
        {
            return false;
        }
        skipWhitespace();
        if (cursor >= lineEnd || ':' != buffer.getByte(cursor++))
        {
            return fail("\"data\" is not a valid JSON value");
        }
        return true;
    }

    /**
     * Validate a string inside {@code data} without changing it: its source text is kept exactly.
     */
    private boolean skipString()
    {
        while (cursor < lineEnd)
        {
            final byte b = buffer.getByte(cursor++);
            if ('"' == b)
            {
                return true;
            }
            if (b >= 0 && b < 0x20)
            {
                return fail("control character in a string");
            }
            if ('\\' == b)
            {
                if (cursor >= lineEnd)
                {
                    break;
                }
                final byte escape = buffer.getByte(cursor++);
                if ('u' == escape)
                {
                    if (AsciiHex.value4(buffer, cursor, lineEnd) < 0)
                    {
                        return fail("malformed \\u escape");
                    }
                    cursor += 4;
                }
                else if ("\"\\/bfnrt".indexOf(escape) < 0)
                {
                    return fail("invalid escape in a string");
                }
            }
        }
        return fail("unterminated string");
    }

    private boolean skipNumber()
    {
        if ('-' == buffer.getByte(cursor))
        {
            cursor++;
        }
        if (cursor >= lineEnd)
        {
            return fail("malformed number");
        }
        if ('0' == buffer.getByte(cursor))
        {
            cursor++;
        }
        else if (skipDigits() == 0)
        {
            return fail("malformed number");
        }
        if (cursor < lineEnd && '.' == buffer.getByte(cursor))
        {
            cursor++;
            if (skipDigits() == 0)
            {
                return fail("malformed number");
            }
        }
        if (cursor < lineEnd && ('e' == buffer.getByte(cursor) || 'E' == buffer.getByte(cursor)))
        {
            cursor++;
            if (cursor < lineEnd && ('+' == buffer.getByte(cursor) || '-' == buffer.getByte(cursor)))
            {
                cursor++;
            }
            if (skipDigits() == 0)
            {
                return fail("malformed number");
            }
        }
        return true;
    }

    private int skipDigits()
    {
        final int start = cursor;
        while (cursor < lineEnd && buffer.getByte(cursor) >= '0' && buffer.getByte(cursor) <= '9')
        {
            cursor++;
        }
        return cursor - start;
    }

    private boolean isLiteral(final String literal)
    {
        return JsonValueScanner.isLiteral(buffer, cursor, lineEnd, literal);
    }

    private void skipWhitespace()
    {
        cursor = JsonValueScanner.skipWhitespace(buffer, cursor, lineEnd);
    }

    /**
     * @return true when the literal stands at {@code index}, before {@code limit}.
     */
    static boolean isLiteral(final DirectBuffer buffer, final int index, final int limit, final String literal)
    {
        return index + literal.length() <= limit && HttpAscii.equals(buffer, index, literal.length(), literal);
    }

    /**
     * @return the index of the first byte at or after {@code index} that is not JSON whitespace (CR counts, so a
     * CRLF line end is whitespace; LF ends the line before this is called), or {@code limit}.
     */
    static int skipWhitespace(final DirectBuffer buffer, final int index, final int limit)
    {
        int i = index;
        while (i < limit)
        {
            final byte b = buffer.getByte(i);
            if (' ' != b && '\t' != b && '\r' != b)
            {
                break;
            }
            i++;
        }
        return i;
    }

    private boolean fail(final String reason)
    {
        errorReason = reason;
        return false;
    }
}
