package dev.bulwark.cli;

import dev.bulwark.engine.LoadOptions;
import dev.bulwark.server.EngineHolder;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Run by {@link DaemonHeapTrimTest} in a JVM started with the daemon's options from bin/bulwark: a real
 * {@link EngineHolder} over the database in args[0], a scan in flight (a lease) on the first engine across a
 * RELOAD that swaps, then the scan ends. Prints one line of numbers for the test to check.
 */
public final class HeapTrimProbe {
    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        EngineHolder holder = new EngineHolder(List.of(db), LoadOptions.defaults(), true);
        holder.loadInitial();
        while (holder.heapTrims() < 1) Thread.sleep(20); // the trim after the first load (the loader's garbage)
        MemoryUsage loaded = heap();
        EngineHolder.Lease lease = holder.acquire(); // a scan in flight keeps the first engine
        Files.writeString(db.resolve("gen.ndb"), "Probe.Gen2:0:*:" + hex("generation-2") + "\n");
        EngineHolder.ReloadResult r = holder.reload();
        long trims = holder.heapTrims(), requests = holder.heapTrimRequests();
        System.gc(); // what is left is the two engines: the heap must hold both
        MemoryUsage both = heap();
        lease.close(); // the last scan on the replaced engine ends: it asks for the trim
        lease = null;
        long requestedOnClose = holder.heapTrimRequests() - requests;
        while (holder.heapTrims() == trims) Thread.sleep(20);
        MemoryUsage after = heap();
        System.out.printf("outcome=%s requestedOnClose=%d loadedUsed=%d loadedCommitted=%d bothUsed=%d bothCommitted=%d afterUsed=%d afterCommitted=%d%n",
                r.outcome(), requestedOnClose, loaded.getUsed(), loaded.getCommitted(), both.getUsed(), both.getCommitted(),
                after.getUsed(), after.getCommitted());
    }

    private static MemoryUsage heap() { return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage(); }

    static String hex(String s) {
        StringBuilder b = new StringBuilder();
        for (byte x : s.getBytes(java.nio.charset.StandardCharsets.US_ASCII)) b.append(String.format("%02x", x));
        return b.toString();
    }
}
