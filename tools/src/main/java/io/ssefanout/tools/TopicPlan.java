package io.ssefanout.tools;

import java.util.Arrays;
import java.util.Random;

/**
 * Which topic each event of a load run goes to, fixed before the run so that the publisher and the delivery check
 * agree: in turn over the topics, or drawn from a Zipf law (topic {@code k} chosen with weight {@code 1/(k+1)^s})
 * with a fixed seed, the way a few symbols of a market take most of the updates.
 */
final class TopicPlan
{
    private TopicPlan()
    {
    }

    /**
     * @param topicCount   topics to spread over.
     * @param zipfExponent {@code s} of the Zipf law; 0 takes the topics in turn.
     * @param seed         seed of the draw, so every server measured gets the same sequence.
     * @param events       events in the run.
     * @return the topic index of each event.
     */
    static int[] plan(final int topicCount, final double zipfExponent, final long seed, final int events)
    {
        final int[] topics = new int[events];
        if (0 == zipfExponent || 1 == topicCount)
        {
            for (int seq = 0; seq < events; seq++)
            {
                topics[seq] = seq % topicCount;
            }
            return topics;
        }
        final double[] cumulative = new double[topicCount];
        double sum = 0;
        for (int k = 0; k < topicCount; k++)
        {
            sum += 1 / Math.pow(k + 1, zipfExponent);
            cumulative[k] = sum;
        }
        final Random random = new Random(seed);
        for (int seq = 0; seq < events; seq++)
        {
            final int at = Arrays.binarySearch(cumulative, random.nextDouble() * sum);
            topics[seq] = Math.min(topicCount - 1, at >= 0 ? at : -at - 1);
        }
        return topics;
    }
}
