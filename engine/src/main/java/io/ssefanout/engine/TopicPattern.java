package io.ssefanout.engine;

/**
 * Topic globs, as subscriptions and token rights write them: {@code *} matches any run of characters (none
 * included), {@code ?} exactly one, anything else itself. Matching is iterative (the classic backtrack to the last
 * star), so a hostile pattern costs at most O(pattern x name) and never recursion.
 */
public final class TopicPattern
{
    private TopicPattern()
    {
    }

    /**
     * @param name a topic name or a pattern.
     * @return true if it holds a wildcard.
     */
    public static boolean isPattern(final String name)
    {
        return name.indexOf('*') >= 0 || name.indexOf('?') >= 0;
    }

    /**
     * @param pattern a glob.
     * @param name    a topic name.
     * @return true if the glob matches the whole name.
     */
    public static boolean matches(final String pattern, final String name)
    {
        return matches(pattern, name, false);
    }

    /**
     * Does every topic {@code pattern} can match also match {@code rights}? Decided symbolically: the pattern's
     * {@code *} can be matched only by a {@code *} of the rights, its {@code ?} by a {@code ?} or a {@code *}, its
     * other characters as usual. Sound (never says yes wrongly); a few exotic coverings are refused.
     *
     * @param rights  a glob from a token.
     * @param pattern a glob a client subscribes to.
     * @return true if the rights cover the pattern.
     */
    public static boolean covers(final String rights, final String pattern)
    {
        return matches(rights, pattern, true);
    }

    private static boolean matches(final String pattern, final String text, final boolean isTextAPattern)
    {
        int p = 0;
        int t = 0;
        int starP = -1;
        int starT = 0;
        while (t < text.length())
        {
            final char c = text.charAt(t);
            if (p < pattern.length() && '*' == pattern.charAt(p))
            {
                starP = p++;
                starT = t;
            }
            else if (p < pattern.length() && isOneMatch(pattern.charAt(p), c, isTextAPattern))
            {
                p++;
                t++;
            }
            else if (starP >= 0)
            {
                p = starP + 1;
                t = ++starT;
            }
            else
            {
                return false;
            }
        }
        while (p < pattern.length() && '*' == pattern.charAt(p))
        {
            p++;
        }
        return p == pattern.length();
    }

    private static boolean isOneMatch(final char patternChar, final char c, final boolean isTextAPattern)
    {
        if (isTextAPattern && '*' == c)
        {
            return false;
        }
        return '?' == patternChar || patternChar == c;
    }
}
