package io.ssefanout.engine;

import org.agrona.concurrent.UnsafeBuffer;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

class TopicRegistryTest
{
    @Test
    void shouldTakeWellFormedUtf8NamesAndRefuseTheRest()
    {
        assertThat(valid("sym.AAPL")).isTrue();
        assertThat(valid("café")).isTrue();
        assertThat(valid("\uFFFD")).isTrue();
        assertThat(TopicRegistry.isValidName(new UnsafeBuffer(new byte[]{ 'a', (byte)0xFF }), 0, 2)).isFalse();
        assertThat(TopicRegistry.isValidName(new UnsafeBuffer(new byte[]{ (byte)0xC0, (byte)0xAF }), 0, 2))
            .as("overlong").isFalse();
        assertThat(TopicRegistry.isValidName(new UnsafeBuffer(new byte[]{ (byte)0xED, (byte)0xA0, (byte)0x80 }), 0, 3))
            .as("surrogate").isFalse();
        for (final String bad : new String[]{ "", "a b", "a/b", "a?b", "a#b", "a%b", "a\nb", "x".repeat(257) })
        {
            assertThat(valid(bad)).as(bad).isFalse();
        }
    }

    @Test
    void shouldFindWhatItMadeAndStopAtItsLimit()
    {
        final TopicRegistry registry = new TopicRegistry(2);
        final UnsafeBuffer a = utf8("a");
        assertThat(registry.find(a, 0, 1)).isNull();
        final Topic topic = registry.findOrCreate(a, 0, 1);
        assertThat(registry.find(a, 0, 1)).isSameAs(topic);
        assertThat(registry.findOrCreate(a, 0, 1)).isSameAs(topic);
        assertThat(registry.findOrCreate(utf8("b"), 0, 1)).isNotNull();
        assertThat(registry.findOrCreate(utf8("c"), 0, 1)).as("over the limit").isNull();
        assertThat(registry.find(utf8("c"), 0, 1)).isNull();
    }

    private static boolean valid(final String name)
    {
        final UnsafeBuffer buffer = utf8(name);
        return TopicRegistry.isValidName(buffer, 0, buffer.capacity());
    }

    private static UnsafeBuffer utf8(final String text)
    {
        return new UnsafeBuffer(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void shouldForgetRemovedTopicsAndKeepFindingTheRestThroughTombstones()
    {
        final TopicRegistry registry = new TopicRegistry(1_000_000);
        final java.util.List<Topic> created = new java.util.ArrayList<>();
        for (int i = 0; i < 5_000; i++)
        {
            created.add(registry.findOrCreate("t" + i));
        }
        for (int i = 0; i < 5_000; i += 2)
        {
            registry.remove(created.get(i), -1);
        }
        assertThat(registry.count()).isEqualTo(2_500);
        assertThat(registry.idCount()).isEqualTo(5_000);
        for (int i = 0; i < 5_000; i++)
        {
            final org.agrona.concurrent.UnsafeBuffer name =
                new org.agrona.concurrent.UnsafeBuffer(("t" + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            assertThat(registry.find(name, 0, name.capacity())).isSameAs(0 == i % 2 ? null : created.get(i));
        }
        final Topic again = registry.findOrCreate("t0");
        assertThat(again).isNotSameAs(created.get(0));
        assertThat(again.id()).as("ids are never reused").isEqualTo(5_000);
        for (int i = 5_000; i < 20_000; i++)
        {
            registry.findOrCreate("t" + i);
        }
        assertThat(registry.count()).isEqualTo(17_501);
        assertThat(registry.topics()).hasSize(17_501).doesNotContain(created.get(2));
    }
}
