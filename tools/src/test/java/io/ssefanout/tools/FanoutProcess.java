package io.ssefanout.tools;

import io.ssefanout.testsupport.ListeningPort;

import java.io.IOException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code fanout} command as a real child process for the tests: on an ephemeral loopback port, with its own
 * {@code fanout.dir}, and the port it prints when it listens.
 */
final class FanoutProcess
{

    private FanoutProcess()
    {
    }

    /**
     * @param dir        the process's {@code fanout.dir}.
     * @param properties extra {@code -D} settings ({@code name=value}).
     * @param args       command and flags.
     */
    static Process start(final Path dir, final List<String> properties, final String... args) throws IOException
    {
        return builder(dir, properties, args).start();
    }

    /**
     * The process to start, for a test that sets its environment first.
     */
    static ProcessBuilder builder(final Path dir, final List<String> properties, final String... args)
    {
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-exports");
        command.add("java.base/jdk.internal.misc=ALL-UNNAMED");
        command.add("-Dfanout.port=0");
        command.add("-Dfanout.bind.address=127.0.0.1");
        command.add("-Dfanout.dir=" + dir);
        // the tests start many servers: no warm-up unless a test asks for one (a later -D wins)
        command.add("-Dfanout.warmup=0");
        for (final String property : properties)
        {
            command.add("-D" + property);
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(Fanout.class.getName());
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true);
    }

    /**
     * Read the process's output until it says where it listens; the rest of its output is drained meanwhile.
     *
     * @return the port.
     */
    static int awaitPort(final Process process) throws IOException
    {
        return ListeningPort.await(process);
    }
}
