package io.ssefanout.tools;

import io.ssefanout.cluster.KafkaClusterNode;
import io.ssefanout.transport.FanoutServer;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * The {@code fanout} command: {@code server}, {@code demo} and {@code publish}. Flags of the form
 * {@code --name=value} or {@code --name value} set the system property {@code fanout.name}; every setting is
 * documented in the README.
 */
public final class Fanout
{
    /** Flags that take no value: {@code --quiet TOPIC} leaves TOPIC positional. */
    private static final java.util.Set<String> BOOLEAN_FLAGS = java.util.Set.of("quiet");

    private Fanout()
    {
    }

    /**
     * @param args sub-command and flags.
     * @throws Exception on a start-up failure.
     */
    public static void main(final String[] args) throws Exception
    {
        if (0 == args.length || "--help".equals(args[0]) || "help".equals(args[0]))
        {
            usage();
            return;
        }
        final String command = args[0];
        if ("loadgen".equals(command))
        {
            LoadGenerator.run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if ("pubbench".equals(command))
        {
            PublishThroughput.run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        if ("abuse".equals(command))
        {
            AbuseGenerator.run(Arrays.copyOfRange(args, 1, args.length));
            return;
        }
        final String[] rest = applyFlags(Arrays.copyOfRange(args, 1, args.length));
        switch (command)
        {
            case "server":
                runServer(false);
                break;
            case "demo":
                runServer(true);
                break;
            case "publish":
                PublishCommand.run(rest);
                break;
            default:
                System.err.println("unknown command: " + command);
                usage();
                System.exit(2);
        }
    }

    private static void runServer(final boolean withDemoFeed) throws IOException
    {
        final FanoutServer.Context ctx = new FanoutServer.Context();
        if (withDemoFeed)
        {
            ctx.indexPage(resource("/demo/index.html"));
        }
        final Slf4jAccessLog accessLog = new Slf4jAccessLog();
        ctx.accessLog(accessLog);
        final KafkaClusterNode.Settings cluster = new KafkaClusterNode.Settings();
        try (ShutdownSignalBarrier barrier = new ShutdownSignalBarrier())
        {
            try (KafkaClusterNode node = null == cluster.bootstrapServers() ? null : KafkaClusterNode.launch(ctx, cluster);
                FanoutServer server = null == node ? FanoutServer.launch(ctx) : null;
                DemoFeed feed = withDemoFeed ? startDemoFeed(null == node ? server : node.server(), ctx) : null)
            {
                final int port = null == node ? server.port() : node.server().port();
                System.out.println("SSE Fanout listening on " + ctx.bindAddress() + ":" + port +
                    " (io threads " + ctx.ioThreads() + ", idle " + ctx.ioIdleStrategy() + ", frames written with " +
                    ctx.writePath() + ")");
                if (null != node)
                {
                    System.out.println("cluster mode: " + cluster + "; ids are Kafka positions");
                }
                System.out.println(ctx.describeAuth());
                if (null != feed)
                {
                    System.out.println("demo feed: " + feed.describe() + "; open http://localhost:" + port + "/");
                }
                System.out.flush();
                barrier.await();
                System.out.println("shutting down: draining subscribers");
            }
            System.out.println("stopped");
            accessLog.close();
            System.out.flush();
            // SIGTERM/SIGINT started the JVM's shutdown, which would end with status 128+signal; everything is
            // closed now, so end with 0 as documented, before the barrier releases that shutdown sequence.
            Runtime.getRuntime().halt(0);
        }
    }

    /**
     * The demo feed of this process: into the engine on a single node; in cluster mode into the Kafka log, unless
     * {@code fanout.demo.feed=false} (one node feeds the whole cluster).
     */
    private static DemoFeed startDemoFeed(final FanoutServer server, final FanoutServer.Context ctx)
    {
        final DemoFeed.Settings settings = DemoFeed.Settings.fromProperties();
        if (null == ctx.cluster())
        {
            return DemoFeed.start(server.engine(), settings);
        }
        return Boolean.parseBoolean(System.getProperty("fanout.demo.feed", "true")) ?
            DemoFeed.start(ctx.cluster().eventLog(), settings) : null;
    }

    private static byte[] resource(final String name) throws IOException
    {
        try (InputStream in = Fanout.class.getResourceAsStream(name))
        {
            if (null == in)
            {
                throw new IOException("missing resource " + name);
            }
            return in.readAllBytes();
        }
    }

    /**
     * Turn {@code --x.y=v} / {@code --x.y v} flags into {@code fanout.x.y} system properties.
     *
     * @return the remaining positional arguments.
     */
    static String[] applyFlags(final String[] args)
    {
        final java.util.List<String> positional = new java.util.ArrayList<>();
        for (int i = 0; i < args.length; i++)
        {
            final String arg = args[i];
            if (arg.startsWith("--") && arg.length() > 2)
            {
                final String body = arg.substring(2);
                final int eq = body.indexOf('=');
                final String name;
                final String value;
                if (eq >= 0)
                {
                    name = body.substring(0, eq);
                    value = body.substring(eq + 1);
                }
                else if (i + 1 < args.length && !args[i + 1].startsWith("--") && !BOOLEAN_FLAGS.contains(body))
                {
                    name = body;
                    value = args[++i];
                }
                else
                {
                    name = body;
                    value = "true";
                }
                System.setProperty(name.startsWith("fanout.") ? name : "fanout." + name, value);
            }
            else
            {
                positional.add(arg);
            }
        }
        return positional.toArray(new String[0]);
    }

    private static void usage()
    {
        System.out.println(String.join("\n",
            "usage: fanout <command> [--setting value ...]",
            "  server                 run the server (fanout.port, default 8080)",
            "  demo                   run the server with a synthetic market-data feed (one topic per symbol, sym.AAPL ...)",
            "                         and a page at / (--demo.symbols 50 --demo.rate 20 events/s)",
            "                         cluster mode: --kafka.bootstrap.servers HOST:PORT (see README; --demo.feed false",
            "                         on every node but one)",
            "  kafka-dev              (the ./fanout script) a KRaft Kafka broker on 127.0.0.1:9092 for cluster mode",
            "                         (--port 9092 --dir DIR)",
            "  loadgen [flags]        subscribers + fixed-rate publisher against any SSE server (loadgen --help)",
            "  publish TOPIC [DATA]   publish DATA, or each line of stdin in batches, to TOPIC; retries 503 and refused",
            "                         connections with backoff (--retry.deadline.ms 30000); --url http://127.0.0.1:8080",
            "                         --event NAME --token JWT --quiet --batch.max 500 --batch.linger.ms 5",
            "  pubbench [flags]       events/s one publisher connection pushes, single or --batch N, and the server's",
            "                         CPU per event with --server-pid PID (--url --topics 1000 --size 128 --duration 10)",
            "  abuse [flags]          attack a loopback server for --duration S: --port P --slow-loris 50 --churn-rate 200",
            "                         --never-readers 20 --never-reader-topic bench0 (beside loadgen, to measure the cost)",
            "Every --name value sets the system property fanout.name; see README.md for the full list."));
    }
}
