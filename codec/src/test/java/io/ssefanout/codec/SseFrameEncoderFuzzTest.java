package io.ssefanout.codec;

import io.ssefanout.testsupport.EventStreamParser;
import io.ssefanout.testsupport.ChunkedDecoder;
import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the frame encoder (Jazzer): any payload and event type either is refused (an event
 * type with CR, LF or NUL) or encodes to exactly one event that a WHATWG parser reads back with the same id, type
 * and text, through chunk framing too.
 */
class SseFrameEncoderFuzzTest
{
    private final UnsafeBuffer frame = new UnsafeBuffer(new byte[1 << 20]);

    @FuzzTest(maxDuration = "60s")
    void fuzzEncoder(final FuzzedDataProvider data)
    {
        final boolean chunked = data.consumeBoolean();
        final long id = data.consumeLong(0, Long.MAX_VALUE);
        final String eventType = data.consumeString(40);
        final String payload = data.consumeRemainingAsString();
        final byte[] typeBytes = eventType.getBytes(StandardCharsets.UTF_8);
        final byte[] payloadBytes = payload.getBytes(StandardCharsets.UTF_8);
        final UnsafeBuffer type = new UnsafeBuffer(typeBytes);
        if (!SseFrameEncoder.isValidEventType(type, 0, typeBytes.length))
        {
            assertThat(eventType).containsAnyOf("\r", "\n", "\u0000");
            return;
        }

        final int length = SseFrameEncoder.encodeEvent(frame, 0, chunked, id, type, 0, typeBytes.length,
            new UnsafeBuffer(payloadBytes), 0, payloadBytes.length);
        assertThat(length).isEqualTo(SseFrameEncoder.eventFrameLength(
            chunked, id, typeBytes.length, new UnsafeBuffer(payloadBytes), 0, payloadBytes.length));
        byte[] wire = new byte[length];
        frame.getBytes(0, wire);
        if (chunked)
        {
            final ByteArrayOutputStream body = new ByteArrayOutputStream();
            new ChunkedDecoder().onBytes(wire, 0, wire.length, body);
            wire = body.toByteArray();
        }
        final EventStreamParser parser = new EventStreamParser();
        parser.onBytes(wire, 0, wire.length);
        assertThat(parser.events()).hasSize(1);
        final EventStreamParser.Event event = parser.events().get(0);
        assertThat(event.lastEventId).isEqualTo(Long.toString(id));
        assertThat(event.type).isEqualTo(eventType.isEmpty() ? "message" : eventType);
        assertThat(event.data).isEqualTo(payload.replace("\r\n", "\n").replace('\r', '\n'));
    }
}
