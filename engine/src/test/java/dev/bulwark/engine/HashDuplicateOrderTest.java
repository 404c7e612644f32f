package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which name is reported when several hash signatures have the same digest (and size): libclamav keeps one
 * array per (digest kind, size), plus one for wildcard sizes, in load order, sorts each with its own quicksort
 * and binary-searches it, so the duplicate found depends on the other entries of that size and on the order
 * of the databases. The expectations below are what clamscan 1.4.6 printed for these seeded databases; when
 * clamscan is installed the test checks that it still prints them. Before the fix Bulwark reported the first
 * duplicate loaded, and no wildcard-size name beside a sized one with {@code --allmatch}.
 */
class HashDuplicateOrderTest {
    private static final String[] FIRST = {
        "f0.bin: D0_0", "f1.bin: D1_24", "f2.bin: D2_39", "f3.bin: D3_48"};
    private static final String[] ALL = {
        "f0.bin: D0_0", "f0.bin: W0_8", "f0.bin: S0_13",
        "f1.bin: D1_24", "f1.bin: W1_23", "f1.bin: S1_19",
        "f2.bin: D2_39", "f2.bin: W2_29", "f2.bin: S2_34",
        "f3.bin: D3_48", "f3.bin: W3_44", "f3.bin: S3_43"};
    private static final String[] SMALL = {"HB", "HA", "HC", "HC", "HB"};

    /** Three to five duplicates of each file's MD5 and SHA-256 among 400 other digests of the same sizes. */
    private static List<Path> databases(Path dir) throws Exception {
        Random r = new Random(12);
        List<String> lines = new ArrayList<>();
        int names = 0;
        for (int f = 0; f < 4; f++) {
            byte[] b = new byte[40 + f % 2];
            r.nextBytes(b);
            Files.write(dir.resolve("f" + f + ".bin"), b);
            String md5 = hex("MD5", b), sha = hex("SHA-256", b);
            for (int k = 0, n = 3 + r.nextInt(3); k < n; k++) {
                lines.add(md5 + ":" + b.length + ":D" + f + "_" + names++);
                lines.add(sha + ":" + b.length + ":S" + f + "_" + names++);
                lines.add(md5 + ":*:W" + f + "_" + names++ + ":73");
            }
        }
        for (int k = 0; k < 200; k++) {
            lines.add(String.format("%032x", new java.math.BigInteger(128, r)) + ":" + (40 + r.nextInt(2)) + ":F" + names++);
            lines.add(String.format("%064x", new java.math.BigInteger(256, r)) + ":" + (40 + r.nextInt(2)) + ":G" + names++);
        }
        Collections.shuffle(lines, r);
        int cut = lines.size() / 2;
        Path a = dir.resolve("a.hdb"), b = dir.resolve("b.hdb"), c = dir.resolve("c.hsb");
        Files.write(a, lines.subList(0, cut).stream().filter(l -> l.indexOf(':') == 32).toList());
        Files.write(c, lines.subList(0, cut).stream().filter(l -> l.indexOf(':') == 64).toList());
        Files.write(b, lines.subList(cut, lines.size()));
        return List.of(b, a, c); // loaded in this order
    }

