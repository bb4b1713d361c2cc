package io.ssefanout.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class ChunkedBodyDecoderTest
{
    private static final String BODY = "5;name=value\r\nhello\r\n1\r\n \r\nC\r\nworld, again\r\n0\r\n" +
        "X-Checksum: abc\r\nX-Other: 1\r\n\r\n";
    private static final String NEXT_REQUEST = "GET /health HTTP/1.1\r\n\r\n";

    private final ChunkedBodyDecoder decoder = new ChunkedBodyDecoder();

    @Test
    void shouldDecodeWholeBodyWithExtensionsAndTrailers()
    {
        final UnsafeBuffer buffer = buffer("HEAD" + BODY + NEXT_REQUEST, 0);
        decoder.reset(1024, 256, 4);
        final int rawLength = decoder.decode(buffer, 4, buffer.capacity() - 4);
        assertThat(rawLength).isEqualTo(BODY.length());
        assertThat(buffer.getStringWithoutLengthAscii(4, decoder.decodedLength())).isEqualTo("hello world, again");
        assertThat(buffer.getStringWithoutLengthAscii(4 + rawLength, NEXT_REQUEST.length())).isEqualTo(NEXT_REQUEST);
    }

    @Test
    void shouldDecodeTheSameBodySplitAtEveryByteBoundary()
    {
        final byte[] raw = BODY.getBytes(StandardCharsets.US_ASCII);
        for (int split = 0; split <= raw.length; split++)
        {
            assertThat(feed(raw, split, raw.length)).as("split at %d", split).isEqualTo("hello world, again");
        }
    }

    @Test
    void shouldDecodeABodyArrivingOneByteAtATimeKeepingOnlyOnePartialLine()
    {
        final byte[] raw = BODY.getBytes(StandardCharsets.US_ASCII);
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[raw.length]);
        decoder.reset(1024, 256, 4);
        int held = 0;
        int result = ChunkedBodyDecoder.NEED_MORE;
        for (int i = 0; i < raw.length; i++)
        {
            assertThat(result).isEqualTo(ChunkedBodyDecoder.NEED_MORE);
            buffer.putByte(held, raw[i]);
            result = decoder.decode(buffer, 0, held + 1);
            held = decoder.retainedLength();
            assertThat(held - decoder.decodedLength()).isLessThanOrEqualTo(32);
        }
        assertThat(result).isPositive();
        assertThat(buffer.getStringWithoutLengthAscii(0, decoder.decodedLength())).isEqualTo("hello world, again");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "zz\\r\\nab\\r\\n0\\r\\n\\r\\n|400",
        "-5\\r\\nhello\\r\\n0\\r\\n\\r\\n|400",
        "\\r\\n|400",
        "5\\r\\nhelloXY0\\r\\n\\r\\n|400",
        "5\\nhello\\r\\n0\\r\\n\\r\\n|400",
        "5 x\\r\\nhello\\r\\n0\\r\\n\\r\\n|400",
        "5;a=\\u0001\\r\\nhello\\r\\n0\\r\\n\\r\\n|400",
        "FFFFFFFFFFFFFFFFFFFF\\r\\n|400",
        "400\\r\\n|413",
        "3FF\\r\\n|413",
        "0\\r\\nBad Trailer\\r\\n\\r\\n|400",
        "0\\r\\nX: 1\\n\\r\\n|400",
        "0\\r\\nA: 1\\r\\nB: 2\\r\\nC: 3\\r\\n\\r\\n|431",
    })
    void shouldRefuseMalformedOrOversizedFraming(final String body, final int status)
    {
        decoder.reset(1000, 256, 2);
        final UnsafeBuffer buffer = buffer(body.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0001", "\u0001"), 0);
        assertThat(decoder.decode(buffer, 0, buffer.capacity())).isEqualTo(ChunkedBodyDecoder.ERROR);
        assertThat(decoder.errorStatus()).isEqualTo(status);
        assertThat(decoder.errorReason()).isNotBlank();
    }

    @Test
    void shouldRefuseABodyGrowingPastTheLimitAtTheChunkThatPassesIt()
    {
        decoder.reset(10, 256, 2);
        final UnsafeBuffer buffer = buffer("8\r\n12345678\r\n3\r\n", 0);
        assertThat(decoder.decode(buffer, 0, buffer.capacity())).isEqualTo(ChunkedBodyDecoder.ERROR);
        assertThat(decoder.errorStatus()).isEqualTo(HttpStatus.PAYLOAD_TOO_LARGE);
        assertThat(decoder.decodedLength()).isEqualTo(8);
    }

    @Test
    void shouldRefuseOverlongSizeLineAndTrailersWithoutWaitingForTheirEnd()
    {
        decoder.reset(1000, 64, 8);
        final UnsafeBuffer sizeLine = buffer("1;" + "x".repeat(ChunkedBodyDecoder.SIZE_LINE_MAX_LENGTH), 0);
        assertThat(decoder.decode(sizeLine, 0, sizeLine.capacity())).isEqualTo(ChunkedBodyDecoder.ERROR);
        assertThat(decoder.errorStatus()).isEqualTo(HttpStatus.BAD_REQUEST);

        decoder.reset(1000, 64, 8);
        final UnsafeBuffer trailer = buffer("0\r\nX: " + "y".repeat(100), 0);
        assertThat(decoder.decode(trailer, 0, trailer.capacity())).isEqualTo(ChunkedBodyDecoder.ERROR);
        assertThat(decoder.errorStatus()).isEqualTo(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
    }

    private String feed(final byte[] raw, final int split, final int total)
    {
        final UnsafeBuffer buffer = new UnsafeBuffer(new byte[total + 8]);
        decoder.reset(1024, 256, 4);
        buffer.putBytes(8, raw, 0, split);
        int result = decoder.decode(buffer, 8, split);
        if (split < total)
        {
            assertThat(result).isEqualTo(ChunkedBodyDecoder.NEED_MORE);
            final int held = decoder.retainedLength();
            buffer.putBytes(8 + held, raw, split, total - split);
            result = decoder.decode(buffer, 8, held + total - split);
        }
        assertThat(result).isPositive();
        return buffer.getStringWithoutLengthAscii(8, decoder.decodedLength());
    }

    private static UnsafeBuffer buffer(final String text, final int extra)
    {
        return new UnsafeBuffer((text + " ".repeat(extra)).getBytes(StandardCharsets.ISO_8859_1));
    }
}
