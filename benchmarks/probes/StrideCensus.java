package dev.bulwark.engine.match;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Why a pattern set gets no stride filter: its indexed parts by how much the filter would pay for them
 * ({@link AnchorPlanner#strideDoublings}: level 0 = five exact bytes in a row, 1 = a Bloom half or a few words,
 * 2 = "wide", 256 words or a saturated word), by part count and gap kind, and the table's estimated random pass
 * rate with the words it holds grouped by how full their Bloom halves are. In the engine's package (it reads
 * package-private state); not in the Maven module:
 * <pre>
 * javac -cp engine/target/classes -d /tmp/sc benchmarks/probes/StrideCensus.java
 * java -Xmx8g -cp engine/target/classes:/tmp/sc dev.bulwark.engine.match.StrideCensus NDB builtins(0|1)
 * </pre>
 */
public final class StrideCensus {
    private StrideCensus() {}

    public static void main(String[] a) throws Exception {
        PatternSet.Builder b = PatternSet.builder();
        int n = 0;
        for (String line : Files.readAllLines(Path.of(a[0]))) {
            String[] f = line.split(":", 4);
            if (f.length < 4) continue;
            b.add(HexPatternParser.parse(f[3]), 0, OffsetSpec.ANY, n++);
        }
        if (a.length > 1 && a[1].equals("1")) dev.bulwark.engine.filetype.EmbeddedCandidates.addTo(b);
        PatternSet s = b.build();
        Map<String, Integer> kinds = new TreeMap<>();
        for (int i = 0; i < s.size(); i++) {
            BodyPattern p = s.pattern(i);
            for (int j = 0; j < p.parts.length; j++) {
                if (p.lazy[j] != BodyPattern.INDEXED) continue;
                int d = AnchorPlanner.strideDoublings(p.parts[j], p.anchorElem[j]);
                String key = "level " + (d == 0 ? 0 : d < 7 ? 1 : 2) + ", " + p.parts.length + " part(s), gap before "
                        + (j == 0 ? "-" : p.gapMax[j] < 0 ? "*" : "bounded") + ", after "
                        + (j + 1 == p.parts.length ? "-" : p.gapMax[j + 1] < 0 ? "*" : "bounded");
                kinds.merge(key, 1, Integer::sum);
            }
        }
        kinds.forEach((k, v) -> System.out.printf("%9d  %s%n", v, k));
        StrideFilter f = s.index().measureStride();
        System.out.printf("index words 2^%d, stride table 2^%d words, estimated random pass %.4f (kept at <= %.4f), loose entries %d%n",
                s.index().wordLog(), Integer.numberOfTrailingZeros(f.words.length), f.pass, 1.0 / 64, f.loose);
        String[] name = {"both halves full", "third-byte half full", "fourth-byte half full", "over 40 of 64 bits", "the rest"};
        double[] pass = new double[5];
        int[] words = new int[5];
        for (long x : f.words) {
            if (x == 0) continue;
            int hb = Long.bitCount(x >>> 32), lb = Long.bitCount(x & 0xFFFFFFFFL);
            double hi = hb / 32.0, lo = lb / 32.0;
            int k = hb == 32 && lb == 32 ? 0 : hb == 32 ? 1 : lb == 32 ? 2 : hb + lb > 40 ? 3 : 4;
            pass[k] += hi * hi * hi * hi * lo * lo * lo * lo / f.words.length;
            words[k]++;
        }
        for (int k = 0; k < 5; k++) System.out.printf("  %-22s %8d words, pass %.4f%n", name[k], words[k], pass[k]);
    }
}
