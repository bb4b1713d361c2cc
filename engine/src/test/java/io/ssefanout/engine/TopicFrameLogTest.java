package io.ssefanout.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The segmented log on its own, written from the test thread as the sequencer would: frames across segment ends,
 * retention by count, bytes and age, eviction by a full pool, and reclamation held back by a reader's epoch.
 */
class TopicFrameLogTest
{
    private static final int SEGMENT = 4096;
    private final FanoutCounters counters = new FanoutCounters();

    @AfterEach
    void close()
    {
        counters.close();
    }

    @Test
    void shouldKeepPositionsContiguousAndSplitAFrameAcrossSegments()
    {
        try (LogSegmentPool pool = new LogSegmentPool(SEGMENT, 64 * SEGMENT, counters))
        {
            final TopicFrameLog log = new TopicFrameLog(pool, 1000, 1 << 20, 0);
            long expected = 0;
            for (int i = 0; i < 100; i++)
            {
                final byte[] frame = frame(i, 100 + i);
                append(log, 1000 + i, frame, 0);
                assertThat(log.position(i)).isEqualTo(expected);
                assertThat(read(log, i)).isEqualTo(frame);
                expected += frame.length;
                assertThat(log.publishedPosition()).isEqualTo(expected);
                assertThat(log.publishedFrameCount()).isEqualTo(i + 1);
            }
            assertThat(log.firstRetainedFrame()).isZero();
            assertThat(log.heldSegments()).isEqualTo((int)((expected + SEGMENT - 1) / SEGMENT));
            for (int i = 0; i < 100; i++)
            {
                assertThat(read(log, i)).as("frame %d intact", i).isEqualTo(frame(i, 100 + i));
            }
        }
    }

    @Test
    void shouldRetainByEventsBytesAndAgeAndGiveEmptySegmentsBack()
    {
        try (LogSegmentPool pool = new LogSegmentPool(SEGMENT, 64 * SEGMENT, counters))
        {
            final TopicFrameLog byEvents = new TopicFrameLog(pool, 10, 1 << 20, 0);
            for (int i = 0; i < 25; i++)
            {
                append(byEvents, i, frame(i, 50), 0);
            }
            assertThat(byEvents.publishedFrameCount() - byEvents.firstRetainedFrame()).isEqualTo(10);
            assertThat(byEvents.droppedEventId()).isEqualTo(14);

            final TopicFrameLog byBytes = new TopicFrameLog(pool, 1000, 3 * SEGMENT, 0);
            for (int i = 0; i < 200; i++)
            {
                append(byBytes, i, frame(i, 500), 0);
            }
            final long retainedBytes = byBytes.publishedPosition() - byBytes.position(byBytes.firstRetainedFrame());
            assertThat(retainedBytes).isLessThanOrEqualTo(3 * SEGMENT).isGreaterThan(3 * SEGMENT - 500);
            assertThat(byBytes.heldSegments()).as("segments no retained frame touches went back").isLessThanOrEqualTo(4);

            final TopicFrameLog byAge = new TopicFrameLog(pool, 1000, 1 << 20, 1_000);
            append(byAge, 1, frame(1, 50), 0);
            append(byAge, 2, frame(2, 50), 500);
            append(byAge, 3, frame(3, 50), 1_200);
            assertThat(byAge.firstRetainedFrame()).as("the event older than 1000 ns went").isEqualTo(1);
            append(byAge, 4, frame(4, 50), 5_000);
            assertThat(byAge.firstRetainedFrame()).as("only the new frame is left").isEqualTo(3);
            assertThat(read(byAge, 3)).isEqualTo(frame(4, 50));
        }
    }

