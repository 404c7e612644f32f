package dev.bulwark.engine.match;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

/**
 * The stride table of a gen_sigs set (with the built-in atoms), kept or not: its estimated and real share of passing
 * samples over 16 MiB of random bytes, and the bare sample loop's speed ({@link StrideFilter#next} alone, no
 * verification; best of 5, thread CPU). The version with a table-shape argument (larger tables, a pair map for the
 * wide entries) is in the kernel10 experiment commits. In the engine's package; not in the Maven module:
 * <pre>
 * javac -cp engine/target/classes -d /tmp/lp benchmarks/probes/StrideLoopProbe.java
 * java -Xmx8g -cp engine/target/classes:/tmp/lp dev.bulwark.engine.match.StrideLoopProbe NDB
 * </pre>
 */
public final class StrideLoopProbe {
    public static void main(String[] a) throws Exception {
        PatternSet.Builder b = PatternSet.builder();
        int n = 0;
        for (String line : Files.readAllLines(Path.of(a[0]))) {
            String[] f = line.split(":", 4);
            if (f.length < 4) continue;
            b.add(HexPatternParser.parse(f[3]), 0, OffsetSpec.ANY, n++);
        }
        dev.bulwark.engine.filetype.EmbeddedCandidates.addTo(b);
        PatternSet s = b.build();
        byte[] data = new byte[16 << 20];
        new Random(42).nextBytes(data);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        StrideFilter sf = s.index().measureStride();
        for (int rep = 0; rep < 3; rep++) {
            long best = Long.MAX_VALUE, passes = 0;
            for (int r = 0; r < 5; r++) {
                long c0 = mx.getCurrentThreadCpuTime();
                passes = 0;
                int end = data.length - 8;
                for (int p = 8; ; p += 2) {
                    p = sf.next(data, 0, p, end);
                    if (p >= end) break;
                    passes++;
                }
                best = Math.min(best, mx.getCurrentThreadCpuTime() - c0);
            }
            System.out.printf("2^%d words: estimated pass %.4f, real %.4f, loop %.0f MB/s%n",
                    Integer.numberOfTrailingZeros(sf.words.length), sf.pass, passes / (data.length / 2.0),
                    data.length / 1e6 / (best / 1e9));
        }
    }
}
