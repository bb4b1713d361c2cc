package io.ssefanout.codec;

import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.ChunkedDecoder;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SseFrameEncoderTest
{
    private static final String[] PIECES = {
        "a", "b", " ", "  lead", "\n", "\r", "\r\n", "\n\n", "\r\r", "é", "日本", "🚀", "data: x", "id: 9", "event: evil",
        ":", "", "{\"px\":1.5}", "\u0000"
    };

    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[1 << 20]);

    @ParameterizedTest
    @ValueSource(booleans = { false, true })
    void shouldRoundTripRandomPayloadsThroughSpecParser(final boolean chunked)
    {
        final Random random = new Random(20261127L + (chunked ? 1 : 0));
        for (int iteration = 0; iteration < 2000; iteration++)
        {
            final StringBuilder text = new StringBuilder();
            final int pieces = 1 + random.nextInt(12);
            for (int i = 0; i < pieces; i++)
            {
                text.append(PIECES[random.nextInt(PIECES.length)]);
            }
            final String payload = text.toString();
            final String eventType = random.nextBoolean() ? "" : " tick-" + random.nextInt(100);
            final long id = Math.abs(random.nextLong()) >>> random.nextInt(63);

            // one data: line is always written, so even an empty payload dispatches (with empty data)
            final EventStreamParser.Event event = encodeAndParseOne(chunked, id, eventType, payload);
            assertThat(event).isNotNull();
            assertThat(event.data).isEqualTo(normaliseLineBreaks(payload));
            assertThat(event.lastEventId).isEqualTo(Long.toString(id));
            assertThat(event.type).isEqualTo(eventType.isEmpty() ? "message" : eventType);
        }
    }

    @Test
    void shouldPreserveEmptyLinesAndLeadingSpace()
    {
        final EventStreamParser.Event event = encodeAndParseOne(false, 7, "", " a\n\n  b\n");
        assertThat(event.data).isEqualTo(" a\n\n  b\n");
    }

    @Test
    void shouldNotLetPayloadInjectAnotherEvent()
    {
        final EventStreamParser parser = encodeAndParse(true, 5, "", "x\n\nid: 666\nevent: admin\ndata: pwned\n\n");
        assertThat(parser.events()).hasSize(1);
        assertThat(parser.events().get(0).lastEventId).isEqualTo("5");
        assertThat(parser.events().get(0).type).isEqualTo("message");
    }

    @ParameterizedTest
    @ValueSource(strings = { "a\nb", "a\rb", "a\r\nevent: x", "nul\u0000" })
    void shouldRejectEventTypeThatCouldBreakItsLine(final String eventType)
    {
        final UnsafeBuffer type = new UnsafeBuffer(eventType.getBytes(StandardCharsets.UTF_8));
        assertThat(SseFrameEncoder.isValidEventType(type, 0, type.capacity())).isFalse();
        final UnsafeBuffer data = new UnsafeBuffer("x".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> SseFrameEncoder.encodeEvent(frame, 0, false, 1, type, 0, type.capacity(), data, 0, 1))
            .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldComputeExactFrameLength()
    {
        final Random random = new Random(3);
        for (int i = 0; i < 500; i++)
        {
            final byte[] bytes = new byte[random.nextInt(3000)];
            for (int j = 0; j < bytes.length; j++)
            {
                bytes[j] = (byte)"ab\r\n x".charAt(random.nextInt(6));
            }
            final UnsafeBuffer data = new UnsafeBuffer(bytes);
            final boolean chunked = random.nextBoolean();
            final int expected = SseFrameEncoder.eventFrameLength(chunked, i * 997L, 0, data, 0, bytes.length);
            final int actual = SseFrameEncoder.encodeEvent(frame, 0, chunked, i * 997L, null, 0, 0, data, 0, bytes.length);
            assertThat(actual).isEqualTo(expected);
        }
    }

    @Test
    void shouldFindLineBreaksWordAtATimeExactlyAsByteByByte()
    {
        final Random random = new Random(11);
        for (int iteration = 0; iteration < 20_000; iteration++)
        {
            final byte[] bytes = new byte[1 + random.nextInt(40)];
            for (int i = 0; i < bytes.length; i++)
            {
                final int kind = random.nextInt(10);
                bytes[i] = (byte)(0 == kind ? '\n' : 1 == kind ? '\r' : random.nextInt(256));
            }
            final UnsafeBuffer buffer = new UnsafeBuffer(bytes);
            final int from = random.nextInt(bytes.length);
            int expected = -1;
            for (int i = from; i < bytes.length; i++)
            {
                if ('\n' == bytes[i] || '\r' == bytes[i])
                {
                    expected = i;
                    break;
                }
            }
            assertThat(SseFrameEncoder.indexOfLineBreak(buffer, from, bytes.length)).isEqualTo(expected);
        }
    }

    @Test
    void shouldEncodeHeartbeatAndRetryAsSpecAllows()
    {
        int length = SseFrameEncoder.encodeComment(frame, 0, false, "");
        length += SseFrameEncoder.encodeRetry(frame, length, false, 2500);
        final EventStreamParser parser = new EventStreamParser();
        final byte[] bytes = new byte[length];
        frame.getBytes(0, bytes);
        parser.onBytes(bytes, 0, length);
        assertThat(new String(bytes, StandardCharsets.US_ASCII)).isEqualTo(":\n\nretry: 2500\n\n");
        assertThat(parser.comments()).containsExactly("");
        assertThat(parser.retryMs()).isEqualTo(2500);
        assertThat(parser.events()).isEmpty();
    }

    @Test
    void shouldFrameChunkWithHexLength()
    {
        final UnsafeBuffer data = new UnsafeBuffer("hi".getBytes(StandardCharsets.UTF_8));
        final int length = SseFrameEncoder.encodeEvent(frame, 0, true, 42, null, 0, 0, data, 0, 2);
        final String text = frame.getStringWithoutLengthAscii(0, length);
        assertThat(text).isEqualTo("11\r\nid: 42\ndata: hi\n\n\r\n");
    }

    private EventStreamParser.Event encodeAndParseOne(
        final boolean chunked, final long id, final String eventType, final String payload)
    {
        final EventStreamParser parser = encodeAndParse(chunked, id, eventType, payload);
        assertThat(parser.events().size()).isLessThanOrEqualTo(1);
        return parser.events().isEmpty() ? null : parser.events().get(0);
    }

    private EventStreamParser encodeAndParse(
        final boolean chunked, final long id, final String eventType, final String payload)
    {
        final byte[] payloadBytes = payload.getBytes(StandardCharsets.UTF_8);
        final byte[] typeBytes = eventType.getBytes(StandardCharsets.UTF_8);
        final int length = SseFrameEncoder.encodeEvent(
            frame, 0, chunked, id, new UnsafeBuffer(typeBytes), 0, typeBytes.length,
            new UnsafeBuffer(payloadBytes), 0, payloadBytes.length);
        final byte[] wire = new byte[length];
        frame.getBytes(0, wire);
        byte[] body = wire;
        if (chunked)
        {
            final ByteArrayOutputStream out = new ByteArrayOutputStream();
            new ChunkedDecoder().onBytes(wire, 0, wire.length, out);
            body = out.toByteArray();
        }
        final EventStreamParser parser = new EventStreamParser();
        parser.onBytes(body, 0, body.length);
        return parser;
    }

    private static String normaliseLineBreaks(final String text)
    {
        return text.replace("\r\n", "\n").replace('\r', '\n');
    }
}
