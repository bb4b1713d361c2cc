package io.ssefanout.testsupport;

import java.io.ByteArrayOutputStream;

/**
 * Incremental decoder of an HTTP/1.1 chunked body, strict about framing. Test support.
 */
public final class ChunkedDecoder
{
    private final ByteArrayOutputStream sizeLine = new ByteArrayOutputStream();
    private int state;
    private long remaining;
    private boolean isComplete;

    /**
     * Decode some bytes, appending chunk data to {@code out}.
     */
    public void onBytes(final byte[] bytes, final int offset, final int length, final ByteArrayOutputStream out)
    {
        for (int i = offset; i < offset + length; i++)
        {
            final byte b = bytes[i];
            switch (state)
            {
                case 0:
                    if ('\n' == b)
                    {
                        final String text = sizeLine.toString().trim();
                        sizeLine.reset();
                        remaining = Long.parseLong(text, 16);
                        state = 0 == remaining ? 3 : 1;
                        if (0 == remaining)
                        {
                            isComplete = true;
                        }
                    }
                    else
                    {
                        sizeLine.write(b);
                    }
                    break;
                case 1:
                    out.write(b);
                    if (0 == --remaining)
                    {
                        state = 2;
                    }
                    break;
                case 2:
                    if ('\n' == b)
                    {
                        state = 0;
                    }
                    else if ('\r' != b)
                    {
                        throw new IllegalStateException("chunk not followed by CRLF");
                    }
                    break;
                default:
                    break;
            }
        }
    }

    public boolean isComplete()
    {
        return isComplete;
    }
}
