package io.ssefanout.engine;

/**
 * What a resume needs to know of topics that idle expiry forgot: for each name, the id of the newest event it had.
 * A topic created again under that name starts with nothing of its earlier history, so a client resuming from before
 * that id has missed events and must be told ({@code reset}), not handed the new topic's events as if nothing was
 * lost.
 * <p>
 * Bounded memory whatever the number of names: the name's hash picks a bucket that keeps the largest id recorded in
 * it. Two names sharing a bucket can only make a resume more cautious (a {@code reset} that was not strictly
 * needed), never less. Guarded by the {@link TopicRegistry}'s lock.
 */
final class ForgottenTopics
{
    /** Buckets: 128 KiB of ids, so a reset caused by a shared bucket is rare even with thousands of expiries. */
    static final int BUCKETS = 1 << 14;

    private final long[] newestEventIds = new long[BUCKETS];

    ForgottenTopics()
    {
        java.util.Arrays.fill(newestEventIds, -1);
    }

    /**
     * @param nameHash      the forgotten topic's name hash.
     * @param newestEventId id of its newest event, -1 if it had none.
     */
    void record(final int nameHash, final long newestEventId)
    {
        final int bucket = nameHash & (BUCKETS - 1);
        newestEventIds[bucket] = Math.max(newestEventIds[bucket], newestEventId);
    }

    /**
     * @param nameHash a topic name's hash.
     * @return the newest event id of any forgotten topic that may have had this name, -1 if none.
     */
    long newestEventId(final int nameHash)
    {
        return newestEventIds[nameHash & (BUCKETS - 1)];
    }
}
