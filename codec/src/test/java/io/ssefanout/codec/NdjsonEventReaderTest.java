package io.ssefanout.codec;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class NdjsonEventReaderTest
{
    private final NdjsonEventReader reader = new NdjsonEventReader();

    @Test
    void shouldReadStringAndRawDataWithOptionalEventType()
    {
        final List<String> events = readAll(
            "{\"topic\":\"sym42\",\"event\":\"tick\",\"data\":\"AAPL 190.12\"}\n" +
            "\r\n" +
            "  { \"data\" : {\"bid\": 1.0842, \"ask\":[1,2e-3,{\"x\":null}]} , \"topic\":\"fx.eurusd\" }\r\n" +
            "{\"topic\":\"t\",\"event\":null,\"data\":-0.5E+2}\n" +
            "{\"topic\":\"t\",\"data\":true}");
        assertThat(events).containsExactly(
            "sym42|tick|AAPL 190.12",
            "fx.eurusd||{\"bid\": 1.0842, \"ask\":[1,2e-3,{\"x\":null}]}",
            "t||-0.5E+2",
            "t||true");
    }

    @Test
    void shouldUnescapeStringsInPlaceIncludingSurrogatePairs()
    {
        final List<String> events = readAll(
            "{\"topic\":\"caf\\u00e9\",\"data\":\"line1\\nline2 \\\"q\\\" \\\\ \\/ \\ud83d\\ude00 \\t\"}\n");
        assertThat(events).containsExactly("café||line1\nline2 \"q\" \\ / \uD83D\uDE00 \t");
    }

    @Test
    void shouldKeepTheSourceTextOfStringsInsideRawData()
    {
        assertThat(readAll("{\"topic\":\"t\",\"data\":[\"a\\n\\u0041\"]}"))
            .containsExactly("t||[\"a\\n\\u0041\"]");
    }

    @Test
    void shouldReportTheLineNumberOfTheFirstBadLine()
    {
        final UnsafeBuffer buffer = buffer("{\"topic\":\"a\",\"data\":1}\n\n{\"topic\":\"b\",\"data\":01}\n");
        reader.wrap(buffer, 0, buffer.capacity());
        assertThat(reader.next()).isEqualTo(NdjsonEventReader.EVENT);
        assertThat(reader.next()).isEqualTo(NdjsonEventReader.ERROR);
        assertThat(reader.lineNumber()).isEqualTo(3);
        assertThat(reader.errorReason()).isEqualTo("expected ',' or '}'");
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "[1]",
        "{}",
        "{\"topic\":\"a\"}",
        "{\"data\":1}",
        "{\"topic\":1,\"data\":1}",
        "{\"topic\":\"a\",\"data\":1,\"topic\":\"b\"}",
        "{\"topic\":\"a\",\"data\":1,\"id\":5}",
        "{\"Topic\":\"a\",\"data\":1}",
        "{\"topic\":\"a\",\"data\":1} x",
        "{\"topic\":\"a\",\"data\":1",
        "{\"topic\":\"a\",\"data\":}",
        "{\"topic\":\"a\",\"data\":tru}",
        "{\"topic\":\"a\",\"data\":[1,]}",
        "{\"topic\":\"a\",\"data\":{\"k\" 1}}",
        "{\"topic\":\"a\",\"data\":{1:2}}",
        "{\"topic\":\"a\",\"data\":1.}",
        "{\"topic\":\"a\",\"data\":\"\\x\"}",
        "{\"topic\":\"a\",\"data\":\"\\ud800\"}",
        "{\"topic\":\"a\",\"data\":\"\\udc00x\"}",
        "{\"topic\":\"a\",\"data\":\"unterminated}",
        "{\"topic\":\"a\",\"data\":\"tab\there\"}",
        "{\"topic\":\"a\",\"event\":5,\"data\":1}",
    })
    void shouldRefuseMalformedLines(final String line)
    {
        final UnsafeBuffer buffer = buffer(line);
        reader.wrap(buffer, 0, buffer.capacity());
        assertThat(reader.next()).as(line).isEqualTo(NdjsonEventReader.ERROR);
        assertThat(reader.errorReason()).isNotBlank();
    }

    @Test
    void shouldRefuseInvalidUtf8AndDeepNesting()
    {
        final UnsafeBuffer invalid = new UnsafeBuffer("{\"topic\":\"a\",\"data\":\"\u00ff\"}".getBytes(StandardCharsets.ISO_8859_1));
        reader.wrap(invalid, 0, invalid.capacity());
        assertThat(reader.next()).isEqualTo(NdjsonEventReader.ERROR);
        assertThat(reader.errorReason()).isEqualTo("not valid UTF-8");

        final String deep = "[".repeat(NdjsonEventReader.MAX_DEPTH + 1) + "]".repeat(NdjsonEventReader.MAX_DEPTH + 1);
        final UnsafeBuffer nested = buffer("{\"topic\":\"a\",\"data\":" + deep + "}");
        reader.wrap(nested, 0, nested.capacity());
        assertThat(reader.next()).isEqualTo(NdjsonEventReader.ERROR);
        final String ok = "[".repeat(NdjsonEventReader.MAX_DEPTH) + "]".repeat(NdjsonEventReader.MAX_DEPTH);
        assertThat(readAll("{\"topic\":\"a\",\"data\":" + ok + "}")).containsExactly("a||" + ok);
    }

    private List<String> readAll(final String text)
    {
        final UnsafeBuffer buffer = buffer(text);
        reader.wrap(buffer, 0, buffer.capacity());
        final List<String> events = new ArrayList<>();
        int result;
        while (NdjsonEventReader.EVENT == (result = reader.next()))
        {
            events.add(buffer.getStringWithoutLengthUtf8(reader.topicOffset(), reader.topicLength()) + "|" +
                buffer.getStringWithoutLengthUtf8(reader.eventTypeOffset(), reader.eventTypeLength()) + "|" +
                buffer.getStringWithoutLengthUtf8(reader.dataOffset(), reader.dataLength()));
        }
        assertThat(result).as(reader.errorReason()).isEqualTo(NdjsonEventReader.END);
        return events;
    }

    private static UnsafeBuffer buffer(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }
}
