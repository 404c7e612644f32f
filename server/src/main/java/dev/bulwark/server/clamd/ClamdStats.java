package dev.bulwark.server.clamd;

import dev.bulwark.server.ScanService;
import java.util.Locale;

/** The clamd STATS report, in the layout clamdtop and the Prometheus exporters parse. */
final class ClamdStats {
    private ClamdStats() {}

    static String render(ScanService s, byte term) {
        long now = System.nanoTime();
        StringBuilder sb = new StringBuilder(512);
        sb.append("POOLS: 1\n\nSTATE: VALID PRIMARY\n");
        int busy = s.busy();
        int max = s.config().maxThreads();
        // live includes idle in clamd's report (clamdtop draws live-idle as active): virtual threads are made
        // on demand, so every live thread is busy; the +1 is the thread answering STATS, as in clamd
        sb.append("THREADS: live ").append(busy + 1).append("  idle ").append(0)
                .append(" max ").append(max).append(" idle-timeout ").append(s.config().idleTimeoutSec()).append('\n');
        sb.append("QUEUE: ").append(s.queued()).append(" items\n");
        sb.append(String.format(Locale.ROOT, "\tSTATS %f \n", 0.0));
        for (ScanService.Task t : s.activeTasks()) {
            sb.append(String.format(Locale.ROOT, "\t%s %f %s\n", t.command(), (now - t.startNanos()) / 1e9, t.filename()));
        }
        sb.append('\n');
        // libc heap figures do not apply to a JVM: N/A as a clamd without mallinfo; the Java heap goes in "pools"
        Runtime rt = Runtime.getRuntime();
        double mb = 1024 * 1024.0;
        double total = rt.totalMemory() / mb, used = (rt.totalMemory() - rt.freeMemory()) / mb;
        sb.append(String.format(Locale.ROOT,
                "MEMSTATS: heap N/A mmap N/A used N/A free N/A releasable N/A pools %d pools_used %.3fM pools_total %.3fM\n",
                1, used, total));
        sb.append("END");
        return sb.toString();
    }
}
