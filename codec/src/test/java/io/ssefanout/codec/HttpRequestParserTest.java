package io.ssefanout.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class HttpRequestParserTest
{
    private final HttpRequestParser parser = new HttpRequestParser(256, 1024, 8);

    @Test
    void shouldParseWellFormedRequest()
    {
        final String request = "GET /sse/ticks?lastEventId=5 HTTP/1.1\r\nHost: x\r\nLast-Event-ID: 42\r\n" +
            "Accept: text/event-stream\r\nOrigin: http://a.example\r\nX-Request-ID: abc\r\n\r\n";
        final UnsafeBuffer buffer = buffer(request);
        final int headLength = parser.parse(buffer, 0, buffer.capacity());
        assertThat(headLength).isEqualTo(request.length());
        assertThat(parser.method()).isEqualTo(HttpMethod.GET);
        assertThat(text(buffer, parser.targetOffset(), parser.targetLength())).isEqualTo("/sse/ticks?lastEventId=5");
        assertThat(text(buffer, parser.lastEventIdOffset(), parser.lastEventIdLength())).isEqualTo("42");
        assertThat(text(buffer, parser.originOffset(), parser.originLength())).isEqualTo("http://a.example");
        assertThat(text(buffer, parser.requestIdOffset(), parser.requestIdLength())).isEqualTo("abc");
        assertThat(parser.acceptsEventStream()).isTrue();
        assertThat(parser.isKeepAlive()).isTrue();
        assertThat(parser.contentLength()).isEqualTo(-1);
    }

    @Test
    void shouldParsePostWithBodyLengthAndBareLfLineEnds()
    {
        final UnsafeBuffer buffer = buffer("POST /publish/t HTTP/1.0\ncontent-length: 12\nConnection: keep-alive\n\nbody");
        final int headLength = parser.parse(buffer, 0, buffer.capacity());
        assertThat(headLength).isEqualTo(buffer.capacity() - 4);
        assertThat(parser.method()).isEqualTo(HttpMethod.POST);
        assertThat(parser.contentLength()).isEqualTo(12);
        assertThat(parser.minorVersion()).isEqualTo(0);
        assertThat(parser.isKeepAlive()).isTrue();
    }

    @Test
    void shouldNeedMoreWhenTruncated()
    {
        final String request = "GET /health HTTP/1.1\r\nHost: x\r\n\r\n";
        for (int length = 0; length < request.length(); length++)
        {
            final UnsafeBuffer buffer = buffer(request.substring(0, length));
            assertThat(parser.parse(buffer, 0, length)).as("prefix %d", length).isEqualTo(HttpRequestParser.NEED_MORE);
        }
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "GET /x HTTP/1.1\\r\\nBad Header: v\\r\\n\\r\\n|400",
        "GET /x HTTP/1.1\\r\\n folded\\r\\n\\r\\n|400",
        "GET  HTTP/1.1\\r\\n\\r\\n|400",
        "GET x HTTP/1.1\\r\\n\\r\\n|400",
        "G(T /x HTTP/1.1\\r\\n\\r\\n|400",
        "GET /x HTTP/1.1 extra\\r\\n\\r\\n|400",
        "GET /x HTTP/2.0\\r\\n\\r\\n|505",
        "GET /x FTP/1.1\\r\\n\\r\\n|400",
        "GET /x HTTP/1.1\\r\\nContent-Length: 1x\\r\\n\\r\\n|400",
        "GET /x HTTP/1.1\\r\\nContent-Length: 1\\r\\nContent-Length: 2\\r\\n\\r\\n|400",
        "GET /x HTTP/1.1\\r\\nX: a\\u0001b\\r\\n\\r\\n|400",
        "GET /a\\u0001 HTTP/1.1\\r\\n\\r\\n|400",
    })
    void shouldRejectMalformedRequests(final String request, final int status)
    {
        final UnsafeBuffer buffer = buffer(request.replace("\\r", "\r").replace("\\n", "\n").replace("\\u0001", "\u0001"));
        assertThat(parser.parse(buffer, 0, buffer.capacity())).isEqualTo(HttpRequestParser.ERROR);
        assertThat(parser.errorStatus()).isEqualTo(status);
        assertThat(parser.errorReason()).isNotBlank();
    }

    @Test
    void shouldRejectOverlongRequestLineWith414EvenBeforeItEnds()
    {
        final UnsafeBuffer buffer = buffer("GET /" + "a".repeat(300));
        assertThat(parser.parse(buffer, 0, buffer.capacity())).isEqualTo(HttpRequestParser.ERROR);
        assertThat(parser.errorStatus()).isEqualTo(HttpStatus.URI_TOO_LONG);
    }

    @Test
    void shouldRejectOversizedHeadersWith431()
    {
        final UnsafeBuffer buffer = buffer("GET / HTTP/1.1\r\nX: " + "v".repeat(2000) + "\r\n\r\n");
        assertThat(parser.parse(buffer, 0, buffer.capacity())).isEqualTo(HttpRequestParser.ERROR);
        assertThat(parser.errorStatus()).isEqualTo(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);

        final UnsafeBuffer unterminated = buffer("GET / HTTP/1.1\r\nX: " + "v".repeat(2000));
        assertThat(parser.parse(unterminated, 0, unterminated.capacity())).isEqualTo(HttpRequestParser.ERROR);
        assertThat(parser.errorStatus()).isEqualTo(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
    }

    @Test
    void shouldRejectTooManyHeadersWith431()
    {
        final StringBuilder request = new StringBuilder("GET / HTTP/1.1\r\n");
        for (int i = 0; i < 9; i++)
        {
            request.append("H").append(i).append(": v\r\n");
        }
        final UnsafeBuffer buffer = buffer(request.append("\r\n").toString());
        assertThat(parser.parse(buffer, 0, buffer.capacity())).isEqualTo(HttpRequestParser.ERROR);
        assertThat(parser.errorStatus()).isEqualTo(HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE);
    }

    @Test
    void shouldParsePipelinedRequestsOneAtATime()
    {
        final String first = "POST /publish/a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n";
        final String second = "GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
        final UnsafeBuffer buffer = buffer(first + second);
        assertThat(parser.parse(buffer, 0, buffer.capacity())).isEqualTo(first.length());
        assertThat(parser.parse(buffer, first.length(), buffer.capacity() - first.length())).isEqualTo(second.length());
        assertThat(parser.method()).isEqualTo(HttpMethod.GET);
        assertThat(parser.isKeepAlive()).isFalse();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "POST /p HTTP/1.1\\r\\nContent-Length: 1\\r\\n\\r\\n|400|Host header missing",
        "GET /p HTTP/1.1\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n|400|more than one Host header",
        "GET /p HTTP/1.0\\r\\nHost: a\\r\\nHost: b\\r\\n\\r\\n|400|more than one Host header",
        "POST /p HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: 3\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n|400|both Content-Length and Transfer-Encoding",
        "POST /p HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\nContent-Length: 3\\r\\n\\r\\n|400|both Content-Length and Transfer-Encoding",
        "POST /p HTTP/1.0\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n|400|Transfer-Encoding in an HTTP/1.0 request",
        "POST /p HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip\\r\\n\\r\\n|501|only the chunked transfer coding is supported",
        "POST /p HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: gzip, chunked\\r\\n\\r\\n|501|only the chunked transfer coding is supported",
        "POST /p HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n|501|only the chunked transfer coding is supported",
        "POST /p HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding: chunked, identity\\r\\n\\r\\n|501|only the chunked transfer coding is supported",
        "POST /p HTTP/1.1\\r\\nHost: a\\r\\nTransfer-Encoding:\\r\\n\\r\\n|501|only the chunked transfer coding is supported",
        "GET /p HTTP/1.1\\r\\nHost: a\\r\\nAuthorization: Bearer x\\r\\nauthorization: Bearer y\\r\\n\\r\\n|400|repeated Authorization header",
        "GET /p HTTP/1.1\\r\\nHost: a\\r\\nAuthorization:\\r\\nAuthorization: Bearer y\\r\\n\\r\\n|400|repeated Authorization header",
    })
    void shouldRefuseAmbiguousFramingAndHost(final String request, final int status, final String reason)
    {
        final UnsafeBuffer buffer = buffer(request.replace("\\r", "\r").replace("\\n", "\n"));
        assertThat(parser.parse(buffer, 0, buffer.capacity())).isEqualTo(HttpRequestParser.ERROR);
        assertThat(parser.errorStatus()).isEqualTo(status);
        assertThat(parser.errorReason()).isEqualTo(reason);
    }

    @Test
    void shouldAcceptChunkedAndExpectContinue()
    {
        final UnsafeBuffer buffer = buffer(
            "POST /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\nExpect: 100-continue\r\n\r\n");
        assertThat(parser.parse(buffer, 0, buffer.capacity())).isEqualTo(buffer.capacity());
        assertThat(parser.isChunked()).isTrue();
        assertThat(parser.expectsContinue()).isTrue();
        assertThat(parser.contentLength()).isEqualTo(-1);
    }

    @Test
    void shouldDecodePercentEncodingAndRefuseBrokenEscapes()
    {
        final UnsafeBuffer dst = new UnsafeBuffer(new byte[64]);
        final UnsafeBuffer ok = buffer("a%20b+c%C3%A9");
        final int length = PercentDecoder.decode(ok, 0, ok.capacity(), true, dst, 0);
        assertThat(dst.getStringWithoutLengthUtf8(0, length)).isEqualTo("a b cé");
        for (final String bad : new String[]{ "%", "%4", "%zz", "a%g1" })
        {
            final UnsafeBuffer input = buffer(bad);
            assertThat(PercentDecoder.decode(input, 0, input.capacity(), false, dst, 0)).isEqualTo(PercentDecoder.INVALID);
        }
    }

    private static UnsafeBuffer buffer(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static String text(final UnsafeBuffer buffer, final int offset, final int length)
    {
        return buffer.getStringWithoutLengthAscii(offset, length);
    }
}
