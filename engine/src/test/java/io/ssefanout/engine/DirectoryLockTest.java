package io.ssefanout.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * One engine per {@code fanout.dir}: a second is refused at start, naming the directory; the first's close frees it.
 */
class DirectoryLockTest
{
    @TempDir
    Path dir;

    @Test
    void shouldRefuseASecondEngineOnTheSameDirectoryUntilTheFirstCloses()
    {
        try (FanoutEngine first = FanoutEngine.launch(new FanoutEngine.Context().dir(dir)))
        {
            assertThat(first.isAcceptingPublishes()).isTrue();
            assertThatThrownBy(() -> FanoutEngine.launch(new FanoutEngine.Context().dir(dir)))
                .isInstanceOf(ConfigurationException.class)
                .hasMessageContaining("fanout.dir=" + dir)
                .hasMessageContaining("in use by another fanout process (pid " + ProcessHandle.current().pid() + ")");
        }
        try (FanoutEngine again = FanoutEngine.launch(new FanoutEngine.Context().dir(dir)))
        {
            assertThat(again.isAcceptingPublishes()).isTrue();
        }
    }
}
