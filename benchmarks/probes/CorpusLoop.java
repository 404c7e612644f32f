package dev.bulwark.bench;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.ScanResult;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The engine's steady state (engine12, round 11): {@code Engine.scan(Path)} over every file of a list, PASSES
 * times in one JVM, printing the scanning thread's CPU per pass; with {@code digest} each file is also hashed
 * with SHA-256 before its scan, as the daemon's clean-file cache asks ({@code Engine.scan(Path, options, check)}).
 * {@code -Dmarker=FILE -Dmark=P} writes FILE when pass P starts, for attaching a profiler to warm passes only:
 * {@code jcmd PID "JVMTI.agent_load /opt/async-profiler/linux-x64/libasyncProfiler.so \"start,event=cpu,...\""}.
 * Not in the Maven module: {@code javac -cp engine/target/classes -d /tmp/corpusloop
 * benchmarks/probes/CorpusLoop.java && java [the daemon's JIT options] -cp /tmp/corpusloop:engine/target/classes
 * dev.bulwark.bench.CorpusLoop DB LIST PASSES [digest]}.
 */
public final class CorpusLoop {
    private CorpusLoop() {}

    public static void main(String[] a) throws Exception {
        Engine e = Engine.load(List.of(Path.of(a[0])), LoadOptions.defaults());
        List<Path> files = new ArrayList<>();
        for (String s : Files.readAllLines(Path.of(a[1]))) files.add(Path.of(s));
        int passes = Integer.parseInt(a[2]);
        boolean digest = a.length > 3 && a[3].equals("digest");
        ScanOptions o = ScanOptions.defaults();
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long sink = 0;
        for (int p = 0; p < passes; p++) {
            if (p == Integer.getInteger("mark", passes - 2) && System.getProperty("marker") != null) {
                Files.writeString(Path.of(System.getProperty("marker")), "go");
            }
            long t0 = mx.getCurrentThreadCpuTime();
            for (Path f : files) {
                ScanResult r = digest ? e.scan(f, o, (h, sz) -> null) : e.scan(f, o);
                sink += r.detections().size();
            }
            System.out.printf("pass %d: %.3f CPU-s%n", p, (mx.getCurrentThreadCpuTime() - t0) / 1e9);
        }
        System.out.println("detections " + sink);
    }
}
