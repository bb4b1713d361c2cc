package io.ssefanout.transport;

import io.ssefanout.engine.TopicPattern;

import java.util.List;

/**
 * The topics a token may subscribe to and publish to, as glob patterns: {@code *} matches any run of characters
 * (including none), {@code ?} one character, anything else itself. {@code "*"} alone grants every topic.
 */
public final class TopicRights
{
    private final List<String> subscribePatterns;
    private final List<String> publishPatterns;
    private final long expiresAtMs;

    /**
     * @param subscribePatterns patterns of topics that may be subscribed to.
     * @param publishPatterns   patterns of topics that may be published to.
     * @param expiresAtMs       when the token expires (epoch ms), {@link Long#MAX_VALUE} for never.
     */
    public TopicRights(final List<String> subscribePatterns, final List<String> publishPatterns, final long expiresAtMs)
    {
        this.subscribePatterns = List.copyOf(subscribePatterns);
        this.publishPatterns = List.copyOf(publishPatterns);
        this.expiresAtMs = expiresAtMs;
    }

    /**
     * @param topic topic name.
     * @return true if the token may subscribe to it.
     */
    public boolean canSubscribe(final String topic)
    {
        return anyMatches(subscribePatterns, topic);
    }

    /**
     * @param pattern a topic glob a client subscribes to.
     * @return true if every topic the pattern can match is one the token may subscribe to.
     */
    public boolean canSubscribePattern(final String pattern)
    {
        for (final String rights : subscribePatterns)
        {
            if (TopicPattern.covers(rights, pattern))
            {
                return true;
            }
        }
        return false;
    }

    /**
     * @param topic topic name.
     * @return true if the token may publish to it.
     */
    public boolean canPublish(final String topic)
    {
        return anyMatches(publishPatterns, topic);
    }

    /**
     * @return expiry in epoch milliseconds.
     */
    public long expiresAtMs()
    {
        return expiresAtMs;
    }

    private static boolean anyMatches(final List<String> patterns, final String topic)
    {
        for (final String pattern : patterns)
        {
            if (TopicPattern.matches(pattern, topic))
            {
                return true;
            }
        }
        return false;
    }
}
