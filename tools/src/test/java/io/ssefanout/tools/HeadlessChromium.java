package io.ssefanout.tools;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Debian's Chromium, headless, on a page, with a profile of its own (DevTools attach through it). Closing stops its
 * whole process tree and waits for it: the renderer and utility processes outlive a killed browser process for a
 * moment and keep writing into the profile, which a test's temporary folder must be able to delete.
 */
final class HeadlessChromium implements AutoCloseable
{
    static final Path EXECUTABLE = Paths.get(System.getProperty("fanout.test.chromium", "/usr/bin/chromium"));

    private final Process browser;
    private final Path profile;

    private HeadlessChromium(final Process browser, final Path profile)
    {
        this.browser = browser;
        this.profile = profile;
    }

    /**
     * @return true if Chromium is installed where the tests look for it.
     */
    static boolean isInstalled()
    {
        return Files.isExecutable(EXECUTABLE);
    }

    /**
     * @param dir a folder for the profile.
     * @param url the page to open.
     */
    static HeadlessChromium open(final Path dir, final String url) throws IOException
    {
        final Path profile = Files.createDirectory(dir.resolve("profile"));
        final Process browser = new ProcessBuilder(List.of(
            EXECUTABLE.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            "--disable-dev-shm-usage", "--user-data-dir=" + profile, "--remote-debugging-port=0", url))
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .redirectError(ProcessBuilder.Redirect.DISCARD)
            .start();
        return new HeadlessChromium(browser, profile);
    }

    /**
     * @return the page's DevTools connection, once the browser says where it listens.
     */
    DevToolsPage attach(final long timeoutMs) throws Exception
    {
        return DevToolsPage.attach(profile, timeoutMs);
    }

    @Override
    public void close()
    {
        // the children first: once the browser is gone they are no longer its descendants
        final List<ProcessHandle> tree = new ArrayList<>(browser.descendants().toList());
        tree.add(browser.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        final long deadlineNs = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        for (final ProcessHandle process : tree)
        {
            try
            {
                process.onExit().get(Math.max(0, deadlineNs - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            catch (final ExecutionException | TimeoutException ex)
            {
                return;     // still there at the deadline: the folder's clean-up will say so
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
