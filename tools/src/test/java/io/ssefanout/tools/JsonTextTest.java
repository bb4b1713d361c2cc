package io.ssefanout.tools;

import io.ssefanout.codec.NdjsonEventReader;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class JsonTextTest
{
    @Test
    void shouldQuoteAnyTextSoTheBatchReaderGetsItBack()
    {
        final String[] texts = { "plain", "quote \" and \\ backslash", "tab\tcr\rlf\n", "\u0001\u001f", "café ☕ \uD83D\uDE00", "" };
        for (final String text : texts)
        {
            final String line = "{\"topic\":\"t\",\"data\":" + JsonText.quote(text) + "}\n";
            final UnsafeBuffer buffer = new UnsafeBuffer(line.getBytes(StandardCharsets.UTF_8));
            final NdjsonEventReader reader = new NdjsonEventReader().wrap(buffer, 0, buffer.capacity());
            assertThat(reader.next()).as(line).isEqualTo(NdjsonEventReader.EVENT);
            assertThat(buffer.getStringWithoutLengthUtf8(reader.dataOffset(), reader.dataLength())).isEqualTo(text);
        }
    }
}
