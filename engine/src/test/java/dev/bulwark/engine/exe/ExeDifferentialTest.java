package dev.bulwark.engine.exe;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test against the real clamscan: for executables found on this machine, crafted Mach-O files
 * and seeded header mutations of both, we derive {@code .ndb} (EP+n, EP-n, Sx+n, SL+n, SEx, VI), {@code .mdb}
 * and {@code .imp} signatures from our parse, predict for every (signature, file) pair whether ClamAV
 * matches, and compare with what clamscan reports (all-match, top layer only). A second run adds
 * {@code --alert-broken} and checks {@code Heuristics.Broken.Executable}; a third scans the same files with
 * the real engine. {@code -Dbulwark.exe.dump=DIR} writes every disagreeing file with the signatures involved
 * (one directory per file, ready for {@code clamscan --debug -d DIR/n DIR/n/file}).
 */
class ExeDifferentialTest {
    static final long SEED = Long.getLong("bulwark.exe.seed", 20261125L);
    static final int MUTANTS_PER_SEED = Integer.getInteger("bulwark.exe.mutants", 40);
    static final String DUMP = System.getProperty("bulwark.exe.dump");
    static final int SEED_MAX_SIZE = Integer.getInteger("bulwark.exe.seedMaxSize", 300_000); // mutate small files only
    private static final int MAX_DUMPS = 20; // enough to inspect, bounded on a badly broken run

    @TempDir
    static Path tempDir;
    static Path work;

    static List<SigModel.Sample> samples = new ArrayList<>();
    static List<SigModel.Sig> sigs = new ArrayList<>();
    static List<SigModel.HashSig> hashes = new ArrayList<>();
    static List<SigModel.AttrSig> attrs = new ArrayList<>();
    static Path db;      // every signature except SL+n for ELF/Mach-O
    static Path slDb;    // SL+n for ELF/Mach-O only

    @BeforeAll
    static void build() throws IOException {
        Assumptions.assumeTrue(ClamscanRunner.available(), "clamscan not installed");
        String keep = System.getProperty("bulwark.exe.workdir"); // keep the corpus for debugging
        work = keep != null ? Files.createDirectories(Path.of(keep)) : tempDir;
        List<Path> pe = ExeCorpus.peFiles(Integer.getInteger("bulwark.exe.peMax", 90));
        List<Path> elf = ExeCorpus.elfFiles(50);
        for (Path p : pe) samples.add(new SigModel.Sample(p, Files.readAllBytes(p)));
        for (Path p : elf) samples.add(new SigModel.Sample(p, Files.readAllBytes(p)));
        Path dir = Files.createDirectories(work.resolve("files"));
        int n = 0;
        for (byte[] m : ExeCorpus.machoFiles()) samples.add(sample(dir.resolve("macho" + n++ + ".bin"), m));
        for (byte[] m : ExeCorpus.craftedPe()) samples.add(sample(dir.resolve("crafted" + n++ + ".exe"), m));
        for (boolean is64 : new boolean[] {false, true}) {
            for (boolean be : new boolean[] {false, true}) {
                samples.add(sample(dir.resolve("crafted" + n++ + ".elf"), SeedWriterTest.elf(is64, be)));
            }
        }

        // mutate a few small seeds of each kind
        Random r = new Random(SEED);
        List<SigModel.Sample> seeds = new ArrayList<>();
        for (SigModel.Sample s : samples) {
            if (s.bytes.length <= SEED_MAX_SIZE && seeds.stream().filter(x -> x.target == s.target).count() < 4) seeds.add(s);
        }
        for (SigModel.Sample s : samples) if (s.path.getFileName().toString().startsWith("crafted")) seeds.add(s);
        for (SigModel.Sample s : seeds) {
            for (int k = 0; k < MUTANTS_PER_SEED; k++) {
                byte[] m = ExeCorpus.mutate(s.bytes, s.target, r);
                if (m.length > 5) samples.add(sample(dir.resolve("mut" + n++ + ".bin"), m));
            }
        }
        Set<String> seenHashes = new java.util.HashSet<>(); // ClamAV keeps one name per (hash, size)
        for (int i = 0; i < samples.size(); i++) {
            sigs.addAll(SigModel.offsetSigs("F" + i, samples.get(i)));
            attrs.addAll(SigModel.attrSigs("F" + i, samples.get(i)));
            for (SigModel.HashSig h : SigModel.hashSigs("F" + i, samples.get(i))) {
                if (seenHashes.add(h.imp() + ":" + h.md5() + ":" + h.size())) hashes.add(h);
            }
        }
        db = Files.createDirectories(work.resolve("db"));
        slDb = Files.createDirectories(work.resolve("sldb"));
        List<String> ndb = new ArrayList<>(), sl = new ArrayList<>(), mdb = new ArrayList<>(), imp = new ArrayList<>();
        for (SigModel.Sig s : sigs) (crashesClamav(s) ? sl : ndb).add(s.ndbLine());
        sl.add("Unused:0:0:0102030405060708090a0b0c0d0e0f10");
        Files.write(slDb.resolve("t.ndb"), sl);
        for (SigModel.HashSig h : hashes) (h.imp() ? imp : mdb).add(h.line());
        ndb.add("Unused:0:0:0102030405060708090a0b0c0d0e0f10"); // keeps the database non-empty
        Files.write(db.resolve("t.ndb"), ndb);
        if (!mdb.isEmpty()) Files.write(db.resolve("t.mdb"), mdb);
        Files.write(db.resolve("t.ldb"), attrs.stream().map(SigModel.AttrSig::ldbLine).toList());
        if (!imp.isEmpty()) Files.write(db.resolve("t.imp"), imp);
    }

