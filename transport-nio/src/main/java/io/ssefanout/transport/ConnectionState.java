package io.ssefanout.transport;

/**
 * Where a connection is in its life.
 */
enum ConnectionState
{
    /** HTTP requests and responses (publishers, health, metrics), keep-alive between them. */
    READING_REQUESTS,
    /** An event stream after a successful subscribe. */
    STREAMING,
    /** The last response is going out; the connection closes when it is sent. */
    CLOSING
}
