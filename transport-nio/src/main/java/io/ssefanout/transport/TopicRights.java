package io.ssefanout.transport;

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
            if (matches(pattern, 0, topic, 0))
            {
                return true;
            }
        }
        return false;
    }

    static boolean matches(final String pattern, final int p, final String text, final int t)
    {
        if (p == pattern.length())
        {
            return t == text.length();
        }
        final char c = pattern.charAt(p);
        if ('*' == c)
        {
            for (int i = t; i <= text.length(); i++)
            {
                if (matches(pattern, p + 1, text, i))
                {
                    return true;
                }
            }
            return false;
        }
        return t < text.length() && ('?' == c || c == text.charAt(t)) && matches(pattern, p + 1, text, t + 1);
    }
}
