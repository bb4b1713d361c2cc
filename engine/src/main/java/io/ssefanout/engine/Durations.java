package io.ssefanout.engine;

/**
 * Durations as settings are written: a number and its unit, {@code ns}, {@code us}, {@code ms}, {@code s}, {@code m},
 * {@code h} or {@code d} ({@code 500ms}, {@code 15s}, {@code 5m}, {@code 1h}, {@code 2d}); {@code 0} alone means
 * zero. A bare number is refused: {@code 15} could be seconds to one reader and nanoseconds to another.
 */
public final class Durations
{
    /** What the accepted forms look like, for error messages. */
    public static final String FORMS = "a number and its unit: ns, us, ms, s, m, h or d (e.g. 500ms, 15s, 5m, 1h, 2d)";

    private static final String[] UNITS = { "d", "h", "m", "s", "ms", "us", "ns" };
    private static final long[] UNIT_NANOS = {
        86_400_000_000_000L, 3_600_000_000_000L, 60_000_000_000L, 1_000_000_000L, 1_000_000L, 1_000L, 1L };

    private Durations()
    {
    }

    /**
     * @param property the setting, named in the error.
     * @param value    its text.
     * @return nanoseconds.
     * @throws IllegalArgumentException naming the setting, the value and the accepted forms.
     */
    public static long parseNanos(final String property, final String value)
    {
        final String text = value.trim();
        if ("0".equals(text))
        {
            return 0;
        }
        int digits = 0;
        while (digits < text.length() && Character.isDigit(text.charAt(digits)))
        {
            digits++;
        }
        final String unit = text.substring(digits).toLowerCase(java.util.Locale.ROOT);
        if (digits > 0 && digits <= 18)
        {
            final long amount = Long.parseLong(text.substring(0, digits));
            for (int i = 0; i < UNITS.length; i++)
            {
                if (UNITS[i].equals(unit))
                {
                    if (amount > Long.MAX_VALUE / UNIT_NANOS[i])
                    {
                        break;
                    }
                    return amount * UNIT_NANOS[i];
                }
            }
        }
        throw new IllegalArgumentException(property + "='" + value + "' is not a duration: want " + FORMS);
    }

    /**
     * @param property   a system property holding a duration.
     * @param defaultNs  its value when unset.
     * @return nanoseconds.
     */
    public static long propertyNanos(final String property, final long defaultNs)
    {
        final String value = System.getProperty(property);
        return null == value ? defaultNs : parseNanos(property, value);
    }

    /**
     * @param nanos a duration.
     * @return it in the largest unit that holds it exactly ({@code 3600000000000} is {@code 1h}), as
     *         {@link #parseNanos} reads it.
     */
    public static String format(final long nanos)
    {
        if (0 == nanos)
        {
            return "0";
        }
        for (int i = 0; i < UNITS.length; i++)
        {
            if (0 == nanos % UNIT_NANOS[i])
            {
                return (nanos / UNIT_NANOS[i]) + UNITS[i];
            }
        }
        return nanos + "ns";
    }
}
