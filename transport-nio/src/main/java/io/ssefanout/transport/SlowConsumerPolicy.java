package io.ssefanout.transport;

/**
 * What happens to a subscriber that falls further behind than its topic log retains.
 */
public enum SlowConsumerPolicy
{
    /** Close the connection; the client reconnects and resumes with Last-Event-ID (a reset if too far behind). */
    DISCONNECT,
    /** Jump to the newest frame and tell the client with an {@code event: reset} frame. */
    SKIP;

    /**
     * @param name disconnect or skip, any case.
     * @return the policy.
     */
    public static SlowConsumerPolicy of(final String name)
    {
        switch (name.toLowerCase(java.util.Locale.ROOT))
        {
            case "disconnect": return DISCONNECT;
            case "skip": return SKIP;
            default: throw new IllegalArgumentException(
                "unknown " + TransportConfiguration.SLOW_CONSUMER_POLICY_PROP_NAME + ": " + name);
        }
    }
}
