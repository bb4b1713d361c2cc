package io.ssefanout.transport;

import io.ssefanout.codec.HttpStatus;
import io.ssefanout.engine.EngineCounterDescriptor;
import io.ssefanout.engine.FanoutCounters;
import io.ssefanout.engine.FanoutEngine;
import io.ssefanout.engine.Topic;
import org.agrona.concurrent.BusySpinIdleStrategy;
import org.agrona.concurrent.NoOpIdleStrategy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@link TransportCounters}, {@link TopicSubscriberIndex} and {@link TransportConfiguration}'s alias table on their
 * own.
 */
class TransportPartsTest
{
    @TempDir
    Path dir;

    @Test
    void shouldCountRejectionsByStatusAndFlushWriteTalliesOnce()
    {
        final FanoutCounters counters = new FanoutCounters();
        final TransportCounters transport = new TransportCounters(counters);
        transport.onReject(HttpStatus.PAYLOAD_TOO_LARGE);
        transport.onReject(HttpStatus.NOT_IMPLEMENTED);
        transport.onReject(299);
        transport.onReject(-5);
        assertThat(counters.get(TransportCounterDescriptor.REJECTS_PAYLOAD_TOO_LARGE).get()).isEqualTo(1);
        assertThat(counters.get(TransportCounterDescriptor.REJECTS_BAD_REQUEST).get()).isEqualTo(1);
        assertThat(counters.get(EngineCounterDescriptor.ERRORS).get()).as("no counter of its own").isEqualTo(2);

        transport.pendingWrites = 3;
        transport.pendingBytes = 300;
        transport.pendingDeliveries = 5;
        transport.flush();
        transport.flush();
        assertThat(counters.get(TransportCounterDescriptor.SOCKET_WRITES).get()).isEqualTo(3);
        assertThat(counters.get(TransportCounterDescriptor.BYTES_WRITTEN).get()).isEqualTo(300);
        assertThat(counters.get(TransportCounterDescriptor.DELIVERIES).get()).isEqualTo(5);
    }

    @Test
    void shouldKeepEachConnectionsSlotRightAcrossRemovals()
    {
        try (FanoutEngine engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir)))
        {
            final Topic a = engine.topic("a");
            final Topic b = engine.topic("b");
            final TopicSubscriberIndex index = new TopicSubscriberIndex();
            final Connection first = connection(engine, a, b);
            final Connection second = connection(engine, b);
            final Connection third = connection(engine, b, a);
            index.add(first);
            index.add(second);
            index.add(third);
            assertThat(index.activeCount()).isEqualTo(2);
            assertThat(index.byId(b.id()).count).isEqualTo(3);

            index.remove(first);
            final TopicSubscribers underB = index.byId(b.id());
            assertThat(underB.count).isEqualTo(2);
            for (final Connection connection : new Connection[]{ second, third })
            {
                final Topic[] topics = connection.subscription.topics();
                for (int i = 0; i < topics.length; i++)
                {
                    assertThat(index.byId(topics[i].id()).connections[connection.topicSlots[i]]).isSameAs(connection);
                }
            }
            index.remove(third);
            assertThat(index.byId(a.id()).count).isZero();
            assertThat(index.activeCount()).as("a has no subscriber left").isEqualTo(1);
            assertThat(index.byIdIfAny(a.id())).as("kept, inactive").isNotNull();
            assertThat(index.byIdIfAny(a.id()).activeIndex).isEqualTo(-1);
            assertThat(index.byIdIfAny(100_000)).as("a topic never subscribed here").isNull();
        }
    }

    @Test
    void shouldMapEveryIdleStrategyAlias()
    {
        for (final String alias : TransportConfiguration.IO_IDLE_STRATEGIES)
        {
            if (!"select".equals(alias))
            {
                assertThat(TransportConfiguration.idleStrategy(alias, null)).as(alias).isNotNull();
            }
        }
        assertThat(TransportConfiguration.idleStrategy("noop", null)).isInstanceOf(NoOpIdleStrategy.class);
        assertThat(TransportConfiguration.idleStrategy("spin", null)).isInstanceOf(BusySpinIdleStrategy.class);
        assertThatThrownBy(() -> TransportConfiguration.idleStrategy("sleepy", null))
            .hasMessageContaining("fanout.io.idle.strategy");
    }

    private static Connection connection(final FanoutEngine engine, final Topic... topics)
    {
        final Connection connection = new Connection(null, null, false, 1, 0);
        connection.subscription = engine.subscribe(topics, -1);
        return connection;
    }
}
