package io.ssefanout.transport;

import io.ssefanout.engine.MovedTopicJournal;
import io.ssefanout.engine.TopicFrameLog;

import java.util.Arrays;

/**
 * The first half of a fan-out pass: find the topics that moved since the last pass and mark each in its subscribers'
 * subscriptions. It reads the sequencer's {@link MovedTopicJournal} from this agent's own position, so it costs the
 * events since the last pass, not the topics this agent serves; only when the journal was overrun (a pass held off
 * for more events than it keeps) does it look at every served topic once. Each moved topic is marked once per pass,
 * however often it moved. Agent thread; hot path: allocation-free once its list has grown.
 */
final class MovedTopicMarker
{
    private final MovedTopicJournal journal;
    private final TopicSubscriberIndex index;
    private TopicSubscribers[] moved = new TopicSubscribers[64];
    private int movedCount;
    private long position;
    private long passNumber = 1;

    MovedTopicMarker(final MovedTopicJournal journal, final TopicSubscriberIndex index)
    {
        this.journal = journal;
        this.index = index;
        this.position = journal.published();
    }

    /**
     * Mark what moved. Read the watermark before calling: every topic with a frame at or below it is then found.
     *
     * @return how many topics moved; {@link #moved(int)} gives them until the next call.
     */
    int markMoved()
    {
        movedCount = 0;
        final long end = journal.published();
        if (end - position > journal.capacity())
        {
            markByScan();
        }
        else
        {
            for (long p = position; p < end; p++)
            {
                final TopicSubscribers subscribers = index.byIdIfAny(journal.topicIdAt(p));
                if (null != subscribers && subscribers.activeIndex >= 0)
                {
                    mark(subscribers);
                }
            }
            if (journal.isOverrun(position))
            {
                // written over while read: the ids may be wrong, so this once every topic is looked at
                markByScan();
            }
        }
        position = end;
        passNumber++;
        return movedCount;
    }

    /**
     * Mark what moved by looking at every served topic, as before the journal: the fallback, and the baseline a
     * benchmark compares with.
     *
     * @return how many topics moved.
     */
    int markMovedByScan()
    {
        movedCount = 0;
        markByScan();
        position = journal.published();
        passNumber++;
        return movedCount;
    }

    /**
     * @param i below what the last mark returned.
     * @return the i-th topic that moved; the slot is cleared (the list holds no reference after the pass).
     */
    TopicSubscribers moved(final int i)
    {
        final TopicSubscribers subscribers = moved[i];
        moved[i] = null;
        return subscribers;
    }

    /**
     * @return true if events were sequenced since the last pass (for topics of this agent or not): no sleeping yet.
     */
    boolean hasMovedTopics()
    {
        return journal.published() != position;
    }

    private void markByScan()
    {
        for (int i = index.activeCount() - 1; i >= 0; i--)
        {
            mark(index.active(i));
        }
    }

    private void mark(final TopicSubscribers subscribers)
    {
        final TopicFrameLog log = subscribers.topic.log();
        if (null == log || subscribers.markedInPass == passNumber)
        {
            return;
        }
        final long published = log.publishedFrameCount();
        if (published == subscribers.seenFrameCount)
        {
            return;
        }
        subscribers.seenFrameCount = published;
        subscribers.markedInPass = passNumber;
        for (int j = 0; j < subscribers.count; j++)
        {
            subscribers.connections[j].subscription.markDirty(subscribers.cursors[j]);
        }
        if (movedCount == moved.length)
        {
            moved = Arrays.copyOf(moved, movedCount * 2);
        }
        moved[movedCount++] = subscribers;
    }
}