    /**
     * ClamAV 1.4.6 dereferences section[-1] for SL+n on an ELF or Mach-O layer with zero sections and
     * segfaults (verified: an ELF with e_shnum=0 and signature {@code X:6:SL+0:7f454c46}). Such signatures
     * are checked in a separate run over the files that do not trigger the crash.
     */
    static boolean crashesClamav(SigModel.Sig s) {
        return s.off() == SigModel.Off.SL && s.target() != 1;
    }

    static boolean crashTrigger(SigModel.Sample s) {
        return s.target != 1 && s.info != null && s.info.hasTargetInfo() && s.info.sectionCount() == 0;
    }

    private static SigModel.Sample sample(Path p, byte[] b) throws IOException {
        Files.write(p, b);
        return new SigModel.Sample(p, b);
    }

    @Test
    void corpusIsNotTrivial() {
        long pe = samples.stream().filter(s -> s.target == 1 && s.info != null).count();
        long elf = samples.stream().filter(s -> s.target == 6 && s.info != null).count();
        long macho = samples.stream().filter(s -> s.target == 9 && s.info != null).count();
        long[] broken = new long[16];
        for (SigModel.Sample s : samples) if (s.info != null && s.info.broken()) broken[s.target]++;
        long vi = samples.stream().filter(s -> s.info != null && !s.info.versionInfoRecords().isEmpty()).count();
        System.out.printf("corpus: %d files (PE %d, ELF %d, Mach-O %d parsed; broken PE %d, ELF %d, Mach-O %d; "
                + "%d with VERSIONINFO), %d offset sigs, %d hash sigs%n", samples.size(), pe, elf, macho,
                broken[1], broken[6], broken[9], vi, sigs.size(), hashes.size());
        assertTrue(pe >= 1 && elf >= 1 && macho >= 1, "need at least one parsed file of each kind");
        assertTrue(hashes.stream().anyMatch(SigModel.HashSig::imp), "at least one imphash");
    }

    @Test
    void verdictsMatchClamscan() throws Exception {
        compare(false);
    }

    @Test
    void verdictsMatchClamscanWithAlertBroken() throws Exception {
        compare(true);
    }

    @Test
    void sectionLastOffsetsOfElfAndMachoMatchClamscan() throws Exception {
        List<SigModel.Sample> safe = samples.stream().filter(s -> !crashTrigger(s)).toList();
        Map<String, Set<String>> got = ClamscanRunner.scan(slDb, safe.stream().map(s -> s.path).toList(), List.of(), work);
        List<String> diffs = new ArrayList<>();
        int positives = 0;
        for (SigModel.Sample s : safe) {
            Set<String> expected = new TreeSet<>();
            for (SigModel.Sig sig : sigs) if (crashesClamav(sig) && SigModel.matches(sig, s)) expected.add(sig.name());
            positives += expected.size();
            diff(s, expected, got, diffs);
        }
        System.out.printf("SL (ELF/Mach-O): %d files, %d expected detections, %d differences%n", safe.size(), positives, diffs.size());
        assertTrue(positives > 0);
        if (diffs.size() > 40) diffs = new ArrayList<>(diffs.subList(0, 40));
        assertEquals(List.of(), diffs, "seed " + SEED);
    }

    private static void diff(SigModel.Sample s, Set<String> expected, Map<String, Set<String>> got, List<String> diffs)
            throws IOException {
        diff(s, expected, got, diffs, "clamscan");
    }

    private static void diff(SigModel.Sample s, Set<String> expected, Map<String, Set<String>> got, List<String> diffs,
                             String who) throws IOException {
        Set<String> actual = got.getOrDefault(s.path.toAbsolutePath().toString(), Set.of("<not scanned>"));
        if (!expected.equals(actual)) {
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(actual);
            Set<String> extra = new TreeSet<>(actual);
            extra.removeAll(expected);
            String d = s.path + " (ep=" + (s.info == null ? "null" : s.info.entryPoint()) + ", broken="
                    + (s.info != null && s.info.broken()) + "): " + who + " lacks " + missing + ", " + who + " also has " + extra;
            diffs.add(d.length() > 700 ? d.substring(0, 700) + "..." : d);
            Set<String> involved = new TreeSet<>(missing);
            involved.addAll(extra);
            dump(s, involved, d, diffs.size());
        }
    }

