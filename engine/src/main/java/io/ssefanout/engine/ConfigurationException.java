package io.ssefanout.engine;

/**
 * A setting with a value start-up cannot take: names the property, the value and what it must be.
 */
public final class ConfigurationException extends IllegalArgumentException
{
    private static final long serialVersionUID = 1L;

    private final String propertyName;

    /**
     * @param propertyName the {@code fanout.*} property.
     * @param value        the value given.
     * @param requirement  what the value must be.
     */
    public ConfigurationException(final String propertyName, final Object value, final String requirement)
    {
        super(propertyName + "=" + value + ": " + requirement);
        this.propertyName = propertyName;
    }

    /**
     * @return the property whose value was refused.
     */
    public String propertyName()
    {
        return propertyName;
    }
}
