package dev.bulwark.engine.match;
import java.nio.file.*; import java.util.*;
/**
 * The stride filter's real pass rate on a file list (cpu7, round 10): the share of samples {@link StrideFilter#next} stops
 * at, overall and by file-name extension. In the engine's package (package-private state); not in the Maven module:
 * <pre>
 * javac -cp engine/target/classes -d /tmp/sp benchmarks/probes/StridePass.java
 * java -Xmx2g -cp engine/target/classes:/tmp/sp dev.bulwark.engine.match.StridePass NDB LIST
 * </pre>
 */
public final class StridePass {
    public static void main(String[] a) throws Exception {
        PatternSet.Builder b = PatternSet.builder(); int n = 0;
        for (String line : Files.readAllLines(Path.of(a[0]))) { String[] f = line.split(":", 4); if (f.length < 4) continue;
            b.add(HexPatternParser.parse(f[3]), 0, OffsetSpec.ANY, n++); }
        dev.bulwark.engine.filetype.EmbeddedCandidates.addTo(b);
        PatternSet s = b.build();
        StrideFilter sf = s.index().measureStride();
        System.out.printf("wordLog %d est pass %.5f loose %d%n", Integer.numberOfTrailingZeros(sf.words.length), sf.pass, sf.loose);
        long samples = 0, passes = 0; Map<String,long[]> byExt = new TreeMap<>();
        for (String p : Files.readAllLines(Path.of(a[1]))) {
            byte[] d; try { d = Files.readAllBytes(Path.of(p)); } catch (Exception e) { continue; }
            if (d.length < 16) continue;
            int end = d.length - 4; long ps = 0, ss = (end + 1) / 2;
            for (int q = 0; q < end; ) { q = sf.next(d, 0, q, end); if (q < end) { ps++; q += 2; } }
            samples += ss; passes += ps;
            String e = p.substring(p.lastIndexOf('/') + 1); e = e.contains(".") ? e.substring(e.lastIndexOf('.')) : "(none)";
            long[] v = byExt.computeIfAbsent(e, k -> new long[2]); v[0] += ss; v[1] += ps;
        }
        System.out.printf("samples %d passes %d rate %.5f%n", samples, passes, passes / (double) samples);
        byExt.entrySet().stream().sorted((x, y) -> Long.compare(y.getValue()[1], x.getValue()[1])).limit(12)
            .forEach(x -> System.out.printf("%s samples %d passes %d rate %.5f%n", x.getKey(), x.getValue()[0], x.getValue()[1], x.getValue()[1] / (double) x.getValue()[0]));
    }
}
