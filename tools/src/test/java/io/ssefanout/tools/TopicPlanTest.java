package io.ssefanout.tools;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class TopicPlanTest
{
    @Test
    void shouldTakeTheTopicsInTurnWithoutAZipfLaw()
    {
        assertThat(TopicPlan.plan(3, 0, 1, 7)).containsExactly(0, 1, 2, 0, 1, 2, 0);
    }

    @Test
    void shouldDrawTheSameSequenceForTheSameSeedWithTopicKWeightedOneOverKToTheS()
    {
        final int[] plan = TopicPlan.plan(100, 1.0, 42, 200_000);
        assertThat(TopicPlan.plan(100, 1.0, 42, 200_000)).isEqualTo(plan);
        assertThat(TopicPlan.plan(100, 1.0, 43, 200_000)).isNotEqualTo(plan);

        final int[] counts = new int[100];
        for (final int topic : plan)
        {
            counts[topic]++;
        }
        // weights 1/1, 1/2, 1/4 ... 1/100 over H(100) = 5.187: topic 0 takes 19.3 %, topic 1 half that
        assertThat(counts[0] / 200_000.0).isBetween(0.185, 0.201);
        assertThat((double)counts[0] / counts[1]).isBetween(1.9, 2.1);
        assertThat((double)counts[0] / counts[99]).isBetween(80.0, 125.0);
    }
}
