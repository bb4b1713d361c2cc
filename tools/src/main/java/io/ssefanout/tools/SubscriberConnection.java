package io.ssefanout.tools;

import org.HdrHistogram.Histogram;

import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.BitSet;

/**
 * One load-generator subscriber: decodes the HTTP response head, the chunked or close-delimited body and the
 * text/event-stream lines byte by byte, and for each dispatched event reads the stamp the publisher put in its data
 * ({@code "ts":} intended send time, {@code "seq":} sequence). Owned by one I/O thread; allocation-free per byte.
 */
final class SubscriberConnection
{
    private static final int HEAD = 0;
    private static final int CHUNK_SIZE = 1;
    private static final int CHUNK_DATA = 2;
    private static final int CHUNK_END = 3;
    private static final int IDENTITY = 4;

    final int index;
    final int[] topics;
    final BitSet seen = new BitSet();
    SocketChannel channel;
    int status;
    boolean isConnected;
    boolean isClosedByServer;
    /** Reads at most {@code slowBytesPerSecond}: a client that cannot keep up. */
    boolean isSlow;
    long readBudget;
    long budgetRefilledNs;
    boolean isPaused;
    long deliveries;
    long duplicates;

    private final byte[] line;
    private int lineLength;
    private boolean lastWasCr;
    private int state = HEAD;
    private final byte[] head = new byte[8192];
    private int headLength;
    private long chunkRemaining;
    private long stampNs = -1;
    private long stampSeq = -1;

    SubscriberConnection(final int index, final int[] topics, final int maxLineLength)
    {
        this.index = index;
        this.topics = topics;
        this.line = new byte[maxLineLength];
    }

    boolean hasHead()
    {
        return HEAD != state;
    }

    /**
     * @return events dispatched by these bytes.
     */
    int onBytes(
        final byte[] bytes,
        final int length,
        final long nowNs,
        final long measureFromNs,
        final Histogram latency,
        final LoadGenerator.Window window)
    {
        int events = 0;
        for (int i = 0; i < length; i++)
        {
            final byte b = bytes[i];
            switch (state)
            {
                case HEAD:
                    if (headLength < head.length)
                    {
                        head[headLength++] = b;
                    }
                    if ('\n' == b && headLength >= 4 && '\r' == head[headLength - 2] && '\n' == head[headLength - 3])
                    {
                        onHead();
                    }
                    break;
                case CHUNK_SIZE:
                    if ('\n' == b)
                    {
                        state = 0 == chunkRemaining ? CHUNK_END : CHUNK_DATA;
                    }
                    else if ('\r' != b && ';' != b)
                    {
                        chunkRemaining = (chunkRemaining << 4) + Character.digit(b, 16);
                    }
                    break;
                case CHUNK_DATA:
                    events += onBodyByte(b, nowNs, measureFromNs, latency, window);
                    if (0 == --chunkRemaining)
                    {
                        state = CHUNK_END;
                    }
                    break;
                case CHUNK_END:
                    if ('\n' == b)
                    {
                        state = CHUNK_SIZE;
                        chunkRemaining = 0;
                    }
                    break;
                default:
                    events += onBodyByte(b, nowNs, measureFromNs, latency, window);
                    break;
            }
        }
        return events;
    }

    private void onHead()
    {
        status = (head[9] - '0') * 100 + (head[10] - '0') * 10 + (head[11] - '0');
        final String text = new String(head, 0, headLength, java.nio.charset.StandardCharsets.ISO_8859_1)
            .toLowerCase(java.util.Locale.ROOT);
        state = text.contains("transfer-encoding: chunked") ? CHUNK_SIZE : IDENTITY;
        chunkRemaining = 0;
    }

    private int onBodyByte(
        final byte b,
        final long nowNs,
        final long measureFromNs,
        final Histogram latency,
        final LoadGenerator.Window window)
    {
        if ('\n' == b && lastWasCr)
        {
            lastWasCr = false;
            return 0;
        }
        lastWasCr = '\r' == b;
        if ('\n' != b && '\r' != b)
        {
            if (lineLength < line.length)
            {
                line[lineLength++] = b;
            }
            return 0;
        }

        int events = 0;
        if (0 == lineLength)
        {
            if (stampSeq >= 0)
            {
                events = 1;
                onEvent(nowNs, measureFromNs, latency, window);
            }
            stampSeq = -1;
            stampNs = -1;
        }
        else if (lineLength > 5 && 'd' == line[0] && 'a' == line[1] && 't' == line[2] && 'a' == line[3] && ':' == line[4])
        {
            final long ts = numberAfter("\"ts\":");
            final long seq = numberAfter("\"seq\":");
            if (ts >= 0 && seq >= 0)
            {
                stampNs = ts;
                stampSeq = seq;
            }
        }
        lineLength = 0;
        return events;
    }

    private void onEvent(final long nowNs, final long measureFromNs, final Histogram latency, final LoadGenerator.Window window)
    {
        final int seq = (int)stampSeq;
        if (seen.get(seq))
        {
            duplicates++;
            return;
        }
        seen.set(seq);
        deliveries++;
        if (stampNs >= measureFromNs)
        {
            latency.recordValue(Math.min(Math.max(0, nowNs - stampNs), latency.getHighestTrackableValue()));
            window.onMeasuredDelivery(nowNs);
        }
    }

    private long numberAfter(final String key)
    {
        final int n = key.length();
        outer:
        for (int i = 5; i + n <= lineLength; i++)
        {
            for (int k = 0; k < n; k++)
            {
                if (line[i + k] != key.charAt(k))
                {
                    continue outer;
                }
            }
            long value = 0;
            int j = i + n;
            boolean hasDigit = false;
            while (j < lineLength && line[j] >= '0' && line[j] <= '9')
            {
                value = value * 10 + (line[j++] - '0');
                hasDigit = true;
            }
            return hasDigit ? value : -1;
        }
        return -1;
    }

    /**
     * @param topicOfSeq each published event's topic index (-1 for none).
     * @param totalEvents events published.
     * @return events of the topics this connection watches that it never received.
     */
    long missing(final int[] topicOfSeq, final int totalEvents)
    {
        long lost = 0;
        for (int seq = 0; seq < totalEvents; seq++)
        {
            final int topic = topicOfSeq[seq];
            if (topic >= 0 && Arrays.binarySearch(topics, topic) >= 0 && !seen.get(seq))
            {
                lost++;
            }
        }
        return lost;
    }
}
