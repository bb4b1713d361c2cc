package io.ssefanout.tools;

import io.ssefanout.cluster.KafkaClusterNode;
import io.ssefanout.transport.FanoutServer;
import io.ssefanout.transport.ServerWarmup;
import io.ssefanout.transport.TransportConfiguration;
import org.agrona.concurrent.ShutdownSignalBarrier;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/**
 * The {@code fanout} command: {@code server}, {@code demo}, {@code publish}, {@code token} and the load tools, parsed
 * by {@link FanoutCommandLine}; a server option {@code --name value} sets the system property {@code fanout.name}.
 */
public final class Fanout
{
    private Fanout()
    {
    }

    /**
     * @param args command and options.
     */
    public static void main(final String[] args)
    {
        final int status = FanoutCommandLine.execute(args, command -> switch (command)
        {
            case "server" -> parsed ->
            {
                FanoutCommandLine.applyServerSettings(parsed);
                runServer(false);
            };
            case "demo" -> parsed ->
            {
                FanoutCommandLine.applyServerSettings(parsed);
                runServer(true);
            };
            case "config" -> parsed -> System.out.print(parsed.hasMatchedOption("--template") ? ServerSettings.template() :
                FanoutCommandLine.applyServerSettings(parsed).describe());
            case "publish" -> parsed ->
            {
                FanoutCommandLine.applyOptions(parsed);
                PublishCommand.run(FanoutCommandLine.positionals(parsed));
            };
            case "token" -> TokenCommand::run;
            case "stat" -> StatCommand::stat;
            case "errors" -> StatCommand::errors;
            case "loadgen" -> parsed -> LoadGenerator.run(FanoutCommandLine.positionals(parsed));
            case "pubbench" -> parsed -> PublishThroughput.run(FanoutCommandLine.positionals(parsed));
            case "abuse" -> parsed -> AbuseGenerator.run(FanoutCommandLine.positionals(parsed));
            default -> throw new IllegalStateException("no action for " + command);
        });
        System.exit(status);
    }

    private static void runServer(final boolean withDemoFeed) throws IOException
    {
        requirePortFree();
        final long warmupNs = TransportConfiguration.warmupNs();
        if (warmupNs > 0)
        {
            // before the real server exists: its port opens only once the hot paths are compiled
            System.out.println(ServerWarmup.run(warmupNs));
        }
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
                    " (io threads " + ctx.ioThreads() + ", sequencer " +
                    ctx.engineContext().threadingMode().name().toLowerCase(java.util.Locale.ROOT) +
                    ", idle " + ctx.ioIdleStrategy() + ", frames written with " +
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
     * A port another process holds is said at once (exit 1), before the warm-up and before the state directory is
     * locked, whose message would point at the directory instead.
     */
    private static void requirePortFree() throws IOException
    {
        final int port = TransportConfiguration.port();
        final String address = TransportConfiguration.bindAddress();
        if (0 == port)
        {
            return;
        }
        try (ServerSocket probe = new ServerSocket())
        {
            probe.setReuseAddress(true);
            probe.bind(new InetSocketAddress(address, port));
        }
        catch (final BindException ex)
        {
            throw new IOException("port " + port + " on " + address + " is in use (another server is listening there; " +
                "choose another with --port)", ex);
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
}
