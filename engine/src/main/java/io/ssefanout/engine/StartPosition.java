package io.ssefanout.engine;

/**
 * Where a subscription's cursors start: after a resume point (and whether events after it are gone, so the client
 * must be told), at each topic's newest value for a snapshot (the kept copy when eviction took the history), or at
 * the first frame after an id for a topic taken in later. Control path, on the subscription's thread; index entries
 * read are used only once a recheck shows they were still retained.
 */
final class StartPosition
{
    private StartPosition()
    {
    }

    /**
     * Position every cursor after {@code lastEventId} (or live, for -1).
     *
     * @return true if the client must be told that events after its resume point are gone (or unknown).
     */
    static boolean afterResumePoint(
        final Sequencer sequencer, final Topic[] topics, final int topicCount, final long[] frames,
        final long lastEventId)
    {
        final long historyFloor = sequencer.historyFloorEventId();
        final long watermark = sequencer.publishedEventId();
        boolean isResetRequired = lastEventId >= 0 && (lastEventId < historyFloor || lastEventId > watermark);

        for (int i = 0; i < topicCount; i++)
        {
            // a topic of this name that idle expiry forgot had events after the resume point: they are gone
            isResetRequired |= lastEventId >= 0 && topics[i].forgottenEventId() > lastEventId;
            final TopicFrameLog log = topics[i].log();
            if (null == log)
            {
                frames[i] = 0;
                continue;
            }

            while (true)
            {
                final long published = log.publishedFrameCount();
                if (lastEventId < 0 || lastEventId > watermark || 0 == published)
                {
                    frames[i] = published;
                    break;
                }
                final long oldest = Math.min(log.firstRetainedFrame(), published);
                final long droppedEventId = log.droppedEventId();
                final long first = log.firstFrameAfter(oldest, published, lastEventId);
                if (log.firstRetainedFrame() <= oldest)
                {
                    // events after the resume point have left the history: the client must be told
                    isResetRequired |= droppedEventId > lastEventId;
                    frames[i] = first;
                    break;
                }
            }
        }
        return isResetRequired;
    }

    /**
     * Position every cursor at its topic's newest frame, or at the kept copy of it.
     *
     * @return the copies array, allocated if a copy was needed.
     */
    static NewestFrameCopy[] atNewest(
        final Topic[] topics, final int topicCount, final long[] frames, final int[] frameOffsets,
        final NewestFrameCopy[] existingCopies)
    {
        NewestFrameCopy[] copies = existingCopies;
        for (int i = 0; i < topicCount; i++)
        {
            final TopicFrameLog log = topics[i].log();
            if (null != log)
            {
                final long published = log.publishedFrameCount();
                frames[i] = published > 0 && published - 1 >= log.firstRetainedFrame() ? published - 1 : published;
                frameOffsets[i] = 0;
                final NewestFrameCopy copy = log.newestCopy();
                if (frames[i] == published && null != copy && copy.frame == published - 1)
                {
                    // the history was evicted but the current value was kept: it opens the snapshot
                    if (null == copies)
                    {
                        copies = new NewestFrameCopy[topics.length];
                    }
                    copies[i] = copy;
                    frames[i] = copy.frame;
                }
            }
        }
        return copies;
    }

    /**
     * @return the first frame of {@code log} after {@code afterEventId} that is retained (0 if the log is not made).
     */
    static long firstAfter(final TopicFrameLog log, final long afterEventId)
    {
        if (null == log)
        {
            return 0;
        }
        while (true)
        {
            final long published = log.publishedFrameCount();
            final long oldest = Math.min(log.firstRetainedFrame(), published);
            final long first = afterEventId < 0 ? oldest : log.firstFrameAfter(oldest, published, afterEventId);
            if (log.firstRetainedFrame() <= oldest)
            {
                return first;
            }
        }
    }
}
