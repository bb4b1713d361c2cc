package io.ssefanout.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link JsonValueScanner}, {@link AsciiHex} and {@link MessageFraming} on their own.
 */
class JsonValueScannerTest
{
    private final JsonValueScanner scanner = new JsonValueScanner();

    @Test
    void shouldFindTheEndOfEachValueAndRefuseBrokenOnes()
    {
        assertThat(scan("123,rest")).isEqualTo(3);
        assertThat(scan("-0.5e+3}")).isEqualTo(7);
        assertThat(scan("\"a\\u0041\\\"\" tail")).isEqualTo(11);
        assertThat(scan("{\"k\": [1, {\"x\": null}], \"b\": true} ,")).isEqualTo(34);
        assertThat(scan("[]")).isEqualTo(2);
        for (final String bad : new String[]{ "01", "1.", "[1,]", "{\"k\"}", "{1:2}", "tru", "\"\\q\"", "[", "\"\\u12\"" })
        {
            assertThat(scan(bad)).as(bad).isEqualTo(bad.equals("01") ? 1 : -1);
        }
        assertThat(scan("[".repeat(JsonValueScanner.MAX_DEPTH + 1))).isEqualTo(-1);
        assertThat(scanner.errorReason()).isEqualTo("\"data\" nested too deeply");
    }

    @Test
    void shouldReadHexDigitsInEitherCaseWithinTheLimit()
    {
        final UnsafeBuffer hex = buffer("00aFzz");
        assertThat(AsciiHex.value((byte)'a')).isEqualTo(10);
        assertThat(AsciiHex.value((byte)'F')).isEqualTo(15);
        assertThat(AsciiHex.value((byte)'g')).isEqualTo(-1);
        assertThat(AsciiHex.value4(hex, 0, 4)).isEqualTo(0xAF);
        assertThat(AsciiHex.value4(hex, 0, 3)).as("past the limit").isEqualTo(-1);
        assertThat(AsciiHex.value4(hex, 2, 6)).as("not hex").isEqualTo(-1);
    }

    @Test
    void shouldAcceptOneHostAndOnlyAFinalChunkedCoding()
    {
        final MessageFraming framing = new MessageFraming();
        framing.reset();
        framing.onHost();
        final UnsafeBuffer chunked = buffer("gzip , chunked");
        framing.onTransferEncoding(chunked, 7, chunked.capacity());
        assertThat(framing.check(1, -1)).isTrue();
        assertThat(framing.isChunked()).isTrue();

        framing.reset();
        framing.onHost();
        framing.onTransferEncoding(chunked, 0, chunked.capacity());
        assertThat(framing.check(1, -1)).isFalse();
        assertThat(framing.errorStatus()).isEqualTo(HttpStatus.NOT_IMPLEMENTED);

        framing.reset();
        assertThat(framing.check(0, 10)).as("HTTP/1.0 needs no Host").isTrue();
        assertThat(framing.check(1, 10)).isFalse();
        assertThat(framing.errorReason()).isEqualTo("Host header missing");
    }

    private int scan(final String text)
    {
        final UnsafeBuffer buffer = buffer(text);
        return scanner.scan(buffer, 0, buffer.capacity());
    }

    private static UnsafeBuffer buffer(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }
}
