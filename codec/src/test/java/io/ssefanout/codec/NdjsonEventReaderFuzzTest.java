package io.ssefanout.codec;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.agrona.concurrent.UnsafeBuffer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Coverage-guided fuzzing of the batch reader (Jazzer); replays the seeds under {@code NdjsonEventReaderFuzzTestInputs}
 * in every build. Invariants: no exception, every span inside the input, every field valid UTF-8 (strings are
 * unescaped in place and must stay well-formed), line numbers only rise, and an error always says why.
 */
class NdjsonEventReaderFuzzTest
{
    private final NdjsonEventReader reader = new NdjsonEventReader();

    @FuzzTest(maxDuration = "60s")
    void fuzzReader(final byte[] input)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(input);
        reader.wrap(buffer, 0, input.length);
        int lastLine = 0;
        int result;
        while (NdjsonEventReader.EVENT == (result = reader.next()))
        {
            assertThat(reader.lineNumber()).isGreaterThan(lastLine);
            lastLine = reader.lineNumber();
            checkSpan(buffer, reader.topicOffset(), reader.topicLength(), input.length);
            checkSpan(buffer, reader.eventTypeOffset(), reader.eventTypeLength(), input.length);
            checkSpan(buffer, reader.dataOffset(), reader.dataLength(), input.length);
        }
        if (NdjsonEventReader.ERROR == result)
        {
            assertThat(reader.errorReason()).isNotBlank();
        }
        else
        {
            assertThat(result).isEqualTo(NdjsonEventReader.END);
        }
    }

    private static void checkSpan(final UnsafeBuffer buffer, final int offset, final int length, final int capacity)
    {
        assertThat(length).isGreaterThanOrEqualTo(0);
        assertThat(offset).isGreaterThanOrEqualTo(0);
        assertThat(offset + length).isLessThanOrEqualTo(capacity);
        assertThat(Utf8.isValid(buffer, offset, length)).isTrue();
    }
}
