package io.ssefanout.transport;

import io.ssefanout.codec.HttpRequestParser;
import io.ssefanout.codec.HttpStatus;
import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The small pieces a request passes through, each on its own: {@link RequestTarget} (path and query),
 * {@link BearerTokenLocator} (header, query or cookie), {@link CorsPolicy} and {@link ResponseWriter} (the bytes of an
 * answer, with and without its body).
 */
class RequestPartsTest
{
    private final HttpRequestParser parser = new HttpRequestParser(1024, 4096, 32);

    @Test
    void shouldFindPathsAndQueryParameters()
    {
        final UnsafeBuffer target = buffer("/sse?topic=a&lastEventId=5&topic=b");
        assertThat(RequestTarget.startsWith(target, 0, 4, "/sse")).isTrue();
        assertThat(RequestTarget.pathEquals(target, 0, 4, "/sse")).isTrue();
        assertThat(RequestTarget.pathEquals(target, 0, 4, "/ss")).isFalse();
        final int queryOffset = 5;
        final int queryLength = target.capacity() - queryOffset;
        final int first = RequestTarget.findQueryParameter(target, queryOffset, queryLength, "topic", 0);
        assertThat(text(target, first, RequestTarget.queryValueLength(target, first, target.capacity()))).isEqualTo("a");
        final int second = RequestTarget.findQueryParameter(target, queryOffset, queryLength, "topic", first + 1 - queryOffset);
        assertThat(text(target, second, RequestTarget.queryValueLength(target, second, target.capacity()))).isEqualTo("b");
        assertThat(RequestTarget.findQueryParameter(target, queryOffset, queryLength, "nothing", 0)).isNegative();
    }

    @Test
    void shouldLocateABearerTokenInTheHeaderTheQueryOrTheCookie()
    {
        final BearerTokenLocator locator = new BearerTokenLocator("fanout_token");
        assertThat(locate(locator, "GET /sse/t HTTP/1.1\r\nHost: x\r\nAuthorization: bearer abc.def\r\n\r\n")).isEqualTo("abc.def");
        assertThat(locate(locator, "GET /sse/t?access_token=q.r.s HTTP/1.1\r\nHost: x\r\n\r\n")).isEqualTo("q.r.s");
        assertThat(locate(locator, "GET /sse/t HTTP/1.1\r\nHost: x\r\nCookie: a=1; fanout_token=c.o.k; b=2\r\n\r\n"))
            .isEqualTo("c.o.k");
        assertThat(locate(locator, "GET /sse/t HTTP/1.1\r\nHost: x\r\nAuthorization: Basic dXNlcg==\r\n\r\n")).isNull();
    }

    @Test
    void shouldEchoOnlyAllowedOriginsAndBuildAnswersWithAndWithoutTheirBody()
    {
        final UnsafeBuffer request = buffer("https://app.example https://evil.example");
        final UnsafeBuffer out = new UnsafeBuffer(new byte[256]);
        final CorsPolicy policy = new CorsPolicy("https://app.example, https://other.example");
        assertThat(text(out, 0, policy.putHeaders(out, 0, request, 0, 19)))
            .isEqualTo("Access-Control-Allow-Origin: https://app.example\r\nVary: Origin\r\n");
        assertThat(policy.putHeaders(out, 0, request, 20, 20)).isZero();
        assertThat(text(out, 0, new CorsPolicy("*").putHeaders(out, 0, request, -1, -1)))
            .isEqualTo("Access-Control-Allow-Origin: *\r\n");

        final ResponseWriter writer = new ResponseWriter(1024, new CorsPolicy(""));
        try
        {
            writer.simple(HttpStatus.NOT_FOUND, "no such path\n", true, request, 0, -1);
            final String whole = StandardCharsets.US_ASCII.decode(writer.byteBuffer()).toString();
            assertThat(whole).startsWith("HTTP/1.1 404 Not Found\r\n").contains("Content-Length: 13\r\n")
                .endsWith("\r\n\r\nno such path\n");
            final String head = StandardCharsets.US_ASCII.decode(writer.headersByteBuffer()).toString();
            assertThat(head).isEqualTo(whole.substring(0, whole.length() - 13));
        }
        finally
        {
            writer.free();
        }
    }

    private String locate(final BearerTokenLocator locator, final String request)
    {
        final UnsafeBuffer buffer = buffer(request);
        assertThat(parser.parse(buffer, 0, buffer.capacity())).isPositive();
        int pathLength = parser.targetLength();
        for (int i = 0; i < parser.targetLength(); i++)
        {
            if ('?' == buffer.getByte(parser.targetOffset() + i))
            {
                pathLength = i;
                break;
            }
        }
        final int queryOffset = parser.targetOffset() + pathLength + 1;
        final int queryLength = Math.max(0, parser.targetLength() - pathLength - 1);
        return locator.locate(parser, buffer, queryOffset, queryLength) ?
            text(buffer, locator.tokenOffset(), locator.tokenLength()) : null;
    }

    private static UnsafeBuffer buffer(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.US_ASCII));
    }

    private static String text(final UnsafeBuffer buffer, final int offset, final int length)
    {
        return buffer.getStringWithoutLengthAscii(offset, length);
    }
}
