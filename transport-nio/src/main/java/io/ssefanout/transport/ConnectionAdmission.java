package io.ssefanout.transport;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts open connections, in total and per client address, against their limits. The acceptor admits; the agent
 * that owns a connection releases it when it closes. Control path only (accept and close).
 */
final class ConnectionAdmission
{
    private final int connectionsMax;
    private final int perAddressMax;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, AtomicInteger> openByAddress = new ConcurrentHashMap<>();

    ConnectionAdmission(final int connectionsMax, final int perAddressMax)
    {
        this.connectionsMax = connectionsMax;
        this.perAddressMax = perAddressMax;
    }

    /**
     * Count a new connection.
     *
     * @return true if it is within the limits; it is counted either way and must be released.
     */
    boolean admit(final InetAddress address)
    {
        boolean isWithinLimits = open.incrementAndGet() <= connectionsMax;
        if (perAddressMax > 0 && null != address)
        {
            final int fromAddress = openByAddress.computeIfAbsent(address, a -> new AtomicInteger()).incrementAndGet();
            isWithinLimits &= fromAddress <= perAddressMax;
        }
        return isWithinLimits;
    }

    void release(final InetAddress address)
    {
        open.decrementAndGet();
        if (perAddressMax > 0 && null != address)
        {
            openByAddress.computeIfPresent(address, (a, count) -> 0 == count.decrementAndGet() ? null : count);
        }
    }
}
