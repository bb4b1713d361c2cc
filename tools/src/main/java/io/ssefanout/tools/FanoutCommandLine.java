package io.ssefanout.tools;

import io.ssefanout.engine.EngineConfiguration;
import io.ssefanout.transport.BuildInfo;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;

import java.nio.file.Path;
import java.util.List;

/**
 * The {@code fanout} command line, on picocli: every command answers {@code --help} (exit 0, nothing started) and
 * {@code --version}; an unknown option is refused with the closest known one, a bad value names the option and the
 * value (exit 2). {@code server} and {@code demo} offer every setting of the configuration classes
 * ({@link ServerSettings}) as a typed option that sets its system property; the load tools keep their own flags
 * (listed in their {@code --help}).
 */
final class FanoutCommandLine
{
    /** What a command does once its options are parsed and applied. */
    @FunctionalInterface
    interface Action
    {
        void run(ParseResult parsed) throws Exception;
    }

    private FanoutCommandLine()
    {
    }

    /**
     * @return the exit status.
     */
    static int execute(final String[] args, final Actions actions)
    {
        final CommandSpec top = CommandSpec.create().name("fanout").mixinStandardHelpOptions(true)
            .version("fanout " + BuildInfo.version() + " (commit " + BuildInfo.commit() + ")");
        top.usageMessage().description("A low-latency Server-Sent Events fan-out server.");
        top.addSubcommand("server", serverSpec("server", "Run the server (port 8080 unless --port)."));
        top.addSubcommand("demo", serverSpec("demo",
            "Run the server with a synthetic market-data feed (one topic per symbol) and a watchlist page at /."));
        final CommandSpec config = serverSpec("config",
            "Print the effective configuration: every setting, its value and where it came from (secrets masked).");
        config.addOption(OptionSpec.builder("--template").arity("0").type(boolean.class)
            .description("print a properties file with every setting commented out at its default instead").build());
        top.addSubcommand("config", config);
        top.addSubcommand("stat", StatCommand.statSpec());
        top.addSubcommand("errors", StatCommand.errorsSpec());
        top.addSubcommand("publish", publishSpec());
        top.addSubcommand("token", TokenCommand.spec());
        top.addSubcommand("loadgen", passThroughSpec("loadgen",
            "Subscribers and a fixed-rate publisher against any SSE server.", LoadGenSettings.usage()));
        top.addSubcommand("pubbench", passThroughSpec("pubbench",
            "Events/s one publisher connection pushes, and the server's CPU per event.", PublishThroughput.USAGE));
        top.addSubcommand("abuse", passThroughSpec("abuse",
            "Attack a loopback server for a while, beside a load run.", AbuseGenerator.USAGE));

        final CommandLine commandLine = new CommandLine(top);
        commandLine.setParameterExceptionHandler(FanoutCommandLine::onParameterError);
        commandLine.setExecutionStrategy(parsed ->
        {
            final Integer helpStatus = CommandLine.executeHelpRequest(parsed);
            if (null != helpStatus)
            {
                return helpStatus;
            }
            if (!parsed.hasSubcommand())
            {
                commandLine.usage(System.out);
                return 2;
            }
            final ParseResult command = parsed.subcommand();
            try
            {
                actions.action(command.commandSpec().name()).run(command);
                return 0;
            }
            catch (final UsageException ex)
            {
                System.err.println("fanout " + command.commandSpec().name() + ": " + ex.getMessage());
                return 2;
            }
            catch (final IllegalArgumentException ex)
            {
                // a flag or setting the command refuses: say what was wrong, not where in the code
                System.err.println("fanout " + command.commandSpec().name() + ": " + ex.getMessage() +
                    " (see fanout " + command.commandSpec().name() + " --help)");
                return 2;
            }
            catch (final Exception ex)
            {
                // cannot start (port taken, Kafka unreachable, ...): the reason, without a stack trace
                System.err.println("fanout " + command.commandSpec().name() + ": " + describe(ex));
                return 1;
            }
        });
        return commandLine.execute(args);
    }

