package io.ssefanout.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the request parser (Jazzer). Without {@code JAZZER_FUZZ=1} it replays the checked-in
 * seeds under {@code HttpRequestParserFuzzTestInputs}; with it, it fuzzes for at most the given duration.
 * Invariants: no exception, results within the input, and an error always carries one of the documented statuses.
 */
class HttpRequestParserFuzzTest
{
    private static final Set<Integer> STATUSES = Set.of(400, 414, 431, 505);
    private final HttpRequestParser parser = new HttpRequestParser(256, 1024, 16);

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
        }
        else
        {
            assertThat(result).isEqualTo(HttpRequestParser.NEED_MORE);
        }
    }
}
