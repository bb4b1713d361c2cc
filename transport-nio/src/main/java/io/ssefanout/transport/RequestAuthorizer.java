package io.ssefanout.transport;

import io.ssefanout.codec.HttpRequestParser;
import org.agrona.DirectBuffer;
import org.agrona.concurrent.EpochClock;

import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * Finds a request's bearer token (header, query or cookie) and verifies it, remembering the last token and its
 * rights per connection so a keep-alive publisher pays one verification per distinct token. Answers 401 itself.
 */
final class RequestAuthorizer
{
    private final Authenticator authenticator;
    private final BearerTokenLocator tokenLocator;
    private final HttpRequestParser parser;
    private final HttpResponder responder;
    private final EpochClock epochClock;

    RequestAuthorizer(
        final Authenticator authenticator,
        final BearerTokenLocator tokenLocator,
        final HttpRequestParser parser,
        final HttpResponder responder,
        final EpochClock epochClock)
    {
        this.authenticator = authenticator;
        this.tokenLocator = tokenLocator;
        this.parser = parser;
        this.responder = responder;
        this.epochClock = epochClock;
    }

    /**
     * @return true when requests must carry a token.
     */
    boolean isEnabled()
    {
        return null != authenticator;
    }

    /**
     * The rights of the request's token, from the connection's cache when it is the token last seen there.
     * Control path for subscribers; for a keep-alive publisher one verification per distinct token.
     *
     * @return the rights, or null after answering 401.
     */
    TopicRights authorize(
        final Connection connection,
        final DirectBuffer buffer,
        final int queryOffset,
        final int queryLength,
        final boolean keepAlive) throws IOException
    {
        if (!tokenLocator.locate(parser, buffer, queryOffset, queryLength))
        {
            responder.rejectUnauthorized(connection, null, buffer, keepAlive);
            return null;
        }
        final int tokenOffset = tokenLocator.tokenOffset();
        final int tokenLength = tokenLocator.tokenLength();

        final byte[] cached = connection.cachedToken;
        if (null != cached && cached.length == tokenLength && null != connection.cachedRights &&
            connection.cachedRights.expiresAtMs() > epochClock.time())
        {
            boolean isSame = true;
            for (int i = 0; i < tokenLength && isSame; i++)
            {
                isSame = cached[i] == buffer.getByte(tokenOffset + i);
            }
            if (isSame)
            {
                return connection.cachedRights;
            }
        }

        final byte[] token = new byte[tokenLength];
        buffer.getBytes(tokenOffset, token);
        try
        {
            final TopicRights rights = authenticator.authenticate(new String(token, StandardCharsets.US_ASCII));
            connection.cachedToken = token;
            connection.cachedRights = rights;
            return rights;
        }
        catch (final AuthenticationException ex)
        {
            connection.cachedToken = null;
            connection.cachedRights = null;
            responder.rejectUnauthorized(connection, ex.getMessage(), buffer, keepAlive);
            return null;
        }
    }
}
