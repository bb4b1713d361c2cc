package io.ssefanout.transport;

import io.ssefanout.testsupport.SseClient;
import io.ssefanout.engine.EngineCounterDescriptor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static io.ssefanout.transport.ServerFixture.await;
import static io.ssefanout.transport.ServerFixture.counter;
import static io.ssefanout.transport.ServerFixture.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FaultIsolationTest
{
    @TempDir
    Path dir;

    /**
     * A bug while handling one connection (here: the authenticator throws for one token) must close that connection
     * only, be counted and reported, and leave every other stream and the server untouched.
     */
    @Test
    void shouldCloseOnlyTheConnectionWhoseHandlingFailed() throws Exception
    {
        final List<Throwable> errors = new CopyOnWriteArrayList<>();
        final List<ConnectionRecord> records = new CopyOnWriteArrayList<>();
        final Authenticator failingForOneToken = new Authenticator()
        {
            @Override
            public TopicRights authenticate(final String token)
            {
                if ("boom".equals(token))
                {
                    throw new IllegalStateException("bug while authenticating");
                }
                return new TopicRights(List.of("*"), List.of("*"), Long.MAX_VALUE);
            }

            @Override
            public String describe()
            {
                return "test";
            }
        };
        try (FanoutServer server = ServerFixture.start(dir, ctx -> ctx
            .authenticator(failingForOneToken)
            .accessLog(records::add)
            .errorHandler(errors::add)))
        {
            try (SseClient healthy = SseClient.connect(server.port(), "/sse/t", "Authorization: Bearer good"))
            {
                assertThat(healthy.status).isEqualTo(200);
                assertThatThrownBy(() -> SseClient.connect(server.port(), "/sse/t?access_token=boom"))
                    .isInstanceOf(java.io.IOException.class);
                publish(server, "t", "after the failure");
                assertThat(healthy.awaitEvents(1, 5000)).isTrue();
            }

            await(() -> records.stream().anyMatch(r -> "error".equals(r.closeReason)), 5000, "failure reported");
            assertThat(errors).hasSize(1);
            assertThat(errors.get(0)).hasMessage("bug while authenticating");
            assertThat(counter(server, EngineCounterDescriptor.ERRORS)).isEqualTo(1);

            try (SseClient after = SseClient.connect(server.port(), "/sse/t", "Authorization: Bearer good"))
            {
                publish(server, "t", "still fine");
                assertThat(after.awaitEvents(1, 5000)).isTrue();
            }
        }
    }
}
