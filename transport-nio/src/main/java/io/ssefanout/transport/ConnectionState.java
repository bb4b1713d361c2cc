package io.ssefanout.transport;

/**
 * Where a connection is in its life.
 */
enum ConnectionState
{
    /** HTTP requests and responses (publishers, health, metrics), keep-alive between them. */
    READING_REQUESTS,
    /** A request waits on something outside the agent ({@link ParkedRequests}); the connection is not read. */
    PARKED,
    /** An event stream after a successful subscribe. */
    STREAMING,
    /** The last response is going out; the connection closes when it is sent. */
    CLOSING
}
