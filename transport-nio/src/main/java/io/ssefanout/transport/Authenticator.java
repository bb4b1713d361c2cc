package io.ssefanout.transport;

/**
 * Verifies a bearer token and says which topics it may subscribe to and publish to. Called on an I/O agent's
 * thread on the control path: once per subscription, and for publishers once per distinct token on a connection.
 */
public interface Authenticator
{
    /**
     * @param token the compact token, as sent.
     * @return the rights it grants.
     * @throws AuthenticationException with a reason safe to show the client when the token is not acceptable.
     */
    TopicRights authenticate(String token) throws AuthenticationException;

    /**
     * @return a short description for the start-up log, e.g. the accepted algorithm.
     */
    String describe();
}
