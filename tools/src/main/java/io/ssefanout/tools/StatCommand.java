package io.ssefanout.tools;

import io.ssefanout.engine.StatFiles;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.errors.ErrorLogReader;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.ParseResult;

import java.nio.MappedByteBuffer;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * {@code fanout stat} and {@code fanout errors}: a running server's counters and distinct-error log, read from the
 * files it keeps in its {@code fanout.dir} ({@link StatFiles}), from outside the process and without a request to
 * it, the way Aeron's {@code AeronStat} reads its CnC file.
 */
final class StatCommand
{
    private StatCommand()
    {
    }

    static CommandSpec statSpec()
    {
        final CommandSpec spec = dirSpec("stat", "Show a running server's counters and their rates per second, " +
            "refreshed like top (read from its fanout.dir, not over HTTP).");
        spec.addOption(OptionSpec.builder("--interval").paramLabel("MS").type(long.class).defaultValue("1000")
            .description("milliseconds between refreshes (default 1000)").build());
        spec.addOption(OptionSpec.builder("--count").paramLabel("N").type(int.class).defaultValue("0")
            .description("refreshes before it exits, 0 for until interrupted (default 0)").build());
        return spec;
    }

    static CommandSpec errorsSpec()
    {
        return dirSpec("errors", "Print a server's distinct errors: each once, with how often and when it happened, " +
            "and its stack (read from its fanout.dir).");
    }

    private static CommandSpec dirSpec(final String name, final String description)
    {
        final CommandSpec spec = CommandSpec.create().name(name).mixinStandardHelpOptions(true);
        spec.usageMessage().description(description);
        spec.addOption(OptionSpec.builder("--dir").paramLabel("DIR").type(Path.class)
            .description("the server's fanout.dir (default: the fanout command's, for --port)").build());
        spec.addOption(OptionSpec.builder("--port").paramLabel("PORT").type(int.class).defaultValue("8080")
            .description("the server's port, to find its default fanout.dir (default 8080)").build());
        return spec;
    }

    static void stat(final ParseResult parsed)
    {
        final long intervalMs = parsed.matchedOptionValue("--interval", 1000L);
        final int count = parsed.matchedOptionValue("--count", 0);
        final Path dir = dir(parsed);
        try (StatFiles.Counters counters = open(dir))
        {
            final boolean isTerminal = null != System.console();
            long[] previous = null;
            long previousNs = 0;
            for (int refresh = 0; 0 == count || refresh < count; refresh++)
            {
                if (refresh > 0)
                {
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(intervalMs));
                }
                final long nowNs = System.nanoTime();
                final List<String> labels = new ArrayList<>();
                final List<Long> values = new ArrayList<>();
                counters.reader().forEach((value, id, label) ->
                {
                    labels.add(label);
                    values.add(value);
                });
                final StringBuilder out = new StringBuilder(isTerminal ? "\u001b[H\u001b[2J" : "");
                out.append("fanout stat: pid ").append(counters.pid()).append(", ").append(dir).append(", ")
                    .append(Instant.now()).append('\n');
                out.append(String.format("%-70s %16s %12s%n", "counter", "value", "per second"));
                final long[] current = new long[values.size()];
                for (int i = 0; i < current.length; i++)
                {
                    current[i] = values.get(i);
                    final String rate = null == previous || i >= previous.length ? "" : String.format("%.1f",
                        (current[i] - previous[i]) * 1e9 / Math.max(1, nowNs - previousNs));
                    out.append(String.format("%-70s %16d %12s%n", labels.get(i), current[i], rate));
                }
                System.out.print(out);
                System.out.flush();
                previous = current;
                previousNs = nowNs;
            }
        }
    }

    static void errors(final ParseResult parsed)
    {
        final Path dir = dir(parsed);
        final MappedByteBuffer errors;
        try
        {
            errors = StatFiles.openErrors(dir);
        }
        catch (final IllegalStateException ex)
        {
            throw new FanoutCommandLine.UsageException(ex.getMessage());
        }
        try
        {
            final int distinct = ErrorLogReader.read(new UnsafeBuffer(errors),
                (observationCount, firstTimestamp, lastTimestamp, encodedException) -> System.out.println(
                    observationCount + " time(s), first " + Instant.ofEpochMilli(firstTimestamp) + ", last " +
                    Instant.ofEpochMilli(lastTimestamp) + ":\n" + encodedException));
            System.out.println(distinct + " distinct error(s) in " + dir.resolve(StatFiles.ERRORS_FILE));
        }
        finally
        {
            IoUtil.unmap(errors);
        }
    }

    private static StatFiles.Counters open(final Path dir)
    {
        try
        {
            return StatFiles.openCounters(dir);
        }
        catch (final IllegalStateException ex)
        {
            throw new FanoutCommandLine.UsageException(ex.getMessage());
        }
    }

    private static Path dir(final ParseResult parsed)
    {
        final Path dir = parsed.matchedOptionValue("--dir", null);
        if (null != dir)
        {
            return dir;
        }
        final int port = parsed.matchedOptionValue("--port", 8080);
        return FanoutCommandLine.defaultDir(port);
    }
}
