package dev.bulwark.bench;

import dev.bulwark.engine.filetype.EmbeddedCandidates;
import dev.bulwark.engine.filetype.EmbeddedTypeFinder;
import dev.bulwark.engine.match.HexPatternParser;
import dev.bulwark.engine.match.OffsetSpec;
import dev.bulwark.engine.match.PatternSet;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The raw pass plus the embedded-type search over a list of files, the old way (kernel pass over a set without
 * the built-in atoms, then {@link EmbeddedTypeFinder}'s own pass over every byte) against the new one (kernel
 * pass with the built-in atoms collecting {@link EmbeddedCandidates}, the finder checking only those), in thread
 * CPU, alternating, with the same hits checked file by file. Not in the Maven module (it needs the engine of
 * this tree, not the installed one): {@code javac -cp engine/target/classes -d /tmp/embedprobe
 * benchmarks/probes/EmbedProbe.java && java -Xmx6g -cp /tmp/embedprobe:engine/target/classes
 * dev.bulwark.bench.EmbedProbe DB_DIR FILE_LIST ROUNDS}.
 */
public final class EmbedProbe {
    private EmbedProbe() {}

    public static void main(String[] args) throws Exception {
        Path db = Path.of(args[0]);
        List<byte[]> files = new ArrayList<>();
        long total = 0;
        for (String f : Files.readAllLines(Path.of(args[1]))) {
            try {
                byte[] b = Files.readAllBytes(Path.of(f));
                if (b.length <= 5) continue;
                files.add(b);
                total += b.length;
            } catch (java.io.IOException e) {
                // unreadable: skipped
            }
        }
        int rounds = Integer.parseInt(args[2]);
        PatternSet plain = build(db, false), fused = build(db, true);
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        System.out.printf("%d files, %.1f MB; built-in atoms %d%n", files.size(), total / 1e6, fused.builtinCount());
        for (int r = 0; r < rounds; r++) {
            long hitsOld = 0, hitsNew = 0, kOld = 0, fOld = 0, kNew = 0, fNew = 0;
            for (int v = 0; v < 2; v++) {
                for (byte[] b : files) {
                    ByteBuffer d = ByteBuffer.wrap(b);
                    boolean pe = b[0] == 'M' && b[1] == 'Z';
                    long t0 = mx.getCurrentThreadCpuTime();
                    if (v == 0) {
                        plain.scan(d, 1, null, (p, o, s, e) -> -1);
                        long t1 = mx.getCurrentThreadCpuTime();
                        hitsOld += digest(EmbeddedTypeFinder.find(d, pe, 10000));
                        long t2 = mx.getCurrentThreadCpuTime();
                        kOld += t1 - t0;
                        fOld += t2 - t1;
                    } else {
                        EmbeddedCandidates c = new EmbeddedCandidates(d);
                        boolean ok = fused.scan(d, 1, null, (p, o, s, e) -> -1, null, c);
                        long t1 = mx.getCurrentThreadCpuTime();
                        hitsNew += digest(EmbeddedTypeFinder.find(d, pe, 10000, ok ? c.complete() : null));
                        long t2 = mx.getCurrentThreadCpuTime();
                        kNew += t1 - t0;
                        fNew += t2 - t1;
                    }
                }
            }
            System.out.printf("round %d: old kernel %.3f + finder %.3f = %.3f CPU-s; new kernel %.3f + finder %.3f = %.3f CPU-s;"
                    + " hit digests %s%n", r, kOld / 1e9, fOld / 1e9, (kOld + fOld) / 1e9, kNew / 1e9, fNew / 1e9,
                    (kNew + fNew) / 1e9, hitsOld == hitsNew ? "equal (" + hitsOld + ")" : "DIFFER " + hitsOld + " vs " + hitsNew);
        }
    }

    private static long digest(List<EmbeddedTypeFinder.Hit> hits) {
        long h = hits.size();
        for (EmbeddedTypeFinder.Hit x : hits) h = h * 31 + x.type().ordinal() * 1_000_003L + x.offset() * 7919L + x.end();
        return h;
    }

    private static PatternSet build(Path db, boolean builtins) throws Exception {
        PatternSet.Builder b = PatternSet.builder();
        if (builtins) EmbeddedCandidates.addTo(b);
        int n = 0;
        for (String line : Files.readAllLines(db.resolve("synth.ndb"))) {
            String[] f = line.split(":", 4);
            if (f.length < 4) continue;
            b.add(HexPatternParser.parse(f[3]), 0, OffsetSpec.ANY, n++);
        }
        return b.build();
    }
}
