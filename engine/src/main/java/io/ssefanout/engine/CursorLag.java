package io.ssefanout.engine;

/**
 * How far a subscription's cursors are behind their logs: what a consumer whose socket is full is owed, and whether
 * it is so far behind that its frames will soon leave the history. Control path; reads each log's index. A cursor
 * that is to send a kept newest value (after eviction) is not behind.
 */
final class CursorLag
{
    private CursorLag()
    {
    }

    /**
     * Bytes published to this subscription's topics that it has not consumed yet. Control path (called when a
     * connection is blocked), reads each log's index.
     *
     * @return unsent bytes, summed over the topics.
     */
    static long unsentBytes(
        final Topic[] topics, final int topicCount, final long[] frames, final int[] frameOffsets,
        final NewestFrameCopy[] copies)
    {
        long unsent = 0;
        for (int i = 0; i < topicCount; i++)
        {
            final TopicFrameLog log = topics[i].log();
            if (null != log)
            {
                final long frame = frames[i];
                final long published = log.publishedFrameCount();
                if (frame < published && !(null != copies && null != copies[i]))
                {
                    final long position = log.position(frame);
                    if (frame < log.firstRetainedFrame())
                    {
                        return Long.MAX_VALUE;
                    }
                    unsent += log.publishedPosition() - (position + frameOffsets[i]);
                }
            }
        }
        return unsent;
    }

    /**
     * Is a consumer that cannot write now so far behind that its frames will soon leave the history? Half the
     * history's limits, so a skip can still let it finish the frame it is in. A consumer that is writing is only
     * lapped once its frames have actually gone: a resumed one gets everything retained. Control path.
     *
     * @return true when some topic's cursor lags more than half its log's retention limits.
     */
    static boolean isBeyondLagLimit(
        final Topic[] topics, final int topicCount, final long[] frames, final NewestFrameCopy[] copies)
    {
        for (int i = 0; i < topicCount; i++)
        {
            final TopicFrameLog log = topics[i].log();
            if (null != log)
            {
                final long frame = frames[i];
                final long published = log.publishedFrameCount();
                if (frame < published && !(null != copies && null != copies[i]))
                {
                    final long position = log.position(frame);
                    if (frame < log.firstRetainedFrame() || published - frame > log.lagLimitFrames() ||
                        log.publishedPosition() - position > log.lagLimitBytes())
                    {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
