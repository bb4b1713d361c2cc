package io.ssefanout.transport;

/**
 * A token was missing, malformed, expired or wrongly signed. Carries a reason for the 401 answer; no stack trace,
 * since it is an expected outcome of bad input.
 */
public final class AuthenticationException extends Exception
{
    private static final long serialVersionUID = 1L;

    /**
     * @param reason shown to the client in {@code WWW-Authenticate: error_description}; no quotes or line breaks.
     */
    public AuthenticationException(final String reason)
    {
        super(reason, null, false, false);
    }
}
