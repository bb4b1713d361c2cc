package io.ssefanout.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkFramingStripperTest
{
    @Test
    void shouldGiveBackExactlyTheFramesWhereverTheRunsAreCut()
    {
        final UnsafeBuffer log = new UnsafeBuffer(new byte[4096]);
        final StringBuilder expected = new StringBuilder();
        int length = 0;
        for (int i = 0; i < 20; i++)
        {
            final String data = "event " + i + " " + "x".repeat(i * 13);
            final UnsafeBuffer payload = new UnsafeBuffer(data.getBytes(StandardCharsets.UTF_8));
            length += SseFrameEncoder.encodeEvent(log, length, true, 100 + i, payload, 0, 0, payload, 0, payload.capacity());
            expected.append("id: ").append(100 + i).append("\ndata: ").append(data).append("\n\n");
        }
        for (final int cut : new int[]{ 1, 2, 3, 5, 7, 64, 1000, length })
        {
            final ChunkFramingStripper stripper = new ChunkFramingStripper();
            final UnsafeBuffer plain = new UnsafeBuffer(new byte[4096]);
            int written = 0;
            for (int offset = 0; offset < length; offset += cut)
            {
                written += stripper.strip(log, offset, Math.min(cut, length - offset), plain, written);
            }
            assertThat(plain.getStringWithoutLengthUtf8(0, written)).as("runs of %d bytes", cut).isEqualTo(expected.toString());
        }
    }
}
