package io.ssefanout.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicFrameLogTest
{
    @Test
    void shouldNeverLetFrameStraddleTheEndOfTheBuffer()
    {
        try (TopicFrameLog log = new TopicFrameLog(1024, 16))
        {
            long expectedPosition = 0;
            for (int i = 0; i < 40; i++)
            {
                final int length = 100 + i;
                final int offset = log.claim(length);
                assertThat(offset + length).isLessThanOrEqualTo(1024);
                if ((expectedPosition & 1023) + length > 1024)
                {
                    expectedPosition += 1024 - (expectedPosition & 1023);
                }
                log.commit(1000 + i, length, i);
                assertThat(log.position(i)).isEqualTo(expectedPosition);
                expectedPosition += length;
                assertThat(log.publishedPosition()).isEqualTo(expectedPosition);
                assertThat(log.publishedFrameCount()).isEqualTo(i + 1);
            }
        }
    }

    @Test
    void shouldFindResumePointsByBinarySearchWithinReplayWindow()
    {
        try (TopicFrameLog log = new TopicFrameLog(4096, 64))
        {
            for (int i = 0; i < 100; i++)
            {
                log.claim(50);
                log.commit(10L * i, 50, 0);
            }
            final long published = log.publishedFrameCount();
            final long oldest = log.oldestReplayableFrame(published);
            assertThat(published - oldest).isLessThanOrEqualTo(log.maxLagFrames());
            assertThat(log.publishedPosition() - log.position(oldest)).isLessThanOrEqualTo(log.maxLagBytes());
            assertThat(published - (oldest - 1) > log.maxLagFrames() ||
                log.publishedPosition() - log.position(oldest - 1) > log.maxLagBytes()).isTrue();
            assertThat(log.firstFrameAfter(oldest, published, 955)).isEqualTo(96);
            assertThat(log.firstFrameAfter(oldest, published, 960)).isEqualTo(97);
            assertThat(log.firstFrameAfter(oldest, published, 990)).isEqualTo(published);
        }
    }

    @Test
    void shouldReportReaderLappedOnlyOnceWriterReachesItsBytes()
    {
        try (TopicFrameLog log = new TopicFrameLog(1024, 64))
        {
            log.claim(100);
            log.commit(1, 100, 0);
            assertThat(log.isIntact(0, 0)).isTrue();
            for (int i = 0; i < 9; i++)
            {
                log.claim(100);
                log.commit(2 + i, 100, 0);
            }
            assertThat(log.isIntact(0, 0)).isTrue();
            log.claim(100);
            assertThat(log.isIntact(0, 0)).as("frame 0 is being overwritten").isFalse();
        }
    }
}
