package io.ssefanout.tools;

/**
 * Values of the load tools' own flags, with errors that name the flag and the value.
 */
final class Flags
{
    private Flags()
    {
    }

    static int intValue(final String flag, final String value)
    {
        try
        {
            return Integer.parseInt(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(flag + ": '" + value + "' is not a whole number");
        }
    }

    static long longValue(final String flag, final String value)
    {
        try
        {
            return Long.parseLong(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(flag + ": '" + value + "' is not a whole number");
        }
    }

    static double doubleValue(final String flag, final String value)
    {
        try
        {
            return Double.parseDouble(value);
        }
        catch (final NumberFormatException ex)
        {
            throw new IllegalArgumentException(flag + ": '" + value + "' is not a number");
        }
    }
}
