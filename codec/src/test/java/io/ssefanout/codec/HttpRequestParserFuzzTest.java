package io.ssefanout.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the request parser (Jazzer). Without {@code JAZZER_FUZZ=1} it replays the checked-in
 * seeds under {@code HttpRequestParserFuzzTestInputs}; with it, it fuzzes for at most the given duration.
 * Invariants: no exception, results within the input, and an error always carries one of the documented statuses.
 * A chunked body after the head is decoded twice, whole and split in two reads, and both must agree.
 */
class HttpRequestParserFuzzTest
{
    private static final Set<Integer> STATUSES = Set.of(400, 414, 431, 501, 505);
    private static final Set<Integer> BODY_STATUSES = Set.of(400, 413, 431);
    private final HttpRequestParser parser = new HttpRequestParser(256, 1024, 16);
    private final ChunkedBodyDecoder decoder = new ChunkedBodyDecoder();

    @FuzzTest(maxDuration = "60s")
    void fuzzParser(final byte[] input)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(input);
        final int result = parser.parse(buffer, 0, input.length);
        if (HttpRequestParser.ERROR == result)
        {
            assertThat(STATUSES).contains(parser.errorStatus());
            assertThat(parser.errorReason()).isNotBlank();
        }
        else if (result > 0)
        {
            assertThat(result).isLessThanOrEqualTo(input.length);
            assertThat(parser.targetOffset() + parser.targetLength()).isLessThanOrEqualTo(result);
            assertThat(parser.method()).isNotNull();
            final UnsafeBuffer decoded = new UnsafeBuffer(new byte[Math.max(1, parser.targetLength())]);
            final int length = PercentDecoder.decode(
                buffer, parser.targetOffset(), parser.targetLength(), true, decoded, 0);
            assertThat(length).isLessThanOrEqualTo(parser.targetLength());
            if (parser.isChunked())
            {
                checkChunkedBody(input, result);
            }
        }
        else
        {
            assertThat(result).isEqualTo(HttpRequestParser.NEED_MORE);
        }
    }

    private void checkChunkedBody(final byte[] input, final int bodyOffset)
    {
        final int rawLength = input.length - bodyOffset;
        final UnsafeBuffer whole = new UnsafeBuffer(input.clone());
        decoder.reset(512, 128, 4);
        final int wholeResult = decoder.decode(whole, bodyOffset, rawLength);
        final int wholeStatus = decoder.errorStatus();
        final byte[] wholeBody = new byte[Math.max(0, decoder.decodedLength())];
        whole.getBytes(bodyOffset, wholeBody);
        if (ChunkedBodyDecoder.ERROR == wholeResult)
        {
            assertThat(BODY_STATUSES).contains(wholeStatus);
        }
        else if (wholeResult > 0)
        {
            assertThat(wholeResult).isLessThanOrEqualTo(rawLength);
            assertThat(decoder.decodedLength()).isLessThanOrEqualTo(512);
        }

        final int split = rawLength / 2;
        final UnsafeBuffer parts = new UnsafeBuffer(new byte[input.length]);
        parts.putBytes(0, input, 0, bodyOffset + split);
        decoder.reset(512, 128, 4);
        int result = decoder.decode(parts, bodyOffset, split);
        if (ChunkedBodyDecoder.NEED_MORE == result)
        {
            final int held = decoder.retainedLength();
            assertThat(held).isLessThanOrEqualTo(split);
            parts.putBytes(bodyOffset + held, input, bodyOffset + split, rawLength - split);
            result = decoder.decode(parts, bodyOffset, held + rawLength - split);
        }
        if (wholeResult > 0)
        {
            assertThat(result).isPositive();
            final byte[] body = new byte[decoder.decodedLength()];
            parts.getBytes(bodyOffset, body);
            assertThat(body).isEqualTo(wholeBody);
        }
        else if (ChunkedBodyDecoder.ERROR == wholeResult && ChunkedBodyDecoder.ERROR == result)
        {
            assertThat(decoder.errorStatus()).isEqualTo(wholeStatus);
        }
    }
}
