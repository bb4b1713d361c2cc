package io.ssefanout.transport;

import io.ssefanout.codec.HttpAscii;
import io.ssefanout.codec.HttpRequestParser;
import org.agrona.DirectBuffer;

/**
 * Finds a request's bearer token where clients put it, in this order: {@code Authorization: Bearer}, the
 * {@code access_token} query parameter (browsers' {@code EventSource} cannot set headers), a cookie. Holds the
 * location of the last token found; one per I/O agent, allocation-free.
 */
final class BearerTokenLocator
{
    private static final String BEARER = "bearer ";
    private static final String QUERY_PARAMETER = "access_token";

    private final String cookiePrefix;
    private int tokenOffset;
    private int tokenLength;

    /**
     * @param cookieName name of the cookie that may carry the token.
     */
    BearerTokenLocator(final String cookieName)
    {
        this.cookiePrefix = cookieName + "=";
    }

    /**
     * @param parser      the parser that just parsed the request in {@code buffer}.
     * @param buffer      the request bytes.
     * @param queryOffset offset of the query string, after {@code ?}.
     * @param queryLength length of the query string, 0 for none.
     * @return true if a non-empty token was found: see {@link #tokenOffset()} and {@link #tokenLength()}.
     */
    boolean locate(
        final HttpRequestParser parser, final DirectBuffer buffer, final int queryOffset, final int queryLength)
    {
        tokenOffset = -1;
        tokenLength = 0;
        final int authorizationLength = parser.authorizationLength();
        if (authorizationLength > BEARER.length() &&
            HttpAscii.equalsIgnoreCase(buffer, parser.authorizationOffset(), BEARER.length(), BEARER))
        {
            tokenOffset = parser.authorizationOffset() + BEARER.length();
            tokenLength = authorizationLength - BEARER.length();
            return true;
        }

        final int param = RequestTarget.findQueryParameter(buffer, queryOffset, queryLength, QUERY_PARAMETER, 0);
        if (param >= 0)
        {
            tokenOffset = param;
            tokenLength = RequestTarget.queryValueLength(buffer, param, queryOffset + queryLength);
            return tokenLength > 0;
        }

        final int cookieOffset = parser.cookieOffset();
        final int cookieEnd = cookieOffset + parser.cookieLength();
        for (int i = cookieOffset; i < cookieEnd; i++)
        {
            if ((i == cookieOffset || ' ' == buffer.getByte(i - 1) || ';' == buffer.getByte(i - 1)) &&
                RequestTarget.startsWith(buffer, i, cookieEnd - i, cookiePrefix))
            {
                tokenOffset = i + cookiePrefix.length();
                int end = tokenOffset;
                while (end < cookieEnd && ';' != buffer.getByte(end))
                {
                    end++;
                }
                tokenLength = end - tokenOffset;
                return tokenLength > 0;
            }
        }
        return false;
    }

    /**
     * @return offset of the token found by the last {@link #locate}.
     */
    int tokenOffset()
    {
        return tokenOffset;
    }

    /**
     * @return length of the token found by the last {@link #locate}.
     */
    int tokenLength()
    {
        return tokenLength;
    }
}