    @Test
    void duplicatedDigestsReportClamscansName(@TempDir Path dir) throws Exception {
        List<Path> dbs = databases(dir);
        Engine engine = Engine.load(dbs, LoadOptions.defaults());
        List<String> first = new ArrayList<>(), all = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            Path file = dir.resolve("f" + f + ".bin");
            first.add(file.getFileName() + ": " + name(engine.scan(file, ScanOptions.defaults()).detections().get(0)));
            for (Detection d : engine.scan(file, ScanOptions.defaults().withAllMatch(true)).detections()) {
                all.add(file.getFileName() + ": " + name(d));
            }
        }
        if (Files.isExecutable(Path.of("/usr/bin/clamscan"))) { // the expectations are clamscan's
            assertEquals(List.of(FIRST), clamscan(dbs, dir, false));
            assertEquals(List.of(ALL), clamscan(dbs, dir, true));
        }
        assertEquals(List.of(FIRST), first);
        assertEquals(List.of(ALL), all);
    }

    /** Only duplicates in the bucket: [A,B] finds B, [B,A] A, [A,B,C] C; across files, the last loaded. */
    @Test
    void smallBucketsOfDuplicates(@TempDir Path dir) throws Exception {
        byte[] b = "HELLOWORLD-bulwark-duplicates\n".getBytes(StandardCharsets.US_ASCII);
        Path file = Files.write(dir.resolve("f.bin"), b);
        String h = hex("MD5", b) + ":" + b.length + ":";
        Path d1 = Files.writeString(dir.resolve("d1.hdb"), h + "HA\n" + h + "HB\n");
        Path d2 = Files.writeString(dir.resolve("d2.hdb"), h + "HB\n" + h + "HA\n");
        Path d3 = Files.writeString(dir.resolve("d3.hdb"), h + "HA\n" + h + "HB\n" + h + "HC\n");
        Path e = Files.writeString(dir.resolve("e.hdb"), h + "HC\n");
        List<List<Path>> cases = List.of(List.of(d1), List.of(d2), List.of(d3), List.of(d1, e), List.of(e, d1));
        for (int i = 0; i < cases.size(); i++) {
            if (Files.isExecutable(Path.of("/usr/bin/clamscan"))) {
                assertEquals(List.of("f.bin: " + SMALL[i]), clamscan(cases.get(i), file, false), "case " + i);
            }
            Engine engine = Engine.load(cases.get(i), LoadOptions.defaults());
            assertEquals(SMALL[i], name(engine.scan(file, ScanOptions.defaults()).detections().get(0)), "case " + i);
        }
    }

    /**
     * .mdb section hashes: libclamav checks each section in turn against every digest kind, so a SHA-256 of the
     * first section is reported before an MD5 of the second (clamscan 1.4.6: SecA_sha256, and with --allmatch
     * SecA_sha256 then SecB_md5 on the file itself); Bulwark checked every section's MD5 first and reported SecB_md5.
     */
    @Test
    void sectionHashesSectionBySection(@TempDir Path dir) throws Exception {
        Path exe = Path.of("/usr/share/clamav-testfiles/clam_IScab_ext.exe");
        org.junit.jupiter.api.Assumptions.assumeTrue(Files.isReadable(exe), "clamav-testfiles not installed");
        byte[] d = Files.readAllBytes(exe);
        byte[] a = java.util.Arrays.copyOfRange(d, 1024, 1024 + 68096), b = java.util.Arrays.copyOfRange(d, 69120, 69120 + 6144);
        Path db = Files.writeString(dir.resolve("s.mdb"), "68096:" + hex("SHA-256", a) + ":SecA_sha256:73\n6144:"
                + hex("MD5", b) + ":SecB_md5\n");
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        assertEquals("SecA_sha256", name(engine.scan(exe, ScanOptions.defaults()).detections().get(0)));
        List<Detection> all = engine.scan(exe, ScanOptions.defaults().withAllMatch(true)).detections();
        assertEquals(List.of("SecA_sha256", "SecB_md5"), all.subList(0, 2).stream().map(HashDuplicateOrderTest::name).toList());
        if (Files.isExecutable(Path.of("/usr/bin/clamscan"))) {
            Process p = new ProcessBuilder("clamscan", "--no-summary", "-d", db.toString(), exe.toString())
                    .redirectError(ProcessBuilder.Redirect.DISCARD).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor(120, TimeUnit.SECONDS);
            assertEquals(exe + ": SecA_sha256.UNOFFICIAL FOUND\n", out);
        }
    }

    private static String name(Detection d) {
        return d.name().replace(".UNOFFICIAL", "");
    }

    private static String hex(String alg, byte[] b) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(b));
    }

    /** clamscan's FOUND lines for the files f*.bin of {@code target} (a directory or one file), in its order. */
    private static List<String> clamscan(List<Path> dbs, Path target, boolean allMatch) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("clamscan", "--no-summary"));
        if (allMatch) cmd.add("--allmatch");
        for (Path p : dbs) { cmd.add("-d"); cmd.add(p.toString()); }
        if (Files.isDirectory(target)) {
            for (int f = 0; f < 4; f++) cmd.add(target.resolve("f" + f + ".bin").toString());
        } else cmd.add(target.toString());
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        List<String> found = new ArrayList<>();
        for (String line : out.split("\n")) {
            if (!line.endsWith(" FOUND")) continue;
            String l = line.substring(0, line.length() - 6).replace(".UNOFFICIAL", "");
            found.add(Path.of(l.substring(0, l.lastIndexOf(": "))).getFileName() + l.substring(l.lastIndexOf(": ")));
        }
        return found;
    }
}
