package io.ssefanout.transport;

import io.ssefanout.codec.HttpStatus;
import io.ssefanout.engine.CounterDescriptor;
import io.ssefanout.engine.EngineCounterDescriptor;
import io.ssefanout.engine.FanoutCounters;
import org.agrona.concurrent.status.AtomicCounter;

import java.util.Arrays;

/**
 * The counters an I/O agent moves. Socket-write tallies are kept in plain fields on the hot path and added to the
 * shared counters once per duty cycle ({@link #flush()}); rejections are counted by status through one table.
 */
final class TransportCounters
{
    final AtomicCounter connectionsOpen;
    final AtomicCounter subscribersOpen;
    final AtomicCounter lappedDisconnects;
    final AtomicCounter lappedSkips;
    final AtomicCounter conflatedFrames;
    final AtomicCounter streamsExpired;
    final AtomicCounter heartbeatsSent;
    final AtomicCounter resetsSent;
    final AtomicCounter publishRequests;
    long pendingWrites;
    long pendingBytes;
    long pendingDeliveries;
    long pendingShortWrites;

    private final FanoutCounters counters;
    private final AtomicCounter deliveries;
    private final AtomicCounter bytesWritten;
    private final AtomicCounter socketWrites;
    private final AtomicCounter shortWrites;
    private final AtomicCounter[] rejectsByStatus = new AtomicCounter[600];

    TransportCounters(final FanoutCounters counters)
    {
        this.counters = counters;
        counters.register(TransportCounterDescriptor.values());
        connectionsOpen = counters.get(TransportCounterDescriptor.CONNECTIONS_OPEN);
        subscribersOpen = counters.get(TransportCounterDescriptor.SUBSCRIBERS_OPEN);
        lappedDisconnects = counters.get(TransportCounterDescriptor.LAPPED_DISCONNECTS);
        lappedSkips = counters.get(TransportCounterDescriptor.LAPPED_SKIPS);
        conflatedFrames = counters.get(TransportCounterDescriptor.CONFLATED_FRAMES);
        streamsExpired = counters.get(TransportCounterDescriptor.STREAMS_EXPIRED);
        heartbeatsSent = counters.get(TransportCounterDescriptor.HEARTBEATS_SENT);
        resetsSent = counters.get(TransportCounterDescriptor.RESETS_SENT);
        publishRequests = counters.get(TransportCounterDescriptor.PUBLISH_REQUESTS);
        deliveries = counters.get(TransportCounterDescriptor.DELIVERIES);
        bytesWritten = counters.get(TransportCounterDescriptor.BYTES_WRITTEN);
        socketWrites = counters.get(TransportCounterDescriptor.SOCKET_WRITES);
        shortWrites = counters.get(TransportCounterDescriptor.SHORT_WRITES);

        Arrays.fill(rejectsByStatus, counters.get(EngineCounterDescriptor.ERRORS));
        rejectsByStatus[HttpStatus.BAD_REQUEST] = counters.get(TransportCounterDescriptor.REJECTS_BAD_REQUEST);
        rejectsByStatus[HttpStatus.UNSUPPORTED_MEDIA_TYPE] = counters.get(TransportCounterDescriptor.REJECTS_BAD_REQUEST);
        rejectsByStatus[HttpStatus.NOT_IMPLEMENTED] = counters.get(TransportCounterDescriptor.REJECTS_BAD_REQUEST);
        rejectsByStatus[HttpStatus.NOT_FOUND] = counters.get(TransportCounterDescriptor.REJECTS_NOT_FOUND);
        rejectsByStatus[HttpStatus.METHOD_NOT_ALLOWED] = counters.get(TransportCounterDescriptor.REJECTS_METHOD_NOT_ALLOWED);
        rejectsByStatus[HttpStatus.LENGTH_REQUIRED] = counters.get(TransportCounterDescriptor.REJECTS_LENGTH_REQUIRED);
        rejectsByStatus[HttpStatus.PAYLOAD_TOO_LARGE] = counters.get(TransportCounterDescriptor.REJECTS_PAYLOAD_TOO_LARGE);
        rejectsByStatus[HttpStatus.URI_TOO_LONG] = counters.get(TransportCounterDescriptor.REJECTS_URI_TOO_LONG);
        rejectsByStatus[HttpStatus.REQUEST_HEADER_FIELDS_TOO_LARGE] = counters.get(TransportCounterDescriptor.REJECTS_HEADERS_TOO_LARGE);
        rejectsByStatus[HttpStatus.HTTP_VERSION_NOT_SUPPORTED] = counters.get(TransportCounterDescriptor.REJECTS_VERSION);
        rejectsByStatus[HttpStatus.SERVICE_UNAVAILABLE] = counters.get(TransportCounterDescriptor.REJECTS_UNAVAILABLE);
        rejectsByStatus[HttpStatus.REQUEST_TIMEOUT] = counters.get(TransportCounterDescriptor.REJECTS_TIMEOUT);
    }

    AtomicCounter get(final CounterDescriptor descriptor)
    {
        return counters.get(descriptor);
    }

    /**
     * Count a rejection by its status; a status without a counter of its own counts as an error.
     */
    void onReject(final int status)
    {
        rejectsByStatus[status >= 0 && status < rejectsByStatus.length ? status : 0].increment();
    }

    /**
     * Add the duty cycle's write tallies to the shared counters.
     */
    void flush()
    {
        if (pendingWrites > 0)
        {
            socketWrites.getAndAdd(pendingWrites);
            pendingWrites = 0;
        }
        if (pendingBytes > 0)
        {
            bytesWritten.getAndAdd(pendingBytes);
            pendingBytes = 0;
        }
        if (pendingDeliveries > 0)
        {
            deliveries.getAndAdd(pendingDeliveries);
            pendingDeliveries = 0;
        }
        if (pendingShortWrites > 0)
        {
            shortWrites.getAndAdd(pendingShortWrites);
            pendingShortWrites = 0;
        }
    }
}
