package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which .ndb name clamscan prints when several body signatures match one file, and in which order with
 * --allmatch: per window libclamav runs its Boyer-Moore matcher (plain hex) before its Aho-Corasick one, and
 * the Boyer-Moore matcher reports a signature at its anchor, the first 3-byte window of the pattern whose hash
 * bucket no earlier-loaded signature had taken (so of two identical plain signatures the first loaded is found
 * first), the later loaded first at one position. Seeded files, each matched by one wildcard signature and two
 * to four plain ones (some identical, some overlapping), spread over two .ndb files; the expectations are what
 * clamscan 1.4.6 printed, re-checked when clamscan is installed. Bulwark printed the match that ended first.
 */
class BodyOrderDifferentialTest {
    private static final int FILES = 8;
    private static final String[] FIRST = {
        "f0: P0_2", "f1: P1_7", "f2: P2_10", "f3: P3_15", "f4: P4_17", "f5: P5_22", "f6: P6_30", "f7: P7_34"};
    // the second run of names in a file is its normalised text (lower case), which clamscan scans again
    private static final String[] ALL = {
        "f0: P0_2", "f0: P0_1", "f0: W0_0", "f0: P0_1",
        "f1: P1_7", "f1: P1_6", "f1: P1_5", "f1: P1_4", "f1: W1_3", "f1: P1_5", "f1: P1_4", "f1: W1_3",
        "f2: P2_10", "f2: P2_12", "f2: P2_9", "f2: P2_11", "f2: W2_8", "f2: P2_12", "f2: P2_9", "f2: P2_11", "f2: W2_8",
        "f3: P3_15", "f3: P3_14", "f3: W3_13", "f3: P3_14", "f3: W3_13",
        "f4: P4_17", "f4: P4_18", "f4: P4_20", "f4: P4_19", "f4: W4_16", "f4: P4_18", "f4: P4_20", "f4: P4_19", "f4: W4_16",
        "f5: P5_22", "f5: P5_23", "f5: P5_24", "f5: P5_25", "f5: W5_21", "f5: W5_21",
        "f6: P6_30", "f6: P6_29", "f6: P6_28", "f6: P6_27", "f6: W6_26",
        "f7: P7_34", "f7: P7_33", "f7: P7_32", "f7: W7_31", "f7: P7_33", "f7: P7_32", "f7: W7_31"};

    private static List<Path> setUp(Path dir) throws Exception {
        Random r = new Random(5);
        List<String> a = new ArrayList<>(), b = new ArrayList<>();
        int names = 0;
        for (int f = 0; f < FILES; f++) {
            byte[] data = new byte[60 + r.nextInt(60)];
            for (int i = 0; i < data.length; i++) data[i] = (byte) ('a' + r.nextInt(20));
            String tag = String.format("TAG%02d", f);
            System.arraycopy(tag.getBytes(StandardCharsets.US_ASCII), 0, data, 0, tag.length());
            Files.write(dir.resolve(String.format("f%d.bin", f)), data);
            List<int[]> pieces = new ArrayList<>();
            for (int k = 0; k < 2; k++) {
                int from = k == 0 ? 0 : 5 + r.nextInt(data.length - 20), len = 8 + r.nextInt(8);
                pieces.add(new int[] {from, Math.min(data.length, from + len)});
            }
            int[] w = pieces.get(r.nextInt(2));
            String hex = HexFormat.of().formatHex(data, w[0], w[1]);
            (r.nextBoolean() ? a : b).add("W" + f + "_" + names++ + ":0:*:" + hex.substring(0, 6) + "??" + hex.substring(8));
            for (int k = 0, n = 2 + r.nextInt(3); k < n; k++) {
                int[] p = pieces.get(r.nextInt(2));
                int from = p[0] + (r.nextInt(3) == 0 ? 1 : 0);
                String off = from == 0 && r.nextBoolean() ? "0" : "*";
                String name = "P" + f + "_" + names++ + ":0:" + off + ":" + HexFormat.of().formatHex(data, from, p[1]);
                (r.nextBoolean() ? a : b).add(name);
            }
        }
        java.util.Collections.shuffle(a, r);
        java.util.Collections.shuffle(b, r);
        // every signature carries its file's tag or a piece of its random bytes: none matches another file
        Path pa = Files.write(dir.resolve("a.ndb"), a), pb = Files.write(dir.resolve("b.ndb"), b);
        return List.of(pb, pa);
    }

    @Test
    void firstNameAndAllMatchOrderAsClamscan(@TempDir Path dir) throws Exception {
        List<Path> dbs = setUp(dir);
        if (Files.isExecutable(Path.of("/usr/bin/clamscan"))) { // the expectations are clamscan's
            assertEquals(List.of(FIRST), clamscan(dbs, dir, false));
            assertEquals(List.of(ALL), clamscan(dbs, dir, true));
        }
        Engine engine = Engine.load(dbs, LoadOptions.defaults());
        List<String> first = new ArrayList<>(), all = new ArrayList<>();
        for (int f = 0; f < FILES; f++) {
            Path file = dir.resolve("f" + f + ".bin");
            List<Detection> d = engine.scan(file, ScanOptions.defaults()).detections();
            if (!d.isEmpty()) first.add("f" + f + ": " + d.get(0).name().replace(".UNOFFICIAL", ""));
            for (Detection x : engine.scan(file, ScanOptions.defaults().withAllMatch(true)).detections()) {
                all.add("f" + f + ": " + x.name().replace(".UNOFFICIAL", ""));
            }
        }
        assertEquals(List.of(FIRST), first);
        assertEquals(List.of(ALL), all);
    }

    private static List<String> clamscan(List<Path> dbs, Path dir, boolean allMatch) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("clamscan", "--no-summary"));
        if (allMatch) cmd.add("--allmatch");
        for (Path p : dbs) { cmd.add("-d"); cmd.add(p.toString()); }
        for (int f = 0; f < FILES; f++) cmd.add(dir.resolve("f" + f + ".bin").toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        List<String> found = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.endsWith(" FOUND")) continue;
            String l = line.substring(0, line.length() - 6).replace(".UNOFFICIAL", "");
            int c = l.lastIndexOf(": ");
            String file = Path.of(l.substring(0, c)).getFileName().toString();
            found.add(file.substring(0, file.length() - 4) + l.substring(c));
        }
        return found;
    }
}
