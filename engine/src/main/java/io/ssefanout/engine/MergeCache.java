package io.ssefanout.engine;

/**
 * The smallest next ids one merge scan saw, in order, so the runs after the scan take them from here instead of
 * scanning every marked topic again (a snapshot of N topics would otherwise cost N scans of N). One per
 * {@link Subscription}, on its thread; arrays made on the first big merge and reused.
 * <p>
 * An entry stays usable while it is below {@link #bound()}: the smallest id the scan did not keep, the scan's
 * watermark (every later frame has a larger id), and the next id of the topic sent just before (which may have more
 * frames than the one kept). The subscription checks that the entry's topic still has the kept frame next.
 */
final class MergeCache
{
    /** Fewest marked topics a scan keeps ids for. */
    static final int MIN_TOPICS = 64;
    private static final int LENGTH_MIN = 1024;
    private static final int LENGTH_MAX = 65_536;

    private int[] cursors;
    private long[] ids;
    private int count;
    private int next;
    private long bound;
    private long smallestNotKept;

    /**
     * Start keeping during a scan of {@code markedTopics}: an eighth of them, 1,024 to 65,536, so a snapshot costs
     * about eight scans of what is left.
     */
    void begin(final int markedTopics)
    {
        final int length = Math.min(LENGTH_MAX, Math.max(LENGTH_MIN, markedTopics / 8));
        if (null == ids || ids.length < length)
        {
            cursors = new int[length];
            ids = new long[length];
        }
        count = 0;
        next = 0;
        smallestNotKept = Long.MAX_VALUE;
    }

    /**
     * Keep {@code (cursor, id)} among the smallest ids of this scan: a max-heap while the scan runs.
     */
    void keep(final int cursor, final long id)
    {
        if (count < ids.length)
        {
            int child = count++;
            while (child > 0)
            {
                final int parent = (child - 1) >>> 1;
                if (ids[parent] >= id)
                {
                    break;
                }
                ids[child] = ids[parent];
                cursors[child] = cursors[parent];
                child = parent;
            }
            ids[child] = id;
            cursors[child] = cursor;
        }
        else if (id >= ids[0])
        {
            smallestNotKept = Math.min(smallestNotKept, id);
        }
        else
        {
            smallestNotKept = Math.min(smallestNotKept, ids[0]);
            siftDown(cursor, id, count);
        }
    }

    /**
     * The scan is over: sort what was kept ascending; the first entry is the scan's best, taken by the caller now.
     *
     * @param watermark the scan's watermark.
     */
    void finish(final long watermark)
    {
        for (int end = count - 1; end > 0; end--)
        {
            final long largestId = ids[0];
            final int largestCursor = cursors[0];
            siftDown(cursors[end], ids[end], end);
            ids[end] = largestId;
            cursors[end] = largestCursor;
        }
        bound = Math.min(smallestNotKept, Long.MAX_VALUE == watermark ? Long.MAX_VALUE : watermark + 1);
        next = 1;
    }

    /**
     * @return true while entries from the last scan may still be used.
     */
    boolean isActive()
    {
        return count > 0;
    }

    /**
     * @return the cursor of the entry taken last.
     */
    int previousCursor()
    {
        return cursors[next - 1];
    }

    /**
     * @param nextId the next id of the topic sent last, if it has one: nothing at or above it may go first.
     */
    void lowerBound(final long nextId)
    {
        bound = Math.min(bound, nextId);
    }

    /**
     * @return whether an entry is left and below the bound.
     */
    boolean hasUsableEntry()
    {
        return next < count && ids[next] < bound;
    }

    /**
     * @return the next entry's cursor.
     */
    int nextCursor()
    {
        return cursors[next];
    }

    /**
     * @return the next entry's id.
     */
    long nextId()
    {
        return ids[next];
    }

    /**
     * Take the next entry; {@link #otherNextId()} then bounds the run from it.
     */
    void take()
    {
        next++;
    }

    /**
     * @return what a run of the topic taken last must stay below.
     */
    long otherNextId()
    {
        return Math.min(bound, next < count ? ids[next] : Long.MAX_VALUE);
    }

    /**
     * Forget the entries: the next run scans.
     */
    void drop()
    {
        count = 0;
        next = 0;
    }

    private void siftDown(final int cursor, final long id, final int length)
    {
        int parent = 0;
        while (true)
        {
            int child = 2 * parent + 1;
            if (child >= length)
            {
                break;
            }
            if (child + 1 < length && ids[child + 1] > ids[child])
            {
                child++;
            }
            if (ids[child] <= id)
            {
                break;
            }
            ids[parent] = ids[child];
            cursors[parent] = cursors[child];
            parent = child;
        }
        ids[parent] = id;
        cursors[parent] = cursor;
    }
}
