package dev.bulwark.server;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Samples this JVM (which hosts the in-process test daemon and its test clients) while an abuse test runs:
 * peak live platform threads, peak heap in use and peak resident set size, plus the values at the start.
 * The figures are printed and appended to {@code target/abuse-figures.tsv} for docs/benchmarks/daemon.md. They
 * are upper bounds for the daemon alone: the clients' sockets and virtual threads live in the same process.
 */
public final class PeakSampler implements AutoCloseable {
    /** Sampling period: short enough to see a burst of 500 connections. */
    private static final long PERIOD_MILLIS = 10;
    private static final long MIB = 1 << 20;

    public record Figures(String label, int threads0, int peakThreads, long heap0Mib, long peakHeapMib, long rss0Mib,
                          long peakRssMib, long millis) {
        public String line() {
            return String.format("%s\tthreads %d -> peak %d\theap %d -> peak %d MiB\tRSS %d -> peak %d MiB\t%d ms",
                    label, threads0, peakThreads, heap0Mib, peakHeapMib, rss0Mib, peakRssMib, millis);
        }
    }

    private final String label;
    private final ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    private final Thread sampler;
    private final long t0 = System.nanoTime();
    private final int threads0;
    private final long heap0;
    private final long rss0;
    private volatile boolean running = true;
    private volatile int peakThreads;
    private volatile long peakHeap;
    private volatile long peakRss;
    private Figures figures;

    public PeakSampler(String label) {
        this.label = label;
        threads0 = threads.getThreadCount();
        heap0 = memory.getHeapMemoryUsage().getUsed();
        rss0 = rssBytes();
        sample();
        sampler = Thread.ofPlatform().daemon().name("peak-sampler").start(() -> {
            while (running) {
                sample();
                try {
                    Thread.sleep(PERIOD_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    private void sample() {
        peakThreads = Math.max(peakThreads, threads.getThreadCount());
        peakHeap = Math.max(peakHeap, memory.getHeapMemoryUsage().getUsed());
        peakRss = Math.max(peakRss, rssBytes());
    }

    /** Current resident set size from /proc/self/status (VmRSS, in kB); 0 where there is no /proc. */
    static long rssBytes() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        } catch (IOException | NumberFormatException e) {
            return 0;
        }
        return 0;
    }

    public Figures figures() {
        return figures;
    }

    /** Stops sampling, prints the figures and appends them to target/abuse-figures.tsv. */
    @Override
    public void close() {
        running = false;
        sampler.interrupt();
        try {
            sampler.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
        figures = new Figures(label, threads0, peakThreads, heap0 / MIB, peakHeap / MIB, rss0 / MIB, peakRss / MIB,
                (System.nanoTime() - t0) / 1_000_000);
        System.out.println("ABUSE " + figures.line());
        try {
            Files.writeString(Path.of("target", "abuse-figures.tsv"), figures.line() + "\n",
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("could not record figures: " + e);
        }
    }
}
