package io.ssefanout.transport;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * {@code deploy/systemd/fanout.service} passes {@code systemd-analyze verify} (its program swapped for the repository's
 * {@code fanout} script, since the install path does not exist here), and keeps the settings a server needs: a
 * descriptor limit, SIGTERM to drain, and a stop timeout above the drain.
 */
class SystemdUnitIT
{
    private static final Path SYSTEMD_ANALYZE = Path.of("/usr/bin/systemd-analyze");

    @TempDir
    Path dir;

    @Test
    void shouldPassSystemdAnalyzeVerify() throws Exception
    {
        assumeTrue(Files.isExecutable(SYSTEMD_ANALYZE), "needs systemd-analyze");
        final String unit = Files.readString(Path.of("..", "deploy", "systemd", "fanout.service"));
        assertThat(unit).contains("LimitNOFILE=", "KillSignal=SIGTERM", "TimeoutStopSec=30",
            "ExecStart=/opt/sse-fanout/bin/fanout server");
        final Path script = Path.of("..", "fanout").toAbsolutePath().normalize();
        final Path copy = dir.resolve("fanout.service");
        Files.writeString(copy, unit.replace("/opt/sse-fanout/bin/fanout", script.toString()));
        final Process verify = new ProcessBuilder(SYSTEMD_ANALYZE.toString(), "verify", copy.toString())
            .redirectErrorStream(true).start();
        final String output = new String(verify.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(verify.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(verify.exitValue()).as(output).isZero();
        assertThat(output).as("systemd-analyze verify").doesNotContain("Unknown", "Failed", "invalid");
    }
}
