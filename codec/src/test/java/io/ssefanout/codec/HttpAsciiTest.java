package io.ssefanout.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HttpAsciiTest
{
    @Test
    void shouldKnowTokenCharactersCaseAndMethods()
    {
        for (final char c : "azAZ09!#$%&'*+-.^_`|~".toCharArray())
        {
            assertThat(HttpAscii.isTchar((byte)c)).as("%s", c).isTrue();
        }
        for (final char c : " \t\"(),/:;<=>?@[\\]{}\u007f".toCharArray())
        {
            assertThat(HttpAscii.isTchar((byte)c)).as("%s", c).isFalse();
        }
        assertThat(HttpAscii.isTchar((byte)0xC3)).isFalse();

        final UnsafeBuffer header = buffer("Transfer-ENCODING");
        assertThat(HttpAscii.equalsIgnoreCase(header, 0, header.capacity(), "transfer-encoding")).isTrue();
        assertThat(HttpAscii.equalsIgnoreCase(header, 0, header.capacity() - 1, "transfer-encoding")).isFalse();
        final UnsafeBuffer methods = buffer("GETPOSTHEADBREW");
        assertThat(HttpAscii.methodOf(methods, 0, 3)).isEqualTo(HttpMethod.GET);
        assertThat(HttpAscii.methodOf(methods, 3, 4)).isEqualTo(HttpMethod.POST);
        assertThat(HttpAscii.methodOf(methods, 7, 4)).isEqualTo(HttpMethod.HEAD);
        assertThat(HttpAscii.methodOf(methods, 11, 4)).isEqualTo(HttpMethod.OTHER);
    }

    @Test
    void shouldFindLineEndsWithOrWithoutCarriageReturn()
    {
        final UnsafeBuffer lines = buffer("a: b\r\nc\n");
        final int first = HttpAscii.findLineEnd(lines, 0, lines.capacity());
        assertThat(first).isEqualTo(5);
        assertThat(HttpAscii.lineContentLength(lines, 0, first)).isEqualTo(4);
        final int second = HttpAscii.findLineEnd(lines, first + 1, lines.capacity());
        assertThat(HttpAscii.lineContentLength(lines, first + 1, second)).isEqualTo(1);
        assertThat(HttpAscii.findLineEnd(lines, 0, 4)).isEqualTo(-1);
    }

    private static UnsafeBuffer buffer(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }
}
