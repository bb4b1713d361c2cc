package io.ssefanout.transport;

import io.ssefanout.engine.Topic;
import io.ssefanout.engine.TopicFrameLog;

import java.util.Arrays;

/**
 * One agent's subscribers by topic, and the topics that have any ("active"): what a fan-out pass walks and what
 * tells the agent a topic moved. Changed only on the agent thread, on subscribe and close.
 */
final class TopicSubscriberIndex
{
    private TopicSubscribers[] topicsById = new TopicSubscribers[16];
    private TopicSubscribers[] activeTopics = new TopicSubscribers[16];
    private int activeTopicCount;

    int activeCount()
    {
        return activeTopicCount;
    }

    TopicSubscribers active(final int index)
    {
        return activeTopics[index];
    }

    TopicSubscribers byId(final int topicId)
    {
        return topicsById[topicId];
    }

    /**
     * @return the subscribers of the topic with this id on this agent, or null when it never had any here.
     */
    TopicSubscribers byIdIfAny(final int topicId)
    {
        final TopicSubscribers[] byId = topicsById;
        return topicId >= 0 && topicId < byId.length ? byId[topicId] : null;
    }

    /**
     * Add a streaming connection under each of its subscription's topics. Control path.
     */
    void add(final Connection connection)
    {
        final Topic[] topics = connection.subscription.topics();
        final int topicCount = connection.subscription.topicCount();
        connection.topicSlots = new int[Math.max(1, topicCount)];
        for (int i = 0; i < topicCount; i++)
        {
            addUnder(connection, topics[i], i);
        }
    }

    /**
     * Add a streaming connection under one more topic of its subscription (a pattern matched a new topic).
     *
     * @param cursor index of the topic in the subscription.
     */
    void addTopic(final Connection connection, final int cursor)
    {
        if (cursor >= connection.topicSlots.length)
        {
            connection.topicSlots = Arrays.copyOf(connection.topicSlots, Math.max(cursor + 1, connection.topicSlots.length * 2));
        }
        addUnder(connection, connection.subscription.topics()[cursor], cursor);
    }

    private void addUnder(final Connection connection, final Topic topic, final int cursor)
    {
        final TopicSubscribers subscribers = subscribersOf(topic);
        connection.topicSlots[cursor] = subscribers.add(connection, cursor);
        if (1 == subscribers.count)
        {
            activate(subscribers);
        }
    }

    /**
     * Remove a connection from every topic it was under, rewiring the slot of the connection moved into its place.
     */
    void remove(final Connection connection)
    {
        final Topic[] topics = connection.subscription.topics();
        final int topicCount = connection.subscription.topicCount();
        for (int i = 0; i < topicCount; i++)
        {
            final TopicSubscribers subscribers = topicsById[topics[i].id()];
            final int slot = connection.topicSlots[i];
            final Connection moved = subscribers.removeAt(slot);
            if (null != moved)
            {
                moved.topicSlots[subscribers.cursors[slot]] = slot;
            }
            if (0 == subscribers.count)
            {
                deactivate(subscribers);
            }
        }
        connection.topicSlots = null;
    }

    TopicSubscribers subscribersOf(final Topic topic)
    {
        final int id = topic.id();
        if (id >= topicsById.length)
        {
            topicsById = Arrays.copyOf(topicsById, Math.max(id + 1, topicsById.length * 2));
        }
        TopicSubscribers subscribers = topicsById[id];
        if (null == subscribers)
        {
            subscribers = new TopicSubscribers(topic);
            topicsById[id] = subscribers;
        }
        return subscribers;
    }

    void activate(final TopicSubscribers subscribers)
    {
        if (activeTopicCount == activeTopics.length)
        {
            activeTopics = Arrays.copyOf(activeTopics, activeTopicCount * 2);
        }
        subscribers.activeIndex = activeTopicCount;
        activeTopics[activeTopicCount++] = subscribers;
        final TopicFrameLog log = subscribers.topic.log();
        subscribers.seenFrameCount = null == log ? -1 : log.publishedFrameCount();
    }

    void deactivate(final TopicSubscribers subscribers)
    {
        final int index = subscribers.activeIndex;
        final int last = --activeTopicCount;
        final TopicSubscribers moved = activeTopics[last];
        activeTopics[last] = null;
        if (index != last)
        {
            activeTopics[index] = moved;
            moved.activeIndex = index;
        }
        subscribers.activeIndex = -1;
    }
}
