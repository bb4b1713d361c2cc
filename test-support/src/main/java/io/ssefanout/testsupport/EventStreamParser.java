package io.ssefanout.testsupport;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * A text/event-stream parser that follows the WHATWG HTML "event stream interpretation" rules, fed incrementally
 * with bytes. Test support: it is the reference the encoder and the server are checked against.
 */
public final class EventStreamParser
{
    /** A dispatched event. */
    public static final class Event
    {
        public final String type;
        public final String data;
        public final String lastEventId;

        Event(final String type, final String data, final String lastEventId)
        {
            this.type = type;
            this.data = data;
            this.lastEventId = lastEventId;
        }

        @Override
        public String toString()
        {
            return "Event{type=" + type + ", id=" + lastEventId + ", data=" + data + "}";
        }
    }

    private final ByteArrayOutputStream line = new ByteArrayOutputStream();
    private final List<Event> events = new ArrayList<>();
    private final List<String> comments = new ArrayList<>();
    private final StringBuilder data = new StringBuilder();
    private String eventType = "";
    private String lastEventId = "";
    private long retryMs = -1;
    private boolean lastWasCr;

    public void onBytes(final byte[] bytes, final int offset, final int length)
    {
        for (int i = offset; i < offset + length; i++)
        {
            final byte b = bytes[i];
            if ('\n' == b && lastWasCr)
            {
                lastWasCr = false;
                continue;
            }
            lastWasCr = false;
            if ('\n' == b || '\r' == b)
            {
                lastWasCr = '\r' == b;
                onLine(new String(line.toByteArray(), StandardCharsets.UTF_8));
                line.reset();
            }
            else
            {
                line.write(b);
            }
        }
    }

    public List<Event> events()
    {
        return events;
    }

    public List<String> comments()
    {
        return comments;
    }

    public long retryMs()
    {
        return retryMs;
    }

    private void onLine(final String text)
    {
        if (text.isEmpty())
        {
            dispatch();
            return;
        }
        if (text.startsWith(":"))
        {
            comments.add(text.substring(1));
            return;
        }
        final int colon = text.indexOf(':');
        final String field;
        String value;
        if (colon >= 0)
        {
            field = text.substring(0, colon);
            value = text.substring(colon + 1);
            if (value.startsWith(" "))
            {
                value = value.substring(1);
            }
        }
        else
        {
            field = text;
            value = "";
        }
        switch (field)
        {
            case "event":
                eventType = value;
                break;
            case "data":
                data.append(value).append('\n');
                break;
            case "id":
                if (value.indexOf('\0') < 0)
                {
                    lastEventId = value;
                }
                break;
            case "retry":
                if (!value.isEmpty() && value.chars().allMatch(Character::isDigit))
                {
                    retryMs = Long.parseLong(value);
                }
                break;
            default:
                break;
        }
    }

    private void dispatch()
    {
        if (0 == data.length())
        {
            eventType = "";
            return;
        }
        String value = data.toString();
        if (value.endsWith("\n"))
        {
            value = value.substring(0, value.length() - 1);
        }
        events.add(new Event(eventType.isEmpty() ? "message" : eventType, value, lastEventId));
        data.setLength(0);
        eventType = "";
    }
}
