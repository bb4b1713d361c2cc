package io.ssefanout.transport;

import io.ssefanout.engine.Topic;
import io.ssefanout.engine.TopicPattern;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;

/**
 * One agent's streams that subscribed with patterns, and the topics created since the agent last looked. The
 * registry tells every agent of a new topic on the creating thread, before the topic can carry an event; the agent
 * takes new topics in at the start of a pass, after it read the watermark it merges up to, so a stream never
 * delivers past the first event of a topic it should have had.
 */
final class PatternSubscriptions implements Consumer<Topic>
{
    private final Queue<Topic> created = new ConcurrentLinkedQueue<>();
    private final List<Connection> connections = new ArrayList<>();
    private final TopicSubscriberIndex index;
    private Consumer<Connection> writeSoon;

    PatternSubscriptions(final TopicSubscriberIndex index)
    {
        this.index = index;
    }

    /**
     * @param writeSoon schedules a stream's write: a topic taken in may already hold frames no pass will announce.
     */
    void writeSoon(final Consumer<Connection> writeSoon)
    {
        this.writeSoon = writeSoon;
    }

    /**
     * A topic was created. Any thread.
     */
    @Override
    public void accept(final Topic topic)
    {
        created.offer(topic);
    }

    /**
     * A stream with patterns started; it already has the matching topics whose id is below its
     * {@link Connection#patternSnapshotCount}. Agent thread.
     */
    void add(final Connection connection)
    {
        connections.add(connection);
    }

    /**
     * A stream with patterns ended. Agent thread.
     */
    void remove(final Connection connection)
    {
        connections.remove(connection);
    }

    /**
     * Give every pattern stream the new topics it matches. Agent thread, at the start of a pass.
     *
     * @return topics taken in.
     */
    int takeInNewTopics()
    {
        int count = 0;
        Topic topic;
        while (null != (topic = created.poll()))
        {
            count++;
            for (int i = 0; i < connections.size(); i++)
            {
                final Connection connection = connections.get(i);
                if (topic.id() >= connection.patternSnapshotCount && matchesAny(connection.topicPatterns, topic.name()))
                {
                    final int cursor = connection.subscription.addTopic(topic);
                    if (cursor >= 0)
                    {
                        index.addTopic(connection, cursor);
                        writeSoon.accept(connection);
                    }
                }
            }
        }
        return count;
    }

    static boolean matchesAny(final String[] patterns, final String name)
    {
        for (final String pattern : patterns)
        {
            if (TopicPattern.matches(pattern, name))
            {
                return true;
            }
        }
        return false;
    }
}
