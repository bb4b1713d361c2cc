package io.ssefanout.transport;

import io.ssefanout.engine.ConfigurationException;

/**
 * How every event stream is shaped, one group of the server's settings ({@link FanoutServer.Context#streams()}):
 * its kernel send buffer and, for a conflating stream, how much of it may wait unsent; the per-topic rate a stream
 * gets and the most it may ask for; how much a blocked subscriber may be owed before the slow-consumer policy acts.
 * Initialised from {@link TransportConfiguration}; checked when the server's context concludes.
 */
public final class StreamSettings
{
    private int sendBuffer = TransportConfiguration.streamSendBuffer();
    private int conflateUnsentMax = TransportConfiguration.conflateUnsentMax();
    private int maxRate = TransportConfiguration.streamMaxRate();
    private int maxRateLimit = TransportConfiguration.streamMaxRateLimit();
    private int slowConsumerUnsentMax = TransportConfiguration.slowConsumerUnsentMax();

    /**
     * @throws ConfigurationException naming the first setting out of range.
     */
    void validate()
    {
        check(TransportConfiguration.STREAM_MAX_RATE_PROP_NAME, maxRate);
        check(TransportConfiguration.STREAM_MAX_RATE_LIMIT_PROP_NAME, maxRateLimit);
        check(TransportConfiguration.STREAM_SEND_BUFFER_PROP_NAME, sendBuffer);
        check(TransportConfiguration.CONFLATE_UNSENT_MAX_PROP_NAME, conflateUnsentMax);
    }

    private static void check(final String property, final int value)
    {
        if (value < 0)
        {
            throw new ConfigurationException(property, value, "must be >= 0");
        }
    }

    /**
     * @return SO_SNDBUF of event streams, 0 for the system's default.
     */
    public int sendBuffer()
    {
        return sendBuffer;
    }

    /**
     * @param sendBuffer SO_SNDBUF of event streams, 0 for the system's default.
     * @return this.
     */
    public StreamSettings sendBuffer(final int sendBuffer)
    {
        this.sendBuffer = sendBuffer;
        return this;
    }

    /**
     * @return most bytes the kernel holds unsent for a conflating stream, 0 for no bound but the send buffer.
     */
    public int conflateUnsentMax()
    {
        return conflateUnsentMax;
    }

    /**
     * @param conflateUnsentMax most bytes the kernel holds unsent for a conflating stream (needs the native
     *                          library), 0 for no bound but the send buffer.
     * @return this.
     */
    public StreamSettings conflateUnsentMax(final int conflateUnsentMax)
    {
        this.conflateUnsentMax = conflateUnsentMax;
        return this;
    }

    /**
     * @return events per second of each topic for a stream that does not ask, 0 for no cap.
     */
    public int maxRate()
    {
        return maxRate;
    }

    /**
     * @param maxRate events per second of each topic for a stream that does not ask, 0 for no cap.
     * @return this.
     */
    public StreamSettings maxRate(final int maxRate)
    {
        this.maxRate = maxRate;
        return this;
    }

    /**
     * @return highest per-topic rate a stream may have, 0 for no limit.
     */
    public int maxRateLimit()
    {
        return maxRateLimit;
    }

    /**
     * @param maxRateLimit highest per-topic rate a stream may have, 0 for no limit.
     * @return this.
     */
    public StreamSettings maxRateLimit(final int maxRateLimit)
    {
        this.maxRateLimit = maxRateLimit;
        return this;
    }

    /**
     * The per-topic rate a stream gets.
     *
     * @param requested what it asked for with {@code maxRate=}, 0 if it did not.
     * @return events per second, 0 for no cap.
     */
    int effectiveMaxRate(final int requested)
    {
        final int rate = requested > 0 ? requested : maxRate;
        if (maxRateLimit > 0)
        {
            return 0 == rate ? maxRateLimit : Math.min(rate, maxRateLimit);
        }
        return rate;
    }

    /**
     * @return unsent bytes a blocked subscriber may be owed before the slow-consumer policy acts, 0 for the log's
     *         lag window.
     */
    public int slowConsumerUnsentMax()
    {
        return slowConsumerUnsentMax;
    }

    /**
     * @param slowConsumerUnsentMax unsent bytes a blocked subscriber may be owed, 0 for the log's lag window.
     * @return this.
     */
    public StreamSettings slowConsumerUnsentMax(final int slowConsumerUnsentMax)
    {
        this.slowConsumerUnsentMax = slowConsumerUnsentMax;
        return this;
    }

    @Override
    public String toString()
    {
        return "StreamSettings{sendBuffer=" + sendBuffer + ", conflateUnsentMax=" + conflateUnsentMax +
            ", maxRate=" + maxRate + ", maxRateLimit=" + maxRateLimit +
            ", slowConsumerUnsentMax=" + slowConsumerUnsentMax + "}";
    }
}