    @Test
    void shouldEvictTheOldestHistoryAcrossTopicsAndKeepEachTopicsNewestFrame()
    {
        try (LogSegmentPool pool = new LogSegmentPool(SEGMENT, 16 * SEGMENT, counters))
        {
            final TopicFrameLog[] logs = new TopicFrameLog[1000];
            for (int i = 0; i < logs.length; i++)
            {
                logs[i] = new TopicFrameLog(pool, 1000, 1 << 20, 0);
                append(logs[i], i, frame(i, 128), i);
            }
            assertThat(pool.memoryUsed() - pool.looseMemoryUsed()).as("the pool never grows past its size")
                .isEqualTo(16L * SEGMENT);
            assertThat(counters.get(EngineCounterDescriptor.LOG_SEGMENTS_OVERCOMMITTED).get()).isZero();
            assertThat(counters.get(EngineCounterDescriptor.LOG_SEGMENTS_EVICTED).get()).isGreaterThan(900);
            for (int i = 0; i < logs.length; i++)
            {
                final TopicFrameLog log = logs[i];
                if (log.firstRetainedFrame() < log.publishedFrameCount())
                {
                    assertThat(read(log, 0)).isEqualTo(frame(i, 128));
                }
                else
                {
                    assertThat(log.droppedEventId()).isEqualTo(i);
                    final NewestFrameCopy copy = log.newestCopy();
                    final byte[] bytes = new byte[copy.length];
                    copy.segment.buffer().getBytes(0, bytes);
                    assertThat(bytes).as("topic %d keeps its newest frame", i).isEqualTo(frame(i, 128));
                    assertThat(copy.eventId).isEqualTo(i);
                }
            }
            assertThat(logs[logs.length - 1].firstRetainedFrame()).as("the newest topic keeps its history").isZero();
        }
    }

    @Test
    void shouldNotReuseASegmentWhileAReaderThatMaySeeItIsInsideItsEpoch()
    {
        try (LogSegmentPool pool = new LogSegmentPool(SEGMENT, 4 * SEGMENT, counters))
        {
            final LogReader reader = pool.newReader();
            final TopicFrameLog log = new TopicFrameLog(pool, 1000, 2 * SEGMENT, 0);
            append(log, 0, frame(0, 1000), 0);
            reader.enter();
            final LogSegment held = log.segment(log.position(0));
            assertThat(log.firstRetainedFrame()).isZero();
            final byte[] before = new byte[1000];
            held.buffer().getBytes(0, before);

            for (int i = 1; i < 40; i++)
            {
                append(log, i, frame(i, 1000), 0);
            }
            assertThat(log.firstRetainedFrame()).as("frame 0 left the history").isPositive();
            final byte[] after = new byte[1000];
            held.buffer().getBytes(0, after);
            assertThat(after).as("but its bytes are untouched while the reader is inside its epoch").isEqualTo(before);
            assertThat(counters.get(EngineCounterDescriptor.LOG_SEGMENTS_OVERCOMMITTED).get()).isPositive();

            reader.exit();
            for (int i = 40; i < 80; i++)
            {
                append(log, i, frame(i, 1000), 0);
            }
            assertThat(pool.overcommitCount()).as("extra segments given back once the reader left").isZero();
            reader.close();
        }
    }

    @Test
    void shouldFindResumePointsByBinarySearch()
    {
        try (LogSegmentPool pool = new LogSegmentPool(SEGMENT, 64 * SEGMENT, counters))
        {
            final TopicFrameLog log = new TopicFrameLog(pool, 64, 1 << 20, 0);
            for (int i = 0; i < 100; i++)
            {
                append(log, 10L * i, frame(i, 50), 0);
            }
            final long published = log.publishedFrameCount();
            final long oldest = log.firstRetainedFrame();
            assertThat(published - oldest).isEqualTo(64);
            assertThat(log.firstFrameAfter(oldest, published, 955)).isEqualTo(96);
            assertThat(log.firstFrameAfter(oldest, published, 960)).isEqualTo(97);
            assertThat(log.firstFrameAfter(oldest, published, 990)).isEqualTo(published);
        }
    }

    static void append(final TopicFrameLog log, final long eventId, final byte[] frame, final long ingestTimeNs)
    {
        final int offset = log.claim(frame.length, ingestTimeNs);
        if (offset >= 0)
        {
            log.claimedBuffer().putBytes(offset, frame);
        }
        else
        {
            log.write(new UnsafeBuffer(frame), 0, frame.length);
        }
        log.commit(eventId, frame.length, ingestTimeNs);
    }

    private static byte[] read(final TopicFrameLog log, final long frame)
    {
        final byte[] bytes = new byte[log.frameLength(frame)];
        long position = log.position(frame);
        int done = 0;
        while (done < bytes.length)
        {
            final int offset = log.offset(position);
            final int part = (int)Math.min(bytes.length - done, log.segmentEnd(position) - position);
            log.segment(position).buffer().getBytes(offset, bytes, done, part);
            done += part;
            position += part;
        }
        return bytes;
    }

    private static byte[] frame(final int n, final int length)
    {
        final byte[] bytes = new byte[length];
        final byte[] label = ("frame " + n + " ").getBytes(StandardCharsets.US_ASCII);
        for (int i = 0; i < length; i++)
        {
            bytes[i] = label[i % label.length];
        }
        return bytes;
    }
}
