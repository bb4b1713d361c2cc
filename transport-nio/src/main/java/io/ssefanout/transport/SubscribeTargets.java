package io.ssefanout.transport;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What one subscribe request asked for: topic names and topic patterns, each once, in the order given.
 */
final class SubscribeTargets
{
    final Set<String> names = new LinkedHashSet<>();
    final List<String> patterns = new ArrayList<>();

    void addName(final String name)
    {
        names.add(name);
    }

    void addPattern(final String pattern)
    {
        if (!patterns.contains(pattern))
        {
            patterns.add(pattern);
        }
    }

    int size()
    {
        return names.size() + patterns.size();
    }

    boolean isEmpty()
    {
        return 0 == size();
    }

    /**
     * @return true if the token may subscribe to every name and to every topic every pattern can match.
     */
    boolean isAuthorized(final TopicRights rights)
    {
        for (final String name : names)
        {
            if (!rights.canSubscribe(name))
            {
                return false;
            }
        }
        for (final String pattern : patterns)
        {
            if (!rights.canSubscribePattern(pattern))
            {
                return false;
            }
        }
        return true;
    }
}
