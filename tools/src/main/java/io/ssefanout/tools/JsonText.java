package io.ssefanout.tools;

/**
 * Text as a JSON string literal (RFC 8259): quotes, backslashes and control characters escaped.
 */
final class JsonText
{
    private JsonText()
    {
    }

    static String quote(final String text)
    {
        final StringBuilder out = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++)
        {
            final char c = text.charAt(i);
            switch (c)
            {
                case '"': out.append("\\\""); break;
                case '\\': out.append("\\\\"); break;
                case '\n': out.append("\\n"); break;
                case '\r': out.append("\\r"); break;
                case '\t': out.append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
            }
        }
        return out.append('"').toString();
    }

    /**
     * Append {@code "name":value,} to an object being built: numbers as they are, anything else as a string.
     */
    static void field(final StringBuilder json, final String name, final Object value)
    {
        json.append('"').append(name).append("\":");
        json.append(value instanceof Number ? String.valueOf(value) : quote(String.valueOf(value))).append(',');
    }
}
