package io.ssefanout.tools;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The settings the command line offers come from the configuration classes; the distribution's commented
 * properties file lists exactly them (regenerate with {@code fanout config --template > deploy/fanout.properties}).
 */
class ServerSettingsTest
{
    @Test
    void shouldListEverySettingInTheDistributedPropertiesFile() throws Exception
    {
        assertThat(Files.readString(Path.of("..", "deploy", "fanout.properties"))).isEqualTo(ServerSettings.template());
        assertThat(ServerSettings.all()).extracting(ServerSettings.Setting::property)
            .contains("fanout.port", "fanout.ring.size", "fanout.kafka.bootstrap.servers", "fanout.auth.hmac.secret.file")
            .doesNotHaveDuplicates();
    }

    @Test
    void shouldCheckValuesByTheKindOfTheirDefault()
    {
        final ServerSettings.Setting port = setting("fanout.port");
        assertThat(port.check("9090")).isNull();
        assertThat(port.check("80x0")).contains("not a size");
        assertThat(setting("fanout.heartbeat.interval").check("15s")).isNull();
        assertThat(setting("fanout.heartbeat.interval").check("soon")).contains("not a duration");
        assertThat(setting("fanout.http.chunked").check("yes")).isEqualTo("must be true or false");
    }

    private static ServerSettings.Setting setting(final String property)
    {
        return ServerSettings.all().stream().filter(s -> s.property().equals(property)).findFirst().orElseThrow();
    }
}
