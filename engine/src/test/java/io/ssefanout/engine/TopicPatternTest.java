package io.ssefanout.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

class TopicPatternTest
{
    @Test
    void shouldMatchWholeNamesWithStarAndQuestionMark()
    {
        assertThat(TopicPattern.matches("prices.*", "prices.eu")).isTrue();
        assertThat(TopicPattern.matches("prices.*", "prices.")).isTrue();
        assertThat(TopicPattern.matches("prices.*", "prices")).isFalse();
        assertThat(TopicPattern.matches("*", "anything")).isTrue();
        assertThat(TopicPattern.matches("a?c", "abc")).isTrue();
        assertThat(TopicPattern.matches("a?c", "ac")).isFalse();
        assertThat(TopicPattern.matches("exact", "exactly")).isFalse();
        assertThat(TopicPattern.matches("*.usd", "fx.eur.usd")).isTrue();
        assertThat(TopicPattern.matches("fx.*.usd", "fx.eur.gbp")).isFalse();
        assertThat(TopicPattern.isPattern("fx.*")).isTrue();
        assertThat(TopicPattern.isPattern("fx.eur")).isFalse();
    }

    @Test
    @Timeout(10)
    void shouldMatchAHostilePatternWithoutBacktrackingBlowUp()
    {
        final String pattern = "*a".repeat(40) + "b";
        final String name = "a".repeat(250);
        // a recursive matcher never returns here; this one takes at most 40 x 250 steps
        assertThat(TopicPattern.matches(pattern, name)).isFalse();
    }

    @Test
    void shouldSayWhetherRightsCoverASubscribedPattern()
    {
        assertThat(TopicPattern.covers("fx.*", "fx.*")).isTrue();
        assertThat(TopicPattern.covers("fx.*", "fx.eur.*")).isTrue();
        assertThat(TopicPattern.covers("fx.*", "fx.???")).isTrue();
        assertThat(TopicPattern.covers("*", "anything*")).isTrue();
        assertThat(TopicPattern.covers("fx.?", "fx.*")).as("? is one character, * any number").isFalse();
        assertThat(TopicPattern.covers("fx.*", "*")).isFalse();
        assertThat(TopicPattern.covers("fx.eur", "fx.*")).isFalse();
        assertThat(TopicPattern.covers("sym.a*", "sym.?*")).as("sym.b would match the pattern, not the rights")
            .isFalse();
    }
}