    /** Writes the file and the signatures named in {@code names} under {@link #DUMP}, for clamscan --debug. */
    private static void dump(SigModel.Sample s, Set<String> names, String why, int n) throws IOException {
        if (DUMP == null || n > MAX_DUMPS) return;
        Path dir = Files.createDirectories(Path.of(DUMP).resolve(String.valueOf(n)));
        Files.write(dir.resolve("file"), s.bytes);
        List<String> ndb = new ArrayList<>(), ldb = new ArrayList<>(), mdb = new ArrayList<>(), imp = new ArrayList<>();
        for (SigModel.Sig x : sigs) if (names.contains(x.name())) ndb.add(x.ndbLine());
        for (SigModel.AttrSig x : attrs) if (names.contains(x.name())) ldb.add(x.ldbLine());
        for (SigModel.HashSig x : hashes) if (names.contains(x.name())) (x.imp() ? imp : mdb).add(x.line());
        ndb.add("Unused:0:0:0102030405060708090a0b0c0d0e0f10");
        Files.write(dir.resolve("t.ndb"), ndb);
        if (!ldb.isEmpty()) Files.write(dir.resolve("t.ldb"), ldb);
        if (!mdb.isEmpty()) Files.write(dir.resolve("t.mdb"), mdb);
        if (!imp.isEmpty()) Files.write(dir.resolve("t.imp"), imp);
        Files.writeString(dir.resolve("README.txt"), why + "\nsource: " + s.path + "\n"
                + "clamscan --debug --allmatch --max-recursion=1 -d " + dir + " " + dir.resolve("file") + "\n");
    }

    /**
     * The real engine on the same files and database: what {@code bulwark scan --allmatch --max-recursion=1}
     * reports must equal what clamscan reports (names without the {@code .UNOFFICIAL} suffix).
     */
    @Test
    void engineVerdictsMatchClamscan() throws Exception {
        List<SigModel.Sample> files = samples;
        Map<String, Set<String>> got = ClamscanRunner.scan(db, files.stream().map(s -> s.path).toList(), List.of(), work);
        dev.bulwark.engine.Engine engine = dev.bulwark.engine.Engine.load(List.of(db), dev.bulwark.engine.LoadOptions.defaults());
        dev.bulwark.engine.ScanOptions opts = dev.bulwark.engine.ScanOptions.defaults().withAllMatch(true)
                .withLimits(dev.bulwark.engine.Limits.DEFAULTS.withMaxRecursion(1));
        List<String> diffs = new ArrayList<>();
        int positives = 0;
        for (SigModel.Sample s : files) {
            Set<String> ours = new TreeSet<>();
            for (dev.bulwark.engine.Detection d : engine.scan(s.bytes, opts).detections()) ours.add(d.name().replace(".UNOFFICIAL", ""));
            positives += ours.size();
            Set<String> clam = got.getOrDefault(s.path.toAbsolutePath().toString(), Set.of("<not scanned>"));
            diff(s, clam, Map.of(s.path.toAbsolutePath().toString(), ours), diffs, "bulwark");
        }
        System.out.printf("engine: %d files, %d detections, %d differences%n", files.size(), positives, diffs.size());
        assertTrue(positives > 0);
        if (diffs.size() > 40) diffs = new ArrayList<>(diffs.subList(0, 40));
        assertEquals(List.of(), diffs, "seed " + SEED + " (-Dbulwark.exe.seed=" + SEED + ")");
    }

    private void compare(boolean alertBroken) throws Exception {
        List<Path> files = samples.stream().map(s -> s.path).toList();
        Map<String, Set<String>> got = ClamscanRunner.scan(db, files,
                alertBroken ? List.of("--alert-broken") : List.of(), work);
        List<String> diffs = new ArrayList<>();
        int positives = 0;
        for (SigModel.Sample s : samples) {
            Set<String> expected = new TreeSet<>();
            for (SigModel.Sig sig : sigs) if (!crashesClamav(sig) && SigModel.matches(sig, s)) expected.add(sig.name());
            for (SigModel.HashSig h : hashes) if (SigModel.matches(h, s, alertBroken)) expected.add(h.name());
            for (SigModel.AttrSig a : attrs) if (SigModel.matches(a, s)) expected.add(a.name());
            if (alertBroken && s.info != null && s.info.broken()) expected.add(SigModel.BROKEN);
            positives += expected.size();
            diff(s, expected, got, diffs);
        }
        System.out.printf("alertBroken=%s: %d files, %d expected detections, %d differences%n",
                alertBroken, samples.size(), positives, diffs.size());
        if (diffs.size() > 40) diffs = new ArrayList<>(diffs.subList(0, 40));
        assertEquals(List.of(), diffs, "seed " + SEED + " (-Dbulwark.exe.seed=" + SEED + ")");
    }
}
