package io.ssefanout.engine;

import io.ssefanout.codec.Utf8;
import org.agrona.DirectBuffer;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Consumer;

/**
 * Topics by name. Lookups by UTF-8 bytes allocate nothing and take no lock: an open-addressed table whose slots are
 * published with release stores (a new topic is one store into the current table; the table is rebuilt only when it
 * doubles), so creating topic n costs O(1) amortised and a million topics take no quadratic copying. Creating a
 * topic is the control path and is serialised.
 */
public final class TopicRegistry
{
    /** Longest topic name, in UTF-8 bytes. */
    public static final int MAX_TOPIC_NAME_LENGTH = 256;

    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Topic[].class);

    private final int maxTopicCount;
    private volatile Topic[] table = new Topic[64];
    private volatile Topic[] topicsById = new Topic[64];
    private volatile int count;
    private volatile int liveCount;
    private int tombstoneCount;
    private volatile List<Consumer<Topic>> listeners = List.of();
    private final ForgottenTopics forgotten = new ForgottenTopics();
    private static final Topic TOMBSTONE = new Topic(-1, "", -1);

    /**
     * @param maxTopicCount most topics that may exist; creating one more fails.
     */
    public TopicRegistry(final int maxTopicCount)
    {
        this.maxTopicCount = maxTopicCount;
    }

    /**
     * Is this a valid topic name: 1 to {@link #MAX_TOPIC_NAME_LENGTH} bytes, none of them a control character,
     * space, or one of {@code / ? # % *} (the wildcards belong to patterns), and well-formed UTF-8 (so two spellings
     * never name one topic).
     *
     * @param buffer holding the name.
     * @param offset of the name.
     * @param length of the name.
     * @return true if valid.
     */
    public static boolean isValidName(final DirectBuffer buffer, final int offset, final int length)
    {
        return isValid(buffer, offset, length, false);
    }

    /**
     * Is this a valid topic pattern: a name that may hold the wildcards {@code *} and {@code ?}
     * (see {@link TopicPattern}).
     *
     * @param buffer holding the pattern.
     * @param offset of the pattern.
     * @param length of the pattern.
     * @return true if valid.
     */
    public static boolean isValidPattern(final DirectBuffer buffer, final int offset, final int length)
    {
        return isValid(buffer, offset, length, true);
    }

    private static boolean isValid(final DirectBuffer buffer, final int offset, final int length, final boolean isPattern)
    {
        if (length < 1 || length > MAX_TOPIC_NAME_LENGTH)
        {
            return false;
        }
        for (int i = 0; i < length; i++)
        {
            final byte b = buffer.getByte(offset + i);
            if ((b >= 0 && b <= ' ') || 0x7F == b || '/' == b || '#' == b || '%' == b ||
                (!isPattern && ('?' == b || '*' == b)))
            {
                return false;
            }
        }
        return Utf8.isValid(buffer, offset, length);
    }

    /**
     * Be told of every topic created from now on, on the creating thread, before the topic can carry an event (so a
     * pattern subscription can take it in before any watermark covers its first event). Control path.
     *
     * @param listener must be quick and must not throw.
     */
    public synchronized void addListener(final Consumer<Topic> listener)
    {
        final List<Consumer<Topic>> updated = new ArrayList<>(listeners);
        updated.add(listener);
        listeners = updated;
    }

    /**
     * Stop telling a listener. Control path.
     *
     * @param listener to remove.
     */
    public synchronized void removeListener(final Consumer<Topic> listener)
    {
        final List<Consumer<Topic>> updated = new ArrayList<>(listeners);
        updated.remove(listener);
        listeners = updated;
    }

    /**
     * Find a topic without creating it. Any thread, allocation-free.
     *
     * @param buffer holding the name.
     * @param offset of the name.
     * @param length of the name.
     * @return the topic or null.
     */
    public Topic find(final DirectBuffer buffer, final int offset, final int length)
    {
        final Topic[] table = this.table;
        final int mask = table.length - 1;
        int slot = hash(buffer, offset, length) & mask;
        while (true)
        {
            final Topic topic = (Topic)SLOT.getAcquire(table, slot);
            if (null == topic)
            {
                return null;
            }
            // a forgotten topic's slot holds TOMBSTONE, whose empty name matches nothing: probing goes on
            final DirectBuffer name = topic.nameBytes();
            if (name.capacity() == length && bytesEqual(name, buffer, offset, length))
            {
                return topic;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * Find or create a topic. Any thread; allocation-free when it exists.
     *
     * @param buffer holding a valid name (see {@link #isValidName}).
     * @param offset of the name.
     * @param length of the name.
     * @return the topic, or null when creating it would exceed the topic limit.
     */
    public Topic findOrCreate(final DirectBuffer buffer, final int offset, final int length)
    {
        final Topic topic = find(buffer, offset, length);
        return null != topic ? topic : create(buffer.getStringWithoutLengthUtf8(offset, length));
    }

    /**
     * Find or create a topic by name. Control path.
     *
     * @param name the topic's name.
     * @return the topic, or null when creating it would exceed the topic limit.
     */
    public Topic findOrCreate(final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        final org.agrona.concurrent.UnsafeBuffer buffer = new org.agrona.concurrent.UnsafeBuffer(bytes);
        return findOrCreate(buffer, 0, bytes.length);
    }

    /**
     * @return every topic, in creation order: a copy. Control path.
     */
    public Topic[] topics()
    {
        return topics(count);
    }

    /**
     * @param idLimit an {@link #idCount()} read earlier.
     * @return the live topics whose id is below {@code idLimit}, in creation order: a copy. Control path.
     */
    public Topic[] topics(final int idLimit)
    {
        final Topic[] byId = topicsById;
        final List<Topic> live = new ArrayList<>();
        for (int i = 0; i < idLimit; i++)
        {
            final Topic topic = byId[i];
            if (null != topic)
            {
                live.add(topic);
            }
        }
        return live.toArray(new Topic[0]);
    }

    /**
     * @return one more than the highest id given so far: a topic created later has an id at least this. Any thread.
     */
    public int idCount()
    {
        return count;
    }

    /**
     * Forget a topic: later lookups of its name miss (and may create a new topic with a new id, which remembers
     * {@code newestEventId} as {@link Topic#forgottenEventId()}). Control path; the sequencer calls it for a topic it
     * expired.
     *
     * @param topic         a topic of this registry.
     * @param newestEventId id of the topic's newest event, -1 if it had none.
     */
    public synchronized void remove(final Topic topic, final long newestEventId)
    {
        final Topic[] table = this.table;
        final int mask = table.length - 1;
        final DirectBuffer name = topic.nameBytes();
        final int nameHash = hash(name, 0, name.capacity());
        forgotten.record(nameHash, Math.max(newestEventId, topic.forgottenEventId()));
        int slot = nameHash & mask;
        while (null != table[slot])
        {
            if (table[slot] == topic)
            {
                SLOT.setRelease(table, slot, TOMBSTONE);
                topicsById[topic.id()] = null;
                liveCount--;
                tombstoneCount++;
                return;
            }
            slot = (slot + 1) & mask;
        }
    }

    /**
     * @param id a topic id, below {@link #count()}.
     * @return the topic. Any thread.
     */
    public Topic topic(final int id)
    {
        return topicsById[id];
    }

    /**
     * @return number of topics that exist now.
     */
    public int count()
    {
        return liveCount;
    }

    private synchronized Topic create(final String name)
    {
        final byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        final org.agrona.concurrent.UnsafeBuffer nameBuffer = new org.agrona.concurrent.UnsafeBuffer(bytes);
        final Topic existing = find(nameBuffer, 0, bytes.length);
        if (null != existing)
        {
            return existing;
        }
        final int n = count;
        if (liveCount >= maxTopicCount)
        {
            return null;
        }

        final Topic topic = new Topic(n, name, forgotten.newestEventId(hash(nameBuffer, 0, bytes.length)));
        Topic[] byId = topicsById;
        if (n == byId.length)
        {
            byId = Arrays.copyOf(byId, n * 2);
        }
        byId[n] = topic;
        topicsById = byId;
        if ((liveCount + tombstoneCount + 1) * 2 > table.length)
        {
            // rebuilt from the live topics: tombstones go, and the table doubles only when live topics need it
            int length = table.length;
            while ((liveCount + 1) * 2 > length)
            {
                length *= 2;
            }
            if ((liveCount + 1) * 4 > length)
            {
                length *= 2;
            }
            final Topic[] grown = new Topic[length];
            for (int i = 0; i < n; i++)
            {
                if (null != byId[i])
                {
                    insert(grown, byId[i]);
                }
            }
            insert(grown, topic);
            table = grown;
            tombstoneCount = 0;
        }
        else
        {
            insert(table, topic);
        }
        liveCount++;
        count = n + 1;
        for (final Consumer<Topic> listener : listeners)
        {
            listener.accept(topic);
        }
        return topic;
    }

    private static boolean bytesEqual(
        final DirectBuffer name, final DirectBuffer buffer, final int offset, final int length)
    {
        for (int i = 0; i < length; i++)
        {
            if (name.getByte(i) != buffer.getByte(offset + i))
            {
                return false;
            }
        }
        return true;
    }

    private static void insert(final Topic[] table, final Topic topic)
    {
        final int mask = table.length - 1;
        final DirectBuffer name = topic.nameBytes();
        int slot = hash(name, 0, name.capacity()) & mask;
        while (null != table[slot])
        {
            slot = (slot + 1) & mask;
        }
        SLOT.setRelease(table, slot, topic);
    }

    private static int hash(final DirectBuffer buffer, final int offset, final int length)
    {
        int h = 0x811C9DC5;
        for (int i = 0; i < length; i++)
        {
            h = (h ^ buffer.getByte(offset + i)) * 0x01000193;
        }
        return h ^ (h >>> 16);
    }
}
