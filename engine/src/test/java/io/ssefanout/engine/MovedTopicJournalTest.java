package io.ssefanout.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static io.ssefanout.engine.EngineTests.awaitSequenced;
import static io.ssefanout.engine.EngineTests.publish;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The sequencer writes each topic that got a frame into the journal, in order, before the watermark covers the
 * frame; a reader that fell more than the capacity behind learns it was overrun.
 */
class MovedTopicJournalTest
{
    @TempDir
    Path dir;

    @Test
    void shouldKeepTopicsInOrderAndTellAReaderItWasOverrun()
    {
        final MovedTopicJournal journal = new MovedTopicJournal(8);
        for (int i = 0; i < 8; i++)
        {
            journal.append(100 + i);
        }
        assertThat(journal.published()).isEqualTo(8);
        assertThat(journal.topicIdAt(0)).isEqualTo(100);
        assertThat(journal.topicIdAt(7)).isEqualTo(107);
        assertThat(journal.isOverrun(0)).isFalse();
        journal.append(108);
        assertThat(journal.isOverrun(0)).as("entry 0 was written over").isTrue();
        assertThat(journal.isOverrun(1)).isFalse();
        assertThat(journal.topicIdAt(8)).isEqualTo(108);
        assertThatThrownBy(() -> new MovedTopicJournal(12)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void shouldHaveEveryFrameAtOrBelowTheWatermarkInTheJournal()
    {
        try (FanoutEngine engine = FanoutEngine.launch(new FanoutEngine.Context().dir(dir)))
        {
            final MovedTopicJournal journal = engine.sequencer().movedTopics();
            final long start = journal.published();
            final Topic a = engine.topic("a");
            final Topic b = engine.topic("b");
            publish(engine, a, "1");
            publish(engine, b, "2");
            final long last = publish(engine, a, "3");
            awaitSequenced(engine, last);
            assertThat(journal.published() - start).isEqualTo(3);
            assertThat(new int[]{ journal.topicIdAt(start), journal.topicIdAt(start + 1), journal.topicIdAt(start + 2) })
                .containsExactly(a.id(), b.id(), a.id());
        }
    }
}
