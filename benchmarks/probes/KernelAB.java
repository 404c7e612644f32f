package dev.bulwark.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Method;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Random;

/**
 * Two or more builds of the matcher kernel in one JVM, each engine in its own class loader, scans alternating
 * round by round: MB per CPU-second of the scanning thread (median and range of the last two thirds of the
 * rounds). On this shared machine separate JVMs differ by ±10% run to run; one JVM with alternating rounds
 * shows a few percent. The set is a gen_sigs .ndb (optionally with the engine's built-in atoms, as
 * {@code bulwark scan} has them); the data random bytes, shared libraries, or the compare.sh corpus
 * concatenated. Not in the Maven module (it loads engine builds from directories):
 * <pre>
 * javac -cp engine/target/classes -d /tmp/kab benchmarks/probes/KernelAB.java
 * java -Xmx8g -cp /tmp/kab dev.bulwark.bench.KernelAB NDB builtins(0|1) random|real|corpus MB ROUNDS OUT DIR...
 * </pre>
 * where OUT is /tmp/kab (for the per-loader helper class) and each DIR holds a build's {@code classes/}.
 */
public final class KernelAB {
    private KernelAB() {}

    /** Loaded once per engine build, by that build's class loader. */
    public static final class Lib {
        private Lib() {}

        public static Object build(String ndb, boolean builtins) throws Exception {
            dev.bulwark.engine.match.PatternSet.Builder b = dev.bulwark.engine.match.PatternSet.builder();
            int n = 0;
            for (String line : Files.readAllLines(Path.of(ndb))) {
                String[] f = line.split(":", 4);
                if (f.length < 4) continue;
                b.add(dev.bulwark.engine.match.HexPatternParser.parse(f[3]), 0, dev.bulwark.engine.match.OffsetSpec.ANY, n++);
            }
            if (builtins) dev.bulwark.engine.filetype.EmbeddedCandidates.addTo(b);
            return b.build();
        }

        public static double mbPerCpuSecond(Object set, byte[] data) {
            ThreadMXBean mx = ManagementFactory.getThreadMXBean();
            long[] hits = new long[1];
            long c0 = mx.getCurrentThreadCpuTime();
            ((dev.bulwark.engine.match.PatternSet) set).scan(ByteBuffer.wrap(data), -1, null,
                    (p, o, s, e) -> { hits[0]++; return -1; }, null, (e, p) -> { hits[0]++; return -1; });
            long cpu = mx.getCurrentThreadCpuTime() - c0;
            return data.length / 1e6 / (cpu / 1e9);
        }
    }

    public static void main(String[] a) throws Exception {
        int mb = Integer.parseInt(a[3]), rounds = Integer.parseInt(a[4]);
        byte[] data = new byte[mb << 20];
        if (a[2].equals("random")) {
            new Random(42).nextBytes(data);
        } else {
            List<String> files = new ArrayList<>();
            if (a[2].equals("corpus")) {
                files = Files.readAllLines(Path.of("/tmp/bulwark-compare/corpus.list"));
            } else {
                try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/usr/lib/x86_64-linux-gnu"), "*.so*")) {
                    for (Path p : ds) if (Files.isRegularFile(p) && !Files.isSymbolicLink(p)) files.add(p.toString());
                }
                Collections.sort(files);
            }
            int at = 0;
            for (String f : files) {
                if (at >= data.length) break;
                byte[] x;
                try {
                    x = Files.readAllBytes(Path.of(f));
                } catch (Exception e) {
                    continue;
                }
                int len = Math.min(x.length, data.length - at);
                System.arraycopy(x, 0, data, at, len);
                at += len;
            }
        }
        int k = a.length - 6;
        Object[] sets = new Object[k];
        Method[] scan = new Method[k];
        for (int i = 0; i < k; i++) {
            URLClassLoader cl = new URLClassLoader(new URL[] {Path.of(a[6 + i], "classes").toUri().toURL(),
                    Path.of(a[5]).toUri().toURL()}, ClassLoader.getPlatformClassLoader());
            Class<?> lib = cl.loadClass(Lib.class.getName());
            sets[i] = lib.getMethod("build", String.class, boolean.class).invoke(null, a[0], a[1].equals("1"));
            scan[i] = lib.getMethod("mbPerCpuSecond", Object.class, byte[].class);
        }
        double[][] r = new double[k][rounds];
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < k; i++) r[i][round] = (double) scan[i].invoke(null, sets[i], data);
        }
        StringBuilder sb = new StringBuilder(a[0] + " builtins=" + a[1] + " " + a[2] + ":");
        for (int i = 0; i < k; i++) {
            double[] t = Arrays.copyOfRange(r[i], rounds / 3, rounds);
            Arrays.sort(t);
            sb.append(String.format("  %s median %.0f (%.0f-%.0f)", a[6 + i], t[t.length / 2], t[0], t[t.length - 1]));
        }
        System.out.println(sb);
    }
}
