package io.ssefanout.transport;

import com.sun.management.UnixOperatingSystemMXBean;

import java.io.IOException;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.MemoryUsage;
import java.lang.management.OperatingSystemMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The JVM's and the process's own figures in the Prometheus text format, under the names the Prometheus Java
 * client's JVM instrumentation uses (so its dashboards and alerts fit): memory by area, direct and mapped buffers,
 * GC counts and time, threads, CPU time, open and maximum descriptors, resident memory, start time. Read from the
 * platform MXBeans on each scrape, off every hot path. Control path: allocates.
 */
final class ProcessMetrics
{
    private static final long PAGE_SIZE = 4096;

    private ProcessMetrics()
    {
    }

    static void render(final StringBuilder out)
    {
        final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        final MemoryUsage heap = memory.getHeapMemoryUsage();
        final MemoryUsage nonHeap = memory.getNonHeapMemoryUsage();
        family(out, "jvm_memory_bytes_used", "gauge", "Used bytes of a JVM memory area");
        sample(out, "jvm_memory_bytes_used{area=\"heap\"}", heap.getUsed());
        sample(out, "jvm_memory_bytes_used{area=\"nonheap\"}", nonHeap.getUsed());
        family(out, "jvm_memory_bytes_max", "gauge", "Max bytes of a JVM memory area (-1 when unbounded)");
        sample(out, "jvm_memory_bytes_max{area=\"heap\"}", heap.getMax());
        sample(out, "jvm_memory_bytes_max{area=\"nonheap\"}", nonHeap.getMax());

        family(out, "jvm_buffer_pool_used_bytes", "gauge", "Used bytes of a JVM buffer pool (direct: off-heap logs)");
        for (final BufferPoolMXBean pool : ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class))
        {
            sample(out, "jvm_buffer_pool_used_bytes{pool=\"" + label(pool.getName()) + "\"}", pool.getMemoryUsed());
        }

        family(out, "jvm_gc_collection_seconds", "summary", "Time spent in a garbage collector");
        for (final GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans())
        {
            final String labels = "{gc=\"" + label(gc.getName()) + "\"}";
            sample(out, "jvm_gc_collection_seconds_count" + labels, Math.max(0, gc.getCollectionCount()));
            out.append("jvm_gc_collection_seconds_sum").append(labels).append(' ')
                .append(Math.max(0, gc.getCollectionTime()) / 1000.0).append('\n');
        }

        final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        family(out, "jvm_threads_current", "gauge", "Current thread count of the JVM");
        sample(out, "jvm_threads_current", threads.getThreadCount());
        family(out, "jvm_threads_daemon", "gauge", "Daemon thread count of the JVM");
        sample(out, "jvm_threads_daemon", threads.getDaemonThreadCount());

        final OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.OperatingSystemMXBean)
        {
            family(out, "process_cpu_seconds_total", "counter", "User and system CPU time spent in seconds");
            out.append("process_cpu_seconds_total ")
                .append(((com.sun.management.OperatingSystemMXBean)os).getProcessCpuTime() / 1e9).append('\n');
        }
        if (os instanceof UnixOperatingSystemMXBean)
        {
            final UnixOperatingSystemMXBean unix = (UnixOperatingSystemMXBean)os;
            family(out, "process_open_fds", "gauge", "Number of open file descriptors");
            sample(out, "process_open_fds", unix.getOpenFileDescriptorCount());
            family(out, "process_max_fds", "gauge", "Maximum number of open file descriptors");
            sample(out, "process_max_fds", unix.getMaxFileDescriptorCount());
        }
        final long residentBytes = residentBytes();
        if (residentBytes >= 0)
        {
            family(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes");
            sample(out, "process_resident_memory_bytes", residentBytes);
        }
        family(out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds");
        out.append("process_start_time_seconds ")
            .append(ManagementFactory.getRuntimeMXBean().getStartTime() / 1000.0).append('\n');
    }

    static void family(final StringBuilder out, final String name, final String type, final String help)
    {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void sample(final StringBuilder out, final String nameAndLabels, final long value)
    {
        out.append(nameAndLabels).append(' ').append(value).append('\n');
    }

    private static String label(final String value)
    {
        return value.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    /**
     * @return resident set size from {@code /proc/self/statm}, or -1 where there is none.
     */
    private static long residentBytes()
    {
        try
        {
            final String[] fields = new String(Files.readAllBytes(Path.of("/proc/self/statm")), StandardCharsets.US_ASCII)
                .trim().split(" ");
            return Long.parseLong(fields[1]) * PAGE_SIZE;
        }
        catch (final IOException | RuntimeException ex)
        {
            return -1;
        }
    }
}