    /**
     * A mistake on the command line: what was wrong, the closest known option or command, exit 2; the full usage
     * only on {@code --help}.
     */
    private static int onParameterError(final CommandLine.ParameterException ex, final String[] args)
    {
        final CommandLine command = ex.getCommandLine();
        final CommandSpec spec = command.getCommandSpec();
        String message = ex.getMessage();
        if (ex instanceof CommandLine.UnmatchedArgumentException unmatchedException &&
            !unmatchedException.getUnmatched().isEmpty())
        {
            final String unmatched = unmatchedException.getUnmatched().get(0);
            final boolean isOption = unmatched.startsWith("-");
            final String name = isOption && unmatched.contains("=") ? unmatched.substring(0, unmatched.indexOf('=')) :
                unmatched;
            final List<String> known = new java.util.ArrayList<>();
            if (isOption)
            {
                spec.options().forEach(option -> known.add(option.longestName()));
            }
            else
            {
                known.addAll(spec.subcommands().keySet());
            }
            final String closest = closest(name, known);
            message = "unknown " + (isOption ? "option " : "command ") + name +
                (null == closest ? "" : "; did you mean " + closest + "?");
        }
        command.getErr().println(spec.qualifiedName() + ": " + message);
        command.getErr().println("see " + spec.qualifiedName() + " --help");
        return 2;
    }

    /**
     * @return the known name nearest to {@code name} by edit distance, or null if none is near.
     */
    static String closest(final String name, final List<String> known)
    {
        String best = null;
        int bestDistance = Integer.MAX_VALUE;
        for (final String candidate : known)
        {
            final int distance = editDistance(name, candidate);
            if (distance < bestDistance)
            {
                bestDistance = distance;
                best = candidate;
            }
        }
        return bestDistance <= Math.max(2, name.length() / 3) ? best : null;
    }

