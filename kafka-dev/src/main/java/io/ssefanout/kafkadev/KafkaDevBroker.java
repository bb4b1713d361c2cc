package io.ssefanout.kafkadev;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * {@code fanout kafka-dev}: one Kafka broker in KRaft mode (broker and controller in one process, no ZooKeeper) on
 * loopback, in the foreground, for trying cluster mode on one machine; SIGTERM stops it cleanly. The cluster tests
 * start it as a child process, one or three at a time ({@code --node-id}, {@code --voters}, {@code --replication}).
 * <pre>
 *   fanout kafka-dev [--port 9092] [--controller-port PORT+1] [--dir DIR] [--node-id 1]
 *                    [--voters 1@127.0.0.1:9093,...] [--replication 1] [--verbose]
 * </pre>
 * Data goes to a new temporary folder unless {@code --dir} is given; a folder already formatted is reused, so a
 * broker restarted on the same folder keeps its log.
 */
public final class KafkaDevBroker
{
    /** One fixed cluster id: every broker started with the same voters joins the same cluster. */
    private static final String CLUSTER_ID = "c3NlLWZhbm91dC1kZXYtMQ";

    private KafkaDevBroker()
    {
    }

    /**
     * @param args see the class comment.
     * @throws Exception when the broker cannot start.
     */
    public static void main(final String[] args) throws Exception
    {
        int port = 9092;
        int controllerPort = -1;
        Path dir = null;
        int nodeId = 1;
        String voters = null;
        int replication = 1;
        boolean verbose = false;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                case "--controller-port" -> controllerPort = Integer.parseInt(value(args, ++i, "--controller-port"));
                case "--dir" -> dir = Path.of(value(args, ++i, "--dir"));
                case "--node-id" -> nodeId = Integer.parseInt(value(args, ++i, "--node-id"));
                case "--voters" -> voters = value(args, ++i, "--voters");
                case "--replication" -> replication = Integer.parseInt(value(args, ++i, "--replication"));
                case "--verbose" -> verbose = true;
                case "--help" ->
                {
                    System.out.println("usage: fanout kafka-dev [--port 9092] [--controller-port PORT+1] [--dir DIR] " +
                        "[--node-id 1] [--voters ID@HOST:PORT,...] [--replication 1] [--verbose]");
                    return;
                }
                default ->
                {
                    System.err.println("unknown option " + args[i] + " (try --help)");
                    System.exit(2);
                }
            }
        }
        if (!verbose)
        {
            System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "warn");
        }
        if (controllerPort < 0)
        {
            controllerPort = port + 1;
        }
        if (null == voters)
        {
            voters = nodeId + "@127.0.0.1:" + controllerPort;
        }
        if (null == dir)
        {
            dir = Files.createTempDirectory("fanout-kafka-dev");
        }
        Files.createDirectories(dir);
        final Path config = writeConfig(dir, port, controllerPort, nodeId, voters, replication);
        if (!Files.exists(dir.resolve("data").resolve("meta.properties")))
        {
            final int formatted = kafka.tools.StorageTool.execute(
                new String[]{ "format", "-t", CLUSTER_ID, "-c", config.toString(), "--ignore-formatted" },
                new PrintStream(System.err, true, StandardCharsets.UTF_8));
            if (0 != formatted)
            {
                System.err.println("cannot format " + dir + " (status " + formatted + ")");
                System.exit(1);
            }
        }
        System.out.println("kafka-dev: node " + nodeId + " listening on 127.0.0.1:" + port + " (controller " +
            controllerPort + ", voters " + voters + "), data in " + dir);
        System.out.flush();
        kafka.Kafka.main(new String[]{ config.toString() });
    }

    private static Path writeConfig(
        final Path dir, final int port, final int controllerPort, final int nodeId, final String voters,
        final int replication) throws IOException
    {
        final Properties properties = new Properties();
        properties.setProperty("process.roles", "broker,controller");
        properties.setProperty("node.id", Integer.toString(nodeId));
        properties.setProperty("controller.quorum.voters", voters);
        properties.setProperty("listeners",
            "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        properties.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        properties.setProperty("controller.listener.names", "CONTROLLER");
        properties.setProperty("inter.broker.listener.name", "PLAINTEXT");
        properties.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        properties.setProperty("log.dirs", dir.resolve("data").toString());
        properties.setProperty("num.partitions", "1");
        properties.setProperty("default.replication.factor", Integer.toString(replication));
        properties.setProperty("min.insync.replicas", Integer.toString(Math.max(1, replication - 1)));
        properties.setProperty("offsets.topic.replication.factor", Integer.toString(replication));
        properties.setProperty("transaction.state.log.replication.factor", Integer.toString(replication));
        properties.setProperty("transaction.state.log.min.isr", Integer.toString(Math.max(1, replication - 1)));
        properties.setProperty("share.coordinator.state.topic.replication.factor", Integer.toString(replication));
        properties.setProperty("share.coordinator.state.topic.min.isr", Integer.toString(Math.max(1, replication - 1)));
        properties.setProperty("group.initial.rebalance.delay.ms", "0");
        properties.setProperty("auto.create.topics.enable", "true");
        final Path file = dir.resolve("server.properties");
        try (Writer writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8))
        {
            properties.store(writer, "fanout kafka-dev");
        }
        return file;
    }

    private static String value(final String[] args, final int index, final String option)
    {
        if (index >= args.length)
        {
            System.err.println(option + " needs a value");
            System.exit(2);
        }
        return args[index];
    }
}
