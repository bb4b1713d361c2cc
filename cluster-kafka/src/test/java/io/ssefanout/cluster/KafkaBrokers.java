package io.ssefanout.cluster;

import io.ssefanout.kafkadev.KafkaDevBroker;
import io.ssefanout.testsupport.FreePort;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * Real Kafka brokers for the cluster tests: each one a child JVM running {@link KafkaDevBroker} (KRaft, broker and
 * controller in one process) on loopback, so a test can stop one cleanly (SIGTERM), kill it ({@code kill -9}) and
 * start it again on the same ports and data.
 */
public final class KafkaBrokers implements AutoCloseable
{
    private final Path dir;
    private final int count;
    private final int[] ports;
    private final int[] controllerPorts;
    private final Process[] processes;
    private final String voters;

    /**
     * @param dir   where each broker keeps its data ({@code dir/broker-N}) and log.
     * @param count 1, or 3 for a replicated cluster (replication factor 3, min.insync.replicas 2).
     */
    public KafkaBrokers(final Path dir, final int count) throws IOException
    {
        this.dir = dir;
        this.count = count;
        this.ports = new int[count];
        this.controllerPorts = new int[count];
        this.processes = new Process[count];
        final List<String> voterList = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            ports[i] = FreePort.next();
            controllerPorts[i] = FreePort.next();
            voterList.add((i + 1) + "@127.0.0.1:" + controllerPorts[i]);
        }
        this.voters = String.join(",", voterList);
    }

    /**
     * Start every broker and wait until they all serve.
     *
     * @return this.
     */
    public KafkaBrokers start() throws Exception
    {
        for (int i = 0; i < count; i++)
        {
            startProcess(i);
        }
        awaitBrokers(count);
        return this;
    }

    /**
     * @return {@code host:port,...} of every broker.
     */
    public String bootstrapServers()
    {
        final List<String> servers = new ArrayList<>();
        for (final int port : ports)
        {
            servers.add("127.0.0.1:" + port);
        }
        return String.join(",", servers);
    }

    /**
     * Stop broker {@code index}: cleanly (SIGTERM) or killed ({@code kill -9}); waits for the process to end.
     */
    public void stop(final int index, final boolean kill) throws InterruptedException
    {
        final Process process = processes[index];
        if (kill)
        {
            process.destroyForcibly();
        }
        else
        {
            process.destroy();
        }
        if (!process.waitFor(30, TimeUnit.SECONDS))
        {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
    }

    /**
     * Start broker {@code index} again on its ports and data, and wait until all {@code serving} brokers serve.
     */
    public void restart(final int index, final int serving) throws Exception
    {
        startProcess(index);
        awaitBrokers(serving);
    }

    private void startProcess(final int index) throws IOException
    {
        final Path brokerDir = dir.resolve("broker-" + (index + 1));
        Files.createDirectories(brokerDir);
        final List<String> command = new ArrayList<>();
        command.add(Paths.get(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-Xmx512m");
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(KafkaDevBroker.class.getName());
        command.addAll(List.of("--port", Integer.toString(ports[index]),
            "--controller-port", Integer.toString(controllerPorts[index]),
            "--dir", brokerDir.toString(),
            "--node-id", Integer.toString(index + 1),
            "--voters", voters,
            "--replication", Integer.toString(count)));
        processes[index] = new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(brokerDir.resolve("broker.log").toFile()))
            .start();
    }

    /**
     * Wait (up to 60 s) until the cluster metadata lists {@code serving} brokers.
     */
    private void awaitBrokers(final int serving) throws Exception
    {
        final Properties properties = new Properties();
        properties.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
        properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 2000);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        try (Admin admin = Admin.create(properties))
        {
            while (true)
            {
                try
                {
                    if (admin.describeCluster().nodes().get(5, TimeUnit.SECONDS).size() >= serving)
                    {
                        return;
                    }
                }
                catch (final Exception ex)
                {
                    if (System.nanoTime() > deadlineNs)
                    {
                        throw new IllegalStateException("brokers did not start: " + logs(), ex);
                    }
                }
                if (System.nanoTime() > deadlineNs)
                {
                    throw new IllegalStateException("brokers did not all join: " + logs());
                }
                Thread.onSpinWait();
            }
        }
    }

    private String logs()
    {
        final StringBuilder logs = new StringBuilder();
        for (int i = 0; i < count; i++)
        {
            final Path log = dir.resolve("broker-" + (i + 1)).resolve("broker.log");
            try
            {
                final List<String> lines = Files.readAllLines(log);
                logs.append("\n--- broker ").append(i + 1).append(":\n")
                    .append(lines.stream().skip(Math.max(0, lines.size() - 20)).collect(Collectors.joining("\n")));
            }
            catch (final IOException ignore)
            {
                logs.append("\n--- broker ").append(i + 1).append(": no log");
            }
        }
        return logs.toString();
    }


    @Override
    public void close()
    {
        for (final Process process : processes)
        {
            if (null != process)
            {
                process.destroyForcibly();
            }
        }
    }
}
