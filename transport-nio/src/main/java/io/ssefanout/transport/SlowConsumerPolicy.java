package io.ssefanout.transport;

/**
 * What happens to a subscriber that falls further behind than its topic log retains.
 */
public enum SlowConsumerPolicy
{
    /** Close the connection; the client reconnects and resumes with Last-Event-ID (a reset if too far behind). */
    DISCONNECT,
    /** Jump to the newest frame and tell the client with an {@code event: reset} frame. */
    SKIP,
    /**
     * Keep the stream: on its next write it gets, for each of its topics that moved, only the newest frame it has not
     * received, in id order, then live; no reset is needed (ids still increase). Counted as conflated frames.
     */
    CONFLATE;

    /**
     * @param name disconnect, skip or conflate, any case.
     * @return the policy.
     */
    public static SlowConsumerPolicy of(final String name)
    {
        switch (name.toLowerCase(java.util.Locale.ROOT))
        {
            case "disconnect": return DISCONNECT;
            case "skip": return SKIP;
            case "conflate": return CONFLATE;
            default: throw new IllegalArgumentException(
                "unknown " + TransportConfiguration.SLOW_CONSUMER_POLICY_PROP_NAME + ": " + name);
        }
    }
}
