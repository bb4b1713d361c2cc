package io.ssefanout.tools;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LoadGenSettingsTest
{
    @Test
    void shouldReadBatchPublishingAndDeriveTheBatchUrl()
    {
        final LoadGenSettings settings = LoadGenSettings.parse(new String[]{
            "--pub-url", "http://127.0.0.1:9090/publish/{topic}", "--topics", "10", "--topics-per-conn", "1-3",
            "--pub-batch", "100", "--quiet" });
        assertThat(settings.pubBatch).isEqualTo(100);
        assertThat(settings.batchPublishUri().toString()).isEqualTo("http://127.0.0.1:9090/publish");
        assertThat(settings.publishUri(7).toString()).isEqualTo("http://127.0.0.1:9090/publish/bench7");
        assertThatThrownBy(() -> LoadGenSettings.parse(new String[]{ "--pub-batch", "0" }))
            .hasMessageContaining("--pub-batch");
        assertThatThrownBy(() -> LoadGenSettings.parse(new String[]{ "--nonsense", "1" }))
            .hasMessageContaining("unknown flag");
    }

    @Test
    void shouldReadSlowReaders()
    {
        final LoadGenSettings settings = LoadGenSettings.parse(new String[]{
            "--slow-fraction", "0.1", "--slow-rate", "4096" });
        assertThat(settings.slowFraction).isEqualTo(0.1);
        assertThat(settings.slowBytesPerSecond).isEqualTo(4096);
        assertThat(LoadGenSettings.parse(new String[0]).slowFraction).as("none by default").isZero();
    }
}
