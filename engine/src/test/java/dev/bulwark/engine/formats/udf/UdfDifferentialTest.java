package dev.bulwark.engine.formats.udf;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * UDF images hiding clam.exe, scanned by clamscan and by the engine with {@code --allmatch}. Three
 * signatures: the body pattern for any file (it also matches the image's own bytes), the same pattern
 * for executables only (target 1: it matches only clam.exe files extracted as layers) and clam.exe's
 * hash (only files extracted exactly). Every image must give the same set of detections, and the
 * executable and hash signatures the same number of times: that is, the same files are extracted.
 * (clamscan prints a match in binary-data layers twice, for their second "other" pass; the engine
 * reports it once by design, clamav-notes Q6, so raw body counts are not compared.)
 */
class UdfDifferentialTest {
    static final String BODY = "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n";
    static final String PE = "ClamAV-Test-PE:1:*:bb7110400033c050508bf3535350b029\n";
    static final String HASH = "aa15bcf478d165efd2065190eb473bcb:544:ClamAV-Test-Hash\n";

    /** One image's detections: every name found, and the executable / hash detections with their counts. */
    record Found(java.util.Set<String> names, List<String> extracted) {}

    /** clamscan's and our all-match detections on {@code files} (case name to path), as (theirs, ours). */
    static Map<String, Found>[] scanBoth(Path dir, Map<String, Path> files) throws Exception {
        Path ndb = dir.resolve("t.ndb"), hdb = dir.resolve("t.hdb");
        Files.writeString(ndb, BODY + PE);
        Files.writeString(hdb, HASH);
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/clamscan", "--allmatch", "--no-summary", "-d", ndb.toString(), "-d", hdb.toString()));
        files.values().forEach(f -> cmd.add(f.toString()));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        Engine engine = Engine.load(List.of(ndb, hdb), LoadOptions.defaults());
        @SuppressWarnings("unchecked")
        Map<String, Found>[] both = new Map[] {new LinkedHashMap<>(), new LinkedHashMap<>()};
        for (var f : files.entrySet()) {
            List<String> t = new ArrayList<>();
            for (String line : out.split("\n")) {
                if (line.startsWith(f.getValue() + ": ") && line.endsWith(" FOUND")) {
                    t.add(line.substring(f.getValue().toString().length() + 2, line.length() - 6).replace(".UNOFFICIAL", ""));
                }
            }
            List<String> o = new ArrayList<>();
            engine.scan(f.getValue(), ScanOptions.defaults().withAllMatch(true)).detections()
                    .forEach(d -> o.add(d.name().replace(".UNOFFICIAL", "")));
            both[0].put(f.getKey(), found(t));
            both[1].put(f.getKey(), found(o));
        }
        return both;
    }

    private static Found found(List<String> names) {
        List<String> extracted = new ArrayList<>(names);
        extracted.removeIf(n -> n.equals("ClamAV-Test-Body"));
        extracted.sort(null);
        return new Found(new java.util.TreeSet<>(names), extracted);
    }

    @Test
    void sameDetectionsAsClamscan(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "apt-get install clamav");
        Map<String, Path> files = new LinkedHashMap<>();
        int i = 0;
        for (var c : UdfCases.cases().entrySet()) {
            Path f = dir.resolve("case" + i++ + ".img");
            Files.write(f, c.getValue());
            String dump = System.getProperty("udf.dump"); // -Dudf.dump=DIR keeps the images for inspection
            if (dump != null) Files.write(Files.createDirectories(Path.of(dump)).resolve(f.getFileName()), c.getValue());
            files.put(c.getKey(), f);
        }
        Map<String, Found>[] both = scanBoth(dir, files);
        assertEquals(both[0], both[1]);
        // the cases must exercise extraction (hash hits) as well as refusals (images without one)
        long hashHits = both[0].values().stream().flatMap(f -> f.extracted().stream()).filter(n -> n.equals("ClamAV-Test-Hash")).count();
        assertTrue(hashHits > 3 && both[0].values().stream().anyMatch(f -> !f.extracted().contains("ClamAV-Test-Hash")), both[0].toString());
    }

    /**
     * A UDF marker in an executable's first 32 KiB re-types the layer, but ClamAV still unpacks it (its
     * PE parser switches on the type from before the raw scan): UPX-packed clam.exe with the marker in
     * its overlay, before 32768 and exactly at 32768, must be found as clamscan finds it.
     */
    @Test
    void executablesWithTheMarkerAreStillUnpacked(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "apt-get install clamav");
        byte[] upx = dev.bulwark.engine.formats.doctest.Samples.read("clam-upx.exe");
        Map<String, Path> files = new LinkedHashMap<>();
        for (int at : new int[] {4000, UdfExtractor.VRS_OFFSET}) {
            byte[] d = java.util.Arrays.copyOf(upx, UdfExtractor.VRS_OFFSET + 8 * UdfBuilder.B);
            System.arraycopy(UdfExtractor.MARKER, 0, d, at, UdfExtractor.MARKER.length);
            Path f = dir.resolve("upx" + at + ".exe");
            Files.write(f, d);
            files.put("marker at " + at, f);
        }
        Map<String, Found>[] both = scanBoth(dir, files);
        assertEquals(both[0], both[1]);
        assertTrue(both[0].values().stream().allMatch(f -> f.extracted().contains("ClamAV-Test-PE")), both[0].toString());
    }

    /**
     * Images made by mkudffs + udfclient (pure UDF 2.01: extended file entries, volume descriptors in
     * another order, so ClamAV extracts nothing) must give the same detections, extraction included.
     */
    @Test
    void udfclientImages(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "apt-get install clamav");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/sbin/mkudffs")) && Files.isExecutable(Path.of("/usr/bin/udfclient")),
                "apt-get install udftools udfclient");
        Path src = Files.createDirectories(dir.resolve("src"));
        Files.write(src.resolve("clam.exe"), dev.bulwark.engine.formats.doctest.Samples.read("clam.exe"));
        Files.write(src.resolve("readme.txt"), UdfCases.README);
        Map<String, Path> files = new LinkedHashMap<>();
        files.put("flat", udfclient(dir, "flat.img", src, "put clam.exe\nput readme.txt\n"));
        files.put("nested", udfclient(dir, "nested.img", src, "put readme.txt\nmkdir d1\ncd d1\nput clam.exe\nmkdir d2\ncd d2\nput clam.exe\n"));
        Map<String, Found>[] both = scanBoth(dir, files);
        assertEquals(both[0], both[1]);
        assertTrue(both[0].values().stream().allMatch(f -> f.names().contains("ClamAV-Test-Body")), both[0].toString());
    }

    /**
     * genisoimage -udf writes ISO 9660 + UDF bridge images: the "BEA01" descriptor follows the ISO
     * descriptors (36864), out of the UDF rule's range, so both scanners read them as ISO 9660 only.
     * Only the sets of detections are compared: the engine opens ISO layers twice (ScanJob), which
     * clamscan 1.4.6 does not do for these images (hash reported once by clamscan, twice by us).
     */
    @Test
    void genisoimageBridgeImagesAreReadAsIso(@TempDir Path dir) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "apt-get install clamav");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/genisoimage")), "apt-get install genisoimage");
        Path src = Files.createDirectories(dir.resolve("src/d1/d2"));
        byte[] exe = dev.bulwark.engine.formats.doctest.Samples.read("clam.exe");
        Files.write(src.resolve("clam.exe"), exe);
        Files.write(dir.resolve("src/readme.txt"), UdfCases.README);
        Path iso = dir.resolve("bridge.iso");
        run(List.of("/usr/bin/genisoimage", "-quiet", "-udf", "-o", iso.toString(), dir.resolve("src").toString()), "");
        byte[] img = Files.readAllBytes(iso);
        assertEquals(-1, dev.bulwark.engine.formats.archivecommon.Bytes.indexOf(java.nio.ByteBuffer.wrap(img), UdfExtractor.MARKER, 0,
                UdfExtractor.VRS_OFFSET + UdfExtractor.MARKER.length));
        Map<String, Found>[] both = scanBoth(dir, Map.of("bridge", iso));
        assertEquals(both[0].get("bridge").names(), both[1].get("bridge").names());
        assertTrue(both[0].get("bridge").names().contains("ClamAV-Test-Hash"), both[0].toString());
    }

    /** A 32 MiB UDF image (2048-byte blocks) filled by the udfclient commands {@code script} run in {@code src}. */
    private static Path udfclient(Path dir, String name, Path src, String script) throws Exception {
        Path img = dir.resolve(name);
        try (var raf = new java.io.RandomAccessFile(img.toFile(), "rw")) {
            raf.setLength(32 << 20);
        }
        run(List.of("/usr/sbin/mkudffs", "--media-type=hd", "--blocksize=2048", "--lvid=V", "--vid=V", "--vsid=V", "--fsid=V", img.toString()), "");
        String list = run(List.of("/usr/bin/udfclient", "-b", "2048", img.toString()), "ls\nquit\n");
        String volume = list.lines().filter(l -> l.startsWith("d")).map(l -> l.substring(l.lastIndexOf(' ') + 1)).findFirst().orElseThrow();
        run(List.of("/usr/bin/udfclient", "-W", "-b", "2048", img.toString()), "lcd " + src + "\ncd " + volume + "\n" + script + "quit\n");
        return img;
    }

    private static String run(List<String> cmd, String input) throws Exception {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try (var in = p.getOutputStream()) {
            in.write(input.getBytes(StandardCharsets.UTF_8));
        }
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), String.join(" ", cmd));
        return out;
    }
}
