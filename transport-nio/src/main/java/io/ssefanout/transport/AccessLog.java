package io.ssefanout.transport;

/**
 * Where the server reports each connection's end and, when enabled, each publish. Called on an I/O agent's thread
 * on the control path (never per write): implementations must not block, e.g. hand the record to a queue that
 * another thread drains. The core modules log through this seam only; the {@code tools} module plugs in SLF4J.
 */
public interface AccessLog
{
    /** Reports nothing. */
    AccessLog NONE = record -> { };

    /**
     * A connection ended.
     *
     * @param record what it did.
     */
    void onConnectionClosed(ConnectionRecord record);

    /**
     * @return true if {@link #onPublish} should be called; checked before anything is built.
     */
    default boolean isPublishLogEnabled()
    {
        return false;
    }

    /**
     * A publish request was answered.
     *
     * @param connectionId  the publisher's connection.
     * @param clientAddress the publisher's address and port.
     * @param requestId     X-Request-ID, or null.
     * @param status        HTTP status answered.
     * @param eventId       id assigned, or -1.
     * @param length        payload bytes.
     */
    default void onPublish(
        final long connectionId,
        final String clientAddress,
        final String requestId,
        final int status,
        final long eventId,
        final int length)
    {
    }
}