    private static int editDistance(final String a, final String b)
    {
        final int[] previous = new int[b.length() + 1];
        final int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++)
        {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++)
        {
            current[0] = i;
            for (int j = 1; j <= b.length(); j++)
            {
                final int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
                current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
            }
            System.arraycopy(current, 0, previous, 0, current.length);
        }
        return previous[b.length()];
    }

    private static String describe(final Throwable ex)
    {
        final StringBuilder reason = new StringBuilder(String.valueOf(ex.getMessage()));
        for (Throwable cause = ex.getCause(); null != cause && cause != ex; cause = cause.getCause())
        {
            reason.append(": ").append(cause.getMessage());
        }
        return reason.toString();
    }

    /**
     * A command-line mistake found after parsing (a setting the server refuses): exit 2 with the message.
     */
    static final class UsageException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        UsageException(final String message)
        {
            super(message);
        }
    }

    /**
     * What each command runs.
     */
    @FunctionalInterface
    interface Actions
    {
        Action action(String command);
    }

    private static CommandSpec serverSpec(final String name, final String description)
    {
        final CommandSpec spec = CommandSpec.create().name(name).mixinStandardHelpOptions(true);
        spec.usageMessage().description(description,
            "Every setting is also a system property (-Dfanout.port=9090 is --port 9090), an environment variable " +
            "(FANOUT_PORT=9090) or a line of a --config file (fanout.port=9090); precedence, lowest first: files, " +
            "environment, system properties, options. See README.md.");
        spec.addOption(OptionSpec.builder("--config").paramLabel("FILE").type(List.class).auxiliaryTypes(Path.class)
            .description("a properties file of fanout.* settings; several allowed, later ones win").build());
        for (final ServerSettings.Setting setting : ServerSettings.all())
        {
            spec.addOption(OptionSpec.builder(setting.option())
                .paramLabel("VALUE")
                .type(String.class)
                .description(setting.property() + (null == setting.defaultValue() ? "" :
                    " (default " + setting.defaultValue() + ")"))
                .converters(value ->
                {
                    final String problem = setting.check(value);
                    if (null != problem)
                    {
                        throw new CommandLine.TypeConversionException("'" + value + "' is " + problem);
                    }
                    return value;
                })
                .build());
        }
        return spec;
    }

    private static CommandSpec publishSpec()
    {
        final CommandSpec spec = CommandSpec.create().name("publish").mixinStandardHelpOptions(true);
        spec.usageMessage().description("Publish DATA, or each line of stdin in batches, to TOPIC; retries 503 and " +
            "refused connections with backoff.");
        spec.addPositional(PositionalParamSpec.builder().index("0").paramLabel("TOPIC").type(String.class)
            .required(true).description("the topic").build());
        spec.addPositional(PositionalParamSpec.builder().index("1").paramLabel("DATA").type(String.class)
            .arity("0..1").description("the data; without it, each line of stdin is one event").build());
        option(spec, "--url", "URL", "the server (default http://127.0.0.1:8080)");
        option(spec, "--event", "NAME", "the event type (default message)");
        option(spec, "--token", "JWT", "a token with publish rights");
        option(spec, "--batch.max", "N", "events per batch from stdin (default 500)");
        option(spec, "--batch.linger.ms", "MS", "longest wait to fill a batch (default 5)");
        option(spec, "--retry.deadline.ms", "MS", "give up retrying after this long (default 30000)");
        spec.addOption(OptionSpec.builder("--quiet").arity("0").type(boolean.class)
            .description("do not print the ids").build());
        return spec;
    }

    private static void option(final CommandSpec spec, final String name, final String label, final String description)
    {
        spec.addOption(OptionSpec.builder(name).paramLabel(label).type(String.class).description(description).build());
    }

    private static CommandSpec passThroughSpec(final String name, final String description, final String usage)
    {
        final CommandSpec spec = CommandSpec.create().name(name).mixinStandardHelpOptions(true);
        spec.usageMessage().description(description).footer("", usage);
        spec.parser().unmatchedArgumentsAllowed(true).unmatchedOptionsArePositionalParams(true);
        spec.addPositional(PositionalParamSpec.builder().index("0..*").paramLabel("FLAGS").type(List.class)
            .auxiliaryTypes(String.class).hidden(true).build());
        return spec;
    }

    /**
     * Set the system property of every option given ({@code --port 9090}: {@code fanout.port=9090}).
     */
    static void applyOptions(final ParseResult parsed)
    {
        applyOptions(parsed, null);
    }

    /**
     * A server command: settings from {@code --config} files, the environment and system properties, checked, then
     * the options over them; {@code fanout.dir} defaults per user and port.
     *
     * @return where each setting came from.
     */
    static ConfigSources applyServerSettings(final ParseResult parsed)
    {
        final ConfigSources sources = new ConfigSources();
        final List<Path> files = parsed.matchedOptionValue("--config", List.of());
        sources.load(files, System.getenv());
        sources.warnings().forEach(System.err::println);
        applyOptions(parsed, sources);
        if (null == System.getProperty("fanout.dir"))
        {
            // one directory per user and port, kept across reboots: two servers never share id reservations (the
            // engine locks it), and a restart knows which resume points the previous run could still have served
            System.setProperty("fanout.dir",
                defaultDir(org.agrona.SystemUtil.getSizeAsInt("fanout.port", 8080)).toString());
            sources.onDerived("fanout.dir", "default: per user and port");
        }
        return sources;
    }

    /**
     * @return the {@code fanout.dir} the command gives a server on {@code port} when none is set.
     */
    static Path defaultDir(final int port)
    {
        return EngineConfiguration.stateDirectory(Integer.toString(port));
    }

    private static void applyOptions(final ParseResult parsed, final ConfigSources sources)
    {
        for (final OptionSpec option : parsed.matchedOptions())
        {
            if (option.usageHelp() || option.versionHelp() || "--config".equals(option.longestName()) ||
                "--template".equals(option.longestName()))
            {
                continue;
            }
            final String property = "fanout." + option.longestName().substring(2);
            final Object value = option.getValue();
            System.setProperty(property, String.valueOf(value));
            if (null != sources)
            {
                sources.onFlag(property);
            }
        }
    }

    /**
     * @return the positional arguments, as strings.
     */
    static String[] positionals(final ParseResult parsed)
    {
        final List<String> values = new java.util.ArrayList<>();
        for (final PositionalParamSpec positional : parsed.matchedPositionals())
        {
            final Object value = positional.getValue();
            if (value instanceof List<?> list)
            {
                list.forEach(item -> values.add(String.valueOf(item)));
            }
            else if (null != value)
            {
                values.add(String.valueOf(value));
            }
        }
        values.addAll(parsed.unmatched());
        return values.toArray(new String[0]);
    }
}
