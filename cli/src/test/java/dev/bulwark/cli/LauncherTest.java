package dev.bulwark.cli;

import static dev.bulwark.cli.LauncherFixture.C1;
import static dev.bulwark.cli.LauncherFixture.TINY;
import static dev.bulwark.cli.LauncherFixture.LAUNCHER;
import static dev.bulwark.cli.LauncherFixture.dryRun;
import static dev.bulwark.cli.LauncherFixture.sized;
import static dev.bulwark.cli.LauncherFixture.sparse;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/bulwark}'s JIT and heap choices by workload, through its dry run: which scans count as short (C1
 * alone, {@code -XX:TieredStopAtLevel=1}) or tiny, that the estimate never consumes a pipe given as a file list,
 * which scans get the cheaper C2 of bin/scan-jit.json (and that the directives files are valid), the small young
 * generation. How the JVM is started (main class, AOT caches, fast path): {@link LauncherStartTest}.
 */
class LauncherTest {
    @TempDir
    static Path dir;
    static Path small, big, snapshot, textDb, list;

    @BeforeAll
    static void files() throws IOException {
        LauncherFixture.Inputs in = LauncherFixture.Inputs.in(dir);
        small = in.small();
        big = in.big();
        snapshot = in.snapshot();
        textDb = in.textDb();
        list = in.list();
    }

    private static boolean c1(String... args) throws Exception {
        List<String> words = dryRun(LAUNCHER, Map.of(), args);
        assertEquals(List.of(args), words.subList(words.size() - args.length, words.size()), "arguments passed on unchanged");
        return words.contains(C1);
    }

    @Test
    void shortScansRunWithC1Alone() throws Exception {
        assertTrue(c1("scan", "-d", snapshot.toString(), small.toString()));
        assertTrue(c1("scan", "--no-summary", "--threads=1", "-d", snapshot.toString(), "-f", list.toString()));
        assertTrue(c1("scan", "--file-list=" + list, "-d" + snapshot));
        assertTrue(c1("scan", "-ri", "-d", snapshot.toString(), small.toString()));
        // the value of an option is not a file to scan: --exclude BIG names a pattern, not a target
        assertTrue(c1("scan", "-d", snapshot.toString(), "--exclude", big.toString(), small.toString()));
        // an empty database path reaches the JVM, which reports it (the estimate once failed on it in bash)
        assertTrue(c1("scan", "-d", "", small.toString()));
    }

    private static boolean tiny(String... args) throws Exception {
        List<String> words = dryRun(LAUNCHER, Map.of(), args);
        assertEquals(List.of(args), words.subList(words.size() - args.length, words.size()), "arguments passed on unchanged");
        return words.contains(TINY);
    }

    @Test
    void tinyScansAreAFewSmallFilesAgainstASnapshot() throws Exception {
        assertTrue(tiny("scan", "-d", snapshot.toString(), small.toString()));
        assertTrue(tiny("scan", "--no-summary", "--infected", "--database=" + snapshot, small.toString(), small.toString()));
        assertTrue(c1("scan", "-d", snapshot.toString(), small.toString()), "tiny scans are short too");
        assertFalse(tiny("scan", "-d", textDb.toString(), small.toString()), "a text database: the load is real work");
        assertFalse(tiny("scan", small.toString()), "the default databases are text");
        assertFalse(tiny("scan", "-d", snapshot.toString(), big.toString()), "a large file");
        assertFalse(tiny("scan", "-d", snapshot.toString(), dir.toString()), "a directory");
        assertFalse(tiny("scan", "-d", snapshot.toString(), "-f", list.toString()), "a list");
        Path k = Files.write(dir.resolve("k65.bin"), new byte[65 * 1024]);
        assertFalse(tiny("scan", "-d", snapshot.toString(), k.toString()), "more than 64 KiB");
        assertTrue(c1("scan", "-d", snapshot.toString(), k.toString()), "but still short");
        List<String> seventeen = new ArrayList<>(List.of("scan", "-d", snapshot.toString()));
        for (int i = 0; i < 17; i++) seventeen.add(small.toString());
        assertFalse(tiny(seventeen.toArray(String[]::new)), "more than 16 files");
        assertFalse(tiny("yara", "rules.yar", small.toString()));
        assertFalse(tiny("scan", "--json", "-d", snapshot.toString(), small.toString()), "--json: its classes are not in the tiny cache");
        assertFalse(tiny("scan", "--json=yes", "-d", snapshot.toString(), small.toString()), "the same with a value");
        assertTrue(c1("scan", "--json", "-d", snapshot.toString(), small.toString()), "but still short");
    }

    /** (startup11) A tiny scan's JVM writes no hsperfdata file; other runs keep it (jstat/jcmd can watch them). */
    @Test
    void tinyScansWriteNoPerfData() throws Exception {
        String[] tinyScan = {"scan", "--no-summary", "--infected", "-d", snapshot.toString(), small.toString()};
        assertTrue(tiny(tinyScan));
        assertTrue(dryRun(LAUNCHER, Map.of(), tinyScan).contains("-XX:-UsePerfData"));
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", snapshot.toString(), dir.toString()).contains("-XX:-UsePerfData"),
                "a directory: not tiny");
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", textDb.toString(), small.toString()).contains("-XX:-UsePerfData"),
                "a text database: not tiny");
    }

    @Test
    void longScansKeepC2() throws Exception {
        assertFalse(c1("scan", "-d", snapshot.toString(), big.toString()), "one file above 128 MiB");
        assertFalse(c1("scan", "-d", snapshot.toString(), dir.toString()), "a directory holding more than 128 MiB");
        assertFalse(c1("scan", "-d", textDb.toString(), small.toString()), "a text database above 128 MiB");
        assertFalse(c1("scan", "--database=" + textDb, small.toString()), "the same with --database=");
        assertFalse(c1("scan", "-d", snapshot.toString(), "-"), "standard input: size unknown");
        assertFalse(c1("yara", "rules.yar", big.toString()), "yara over one file above 128 MiB");
        Path many = dir.resolve("many.list");
        Files.write(many, Collections.nCopies(5001, small.toString()));
        assertFalse(c1("scan", "-d", snapshot.toString(), "-f", many.toString()), "more than 5,000 files");
        Path dirs = Files.write(dir.resolve("dirs.list"), List.of(textDb.toString()));
        assertFalse(c1("scan", "-d", snapshot.toString(), "-f", dirs.toString()), "a directory inside a list");
    }

    /**
     * Archive-heavy block (helper "large", round 7): a short scan against a snapshot above 128 MiB that names or
     * lists at least 24 MiB of zip-family archives (their members are hashed one by one) takes the long scan's C2;
     * fewer archive bytes, other files or a small snapshot stay with C1 alone.
     */
    @Test
    void archiveHeavyScansAgainstALargeSnapshotKeepC2() throws Exception {
        Path heavy = Files.createDirectories(dir.resolve("heavy"));
        Path bigSnap = sparse(heavy.resolve("large.bsnap"));
        Path jar = sized(heavy.resolve("a.jar"), 25L << 20), zip = sized(heavy.resolve("B.ZIP"), 13L << 20);
        Path zip2 = sized(heavy.resolve("c.zip"), 13L << 20), plain = sized(heavy.resolve("d.bin"), 30L << 20);
        Path jarList = Files.write(heavy.resolve("jar.list"), List.of(small.toString(), jar.toString()));
        Path twoZips = Files.write(heavy.resolve("zips.list"), List.of(zip.toString(), plain.toString(), zip2.toString()));
        Path oneZip = Files.write(heavy.resolve("zip.list"), List.of(zip.toString(), plain.toString()));
        assertFalse(c1("scan", "-d", bigSnap.toString(), jar.toString()), "a named 25 MiB jar");
        assertFalse(c1("scan", "--threads=1", "-d", bigSnap.toString(), "-f", jarList.toString()), "a listed one");
        assertFalse(c1("scan", "--database=" + bigSnap, "--file-list=" + twoZips), "two 13 MiB zips (upper-case name too)");
        assertTrue(c1("scan", "-d", bigSnap.toString(), "-f", oneZip.toString()), "13 MiB of zip: below the limit");
        assertTrue(c1("scan", "-d", bigSnap.toString(), plain.toString()), "30 MiB of other data");
        assertTrue(c1("scan", "-d", snapshot.toString(), jar.toString()), "a small snapshot");
        assertTrue(c1("scan", "-d", bigSnap.toString(), "--exclude", jar.toString(), small.toString()), "an option's value is no file");
    }

    /** True when the launcher picks the digest block's options (large11) for {@code args}; false for C1 alone. */
    private static boolean digestC2(String... args) throws Exception {
        List<String> words = dryRun(LAUNCHER, Map.of(), args);
        assertEquals(List.of(args), words.subList(words.size() - args.length, words.size()), "arguments passed on unchanged");
        boolean digest = words.contains("-XX:CompilerDirectivesFile=" + LAUNCHER.resolveSibling("scan-digest-jit.json"));
        if (digest) {
            assertFalse(words.contains(C1), "C2 for the digests");
            for (String o : List.of("-XX:C1InlineStackLimit=10", "-XX:-ProfileInterpreter",
                    "-XX:CompileCommand=CompileThresholdScaling,sun.security.provider.DigestBase::implCompressMultiBlock0,0.001")) {
                assertTrue(words.contains(o), o);
            }
        } else {
            assertTrue(words.contains(C1), "otherwise a short scan runs with C1 alone: " + words);
        }
        return digest;
    }

    /**
     * Digest block (large11, round 11): a short scan, not tiny, against a snapshot above 128 MiB, with at least 8 MiB
     * in files of at most 512 KiB (which such a database's hash signatures make it hash), lets C2 compile the digest
     * loops; fewer such bytes, larger files, a smaller snapshot or an archive-heavy scan do not.
     */
    @Test
    void shortScansThatHashAgainstALargeSnapshotCompileTheDigestsWithC2() throws Exception {
        Path d = Files.createDirectories(dir.resolve("digest"));
        Path bigSnap = sparse(d.resolve("large.bsnap")), files = Files.createDirectories(d.resolve("files"));
        List<String> seventeen = new ArrayList<>(), fifteen = new ArrayList<>();
        for (int i = 0; i < 17; i++) {
            Path f = sized(files.resolve("f" + i + ".bin"), 512L << 10);
            seventeen.add(f.toString());
            if (i < 15) fifteen.add(f.toString());
        }
        Path many = Files.write(d.resolve("many.list"), seventeen), few = Files.write(d.resolve("few.list"), fifteen);
        Path nine = sized(d.resolve("nine.bin"), 9L << 20);
        Path large = Files.write(d.resolve("large.list"), List.of(nine.toString(), seventeen.get(0)));
        assertTrue(digestC2("scan", "--threads=1", "-d", bigSnap.toString(), "-f", many.toString()), "8.5 MiB in 17 listed files");
        assertTrue(digestC2("scan", "--json", "--database=" + bigSnap, "--file-list=" + many), "the same spelt otherwise");
        assertTrue(digestC2("scan", "-r", "-d", bigSnap.toString(), files.toString()), "a directory holding them");
        List<String> named = new ArrayList<>(List.of("scan", "-d", bigSnap.toString()));
        named.addAll(seventeen.subList(0, 16));
        assertTrue(digestC2(named.toArray(String[]::new)), "16 named files of 512 KiB: 8 MiB, not tiny");
        assertFalse(digestC2("scan", "-d", bigSnap.toString(), "-f", few.toString()), "7.5 MiB");
        assertFalse(digestC2("scan", "-d", bigSnap.toString(), "-f", large.toString()), "a 9 MiB file counts as no hashing");
        assertFalse(digestC2("scan", "-d", snapshot.toString(), "-f", many.toString()), "a small snapshot");
        assertFalse(digestC2("scan", "-d", bigSnap.toString(), small.toString()), "a tiny scan");
        assertTrue(tiny("scan", "-d", bigSnap.toString(), small.toString()), "stays tiny");
    }

    /** The launcher's options for the cheaper C2 of longer scans (bin/scan-jit.json). */
    private static boolean cheapC2(String... args) throws Exception {
        List<String> words = dryRun(LAUNCHER, Map.of(), args);
        boolean directives = words.contains("-XX:CompilerDirectivesFile=" + LAUNCHER.resolveSibling("scan-jit.json"))
                || words.contains("-XX:CompilerDirectivesFile=" + LAUNCHER.resolveSibling("scan-long-jit.json"))
                || words.contains("-XX:CompilerDirectivesFile=" + LAUNCHER.resolveSibling("daemon-jit.json"));
        // (yara block: `yara` has the same inlining limits with its own directives, see yaraPretenuresAndInlinesLess)
        if (!args[0].equals("yara")) {
            assertEquals(directives, words.contains("-XX:FreqInlineSize=100"), "directives and inlining limits go together");
        }
        return directives;
    }

    /**
     * yara block (round 7): yara's directives, big arrays straight to the old generation, less inlining, a small
     * young generation; not for scan.
     */
    @Test
    void yaraPretenuresAndInlinesLess() throws Exception {
        List<String> y = dryRun(LAUNCHER, Map.of(), "yara", "rules.yar", big.toString());
        assertTrue(y.contains("-XX:CompilerDirectivesFile=" + LAUNCHER.resolveSibling("yara-jit.json")), y.toString());
        assertTrue(y.containsAll(List.of("-XX:PretenureSizeThreshold=1m", "-XX:FreqInlineSize=100", "-XX:MaxInlineLevel=6",
                "-Xmn32m")), y.toString());
        List<String> s = dryRun(LAUNCHER, Map.of(), "scan", "-d", snapshot.toString(), big.toString());
        assertFalse(s.contains("-XX:PretenureSizeThreshold=1m"), s.toString());
    }

    /**
     * yara10 block (round 10): `yara` over one regular file up to 128 MiB runs C1 alone (C2's compilations of the
     * scanning code cost more than they save there); a directory, a list or a larger file keeps its directives.
     */
    @Test
    void yaraOverOneFileUpTo128MiBRunsC1Alone() throws Exception {
        assertTrue(c1("yara", "rules.yar", small.toString()));
        assertTrue(c1("yara", "-w", "-s", "-p", "1", "-d", "x=1", "ns:rules.yar", small.toString()));
        List<String> y = dryRun(LAUNCHER, Map.of(), "yara", "rules.yar", small.toString());
        assertFalse(y.contains("-XX:CompilerDirectivesFile=" + LAUNCHER.resolveSibling("yara-jit.json")), y.toString());
        assertTrue(y.containsAll(List.of("-XX:PretenureSizeThreshold=1m", "-Xmn32m")), y.toString());
        assertFalse(c1("yara", "rules.yar", big.toString()), "above 128 MiB");
        assertFalse(c1("yara", "rules.yar", dir.toString()), "a directory");
        assertFalse(c1("yara", "--scan-list", "rules.yar", small.toString()), "a list (its last argument is the list)");
        assertFalse(c1("yara", "rules.yar", dir.resolve("missing").toString()), "no such file");
    }

    @Test
    void longScansGetTheCheaperC2() throws Exception {
        assertTrue(cheapC2("scan", "-d", snapshot.toString(), big.toString()));
        assertTrue(cheapC2("scan", "--threads=1", "-d", snapshot.toString(), dir.toString()));
        assertFalse(cheapC2("scan", "-d", snapshot.toString(), small.toString()), "short: C1 alone");
        assertTrue(cheapC2("scan", "-d", textDb.toString(), small.toString()), "a large text database");
        assertFalse(cheapC2("yara", "rules.yar", big.toString()), "yara has its own directives");
        assertTrue(cheapC2("db", "compile", "-d", textDb.toString(), "-o", "x.bsnap"), "compiling loads like a scan");
        assertFalse(cheapC2("db", "info", snapshot.toString()));
        assertTrue(cheapC2("daemon", "--config", "clamd.conf"), "the daemon scans like a long scan");
    }

    /**
     * cpu7 (round 10): a long scan against a small or compiled database (the corpus block's condition) compiles only
     * the per-byte loops with C2 (bin/scan-long-jit.json); a large text database's load and db compile keep
     * bin/scan-jit.json, the daemon has its own per-byte list (daemon11: bin/daemon-jit.json), short scans have no
     * directives (C1 alone).
     */
    @Test
    void longScansCompileOnlyThePerByteLoopsWithC2() throws Exception {
        String longJit = "-XX:CompilerDirectivesFile=" + LAUNCHER.resolveSibling("scan-long-jit.json");
        String jit = "-XX:CompilerDirectivesFile=" + LAUNCHER.resolveSibling("scan-jit.json");
        assertTrue(dryRun(LAUNCHER, Map.of(), "scan", "-d", snapshot.toString(), big.toString()).contains(longJit));
        assertTrue(dryRun(LAUNCHER, Map.of(), "scan", "--threads=1", "-d", snapshot.toString(), dir.toString()).contains(longJit));
        List<String> large = dryRun(LAUNCHER, Map.of(), "scan", "-d", textDb.toString(), small.toString());
        assertTrue(large.contains(jit) && !large.contains(longJit), "a large text database: " + large);
        assertTrue(dryRun(LAUNCHER, Map.of(), "db", "compile", "-d", textDb.toString(), "-o", "x.bsnap").contains(jit));
        List<String> daemon = dryRun(LAUNCHER, Map.of(), "daemon", "--config", "clamd.conf");
        assertTrue(daemon.contains("-XX:CompilerDirectivesFile=" + LAUNCHER.resolveSibling("daemon-jit.json")), "daemon11: its own list");
        assertEquals(1, daemon.stream().filter(w -> w.startsWith("-XX:CompilerDirectivesFile=")).count(), daemon.toString());
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", snapshot.toString(), small.toString()).stream()
                .anyMatch(w -> w.startsWith("-XX:CompilerDirectivesFile=")), "short: C1 alone");
    }

    /** corpus (round 6): long scans compile later, except with a large text database (its load wants C2 early). */
    @Test
    void longScansCompileLaterUnlessALargeTextDatabaseLoads() throws Exception {
        String later = "-XX:CompileThresholdScaling=5";
        assertTrue(dryRun(LAUNCHER, Map.of(), "scan", "-d", snapshot.toString(), big.toString()).contains(later));
        assertTrue(dryRun(LAUNCHER, Map.of(), "scan", "--threads=1", "-d", snapshot.toString(), dir.toString()).contains(later));
        // cpu5 (round 8): the same long scans unroll loops less in C2
        assertTrue(dryRun(LAUNCHER, Map.of(), "scan", "--threads=1", "-d", snapshot.toString(), dir.toString())
                .contains("-XX:LoopUnrollLimit=10"));
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", textDb.toString(), small.toString()).contains("-XX:LoopUnrollLimit=10"));
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", snapshot.toString(), small.toString()).contains(later), "short: C1 alone");
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", textDb.toString(), small.toString()).contains(later), "a large text database");
        assertFalse(dryRun(LAUNCHER, Map.of(), "db", "compile", "-d", textDb.toString(), "-o", "x.bsnap").contains(later));
        assertFalse(dryRun(LAUNCHER, Map.of(), "daemon", "--config", "clamd.conf").contains(later));
    }

    /**
     * The daemon (and only it) compiles the JDK's SHA-256 loop early (its clean-file cache hashes every file), and
     * every method those CompileCommands name exists in this JDK: a misspelt one would silently match nothing.
     */
    @Test
    void daemonCompilesTheDigestLoopEarly() throws Exception {
        String prefix = "-XX:CompileCommand=CompileThresholdScaling,";
        List<String> scaled = dryRun(LAUNCHER, Map.of(), "daemon", "--config", "clamd.conf").stream()
                .filter(w -> w.startsWith(prefix)).toList();
        assertTrue(scaled.stream().anyMatch(w -> w.contains("DigestBase::implCompressMultiBlock0")), scaled.toString());
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", snapshot.toString(), big.toString()).stream()
                .anyMatch(w -> w.startsWith(prefix)), "a scan hashes only what its database needs");
        for (String w : scaled) {
            String[] cm = w.substring(prefix.length()).split(",")[0].split("::");
            if (cm[0].endsWith("*")) { // daemon16: a class prefix, any method: some class must match it
                assertEquals("*", cm[1], w);
                assertFalse(engineClasses(cm[0].substring(0, cm[0].length() - 1)).isEmpty(), w);
                continue;
            }
            boolean found = cm[1].equals("*"); // a class's every method: the class must exist (forName)
            for (var m : Class.forName(cm[0]).getDeclaredMethods()) found |= m.getName().equals(cm[1]);
            assertTrue(found, w);
        }
    }

    /** Names of the engine's classes that start with {@code prefix} (a package and the start of a class name). */
    private static List<String> engineClasses(String prefix) throws Exception {
        Path where = Path.of(dev.bulwark.engine.Engine.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        String path = prefix.replace('.', '/');
        List<String> names = new java.util.ArrayList<>();
        if (Files.isDirectory(where)) {
            try (var s = Files.walk(where)) {
                s.map(f -> where.relativize(f).toString().replace(java.io.File.separatorChar, '/'))
                        .filter(n -> n.startsWith(path) && n.endsWith(".class")).forEach(names::add);
            }
        } else {
            try (var jar = new java.util.jar.JarFile(where.toFile())) {
                jar.stream().map(java.util.jar.JarEntry::getName).filter(n -> n.startsWith(path) && n.endsWith(".class")).forEach(names::add);
            }
        }
        return names;
    }

    /**
     * daemon16 (round 15): the C1-only per-byte code of the daemon (HTML/JavaScript normalisers, the mail parser) gets
     * its thresholds scaled by 0.1, so that it leaves C1's profiled tier 3 for tier 1 ten times sooner; the classes the
     * directives give C2 are not among them (scaling would bring their C2 compilations forward), and a scan has none.
     */
    @Test
    void daemonLeavesProfiledC1CodeSoonerForItsC1OnlyLoops() throws Exception {
        String prefix = "-XX:CompileCommand=CompileThresholdScaling,";
        List<String> scaled = dryRun(LAUNCHER, Map.of(), "daemon", "--config", "clamd.conf").stream()
                .filter(w -> w.startsWith(prefix) && w.contains("dev.bulwark.")).toList();
        assertEquals(List.of("dev.bulwark.engine.normalize.Html*::*", "dev.bulwark.engine.normalize.Js*::*",
                "dev.bulwark.engine.normalize.ByteSink::*", "dev.bulwark.engine.formats.mime.*::*"),
                scaled.stream().map(w -> w.substring(prefix.length(), w.lastIndexOf(','))).toList());
        for (String w : scaled) assertTrue(w.endsWith(",0.1"), w);
        assertTrue(engineClasses("dev.bulwark.engine.normalize.Html").contains("dev/bulwark/engine/normalize/HtmlMachine.class"));
        assertTrue(engineClasses("dev.bulwark.engine.formats.mime.").contains("dev/bulwark/engine/formats/mime/MailParser.class"));
        // none of them is a class daemon-jit.json compiles with C2 (TextNormalizer, the kernel, the type probes)
        for (String c2 : List.of("dev/bulwark/engine/normalize/TextNormalizer.class", "dev/bulwark/engine/formats/docio/Text.class",
                "dev/bulwark/engine/filetype/MailMarkers.class")) {
            for (String w : scaled) {
                String pat = w.substring(prefix.length(), w.indexOf("::")).replace('.', '/');
                assertFalse(c2.startsWith(pat.substring(0, pat.length() - 1)), w + " matches " + c2);
            }
        }
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", snapshot.toString(), big.toString()).stream()
                .anyMatch(w -> w.startsWith(prefix) && w.contains("dev.bulwark.")), "a scan keeps its own thresholds");
    }

    /**
     * daemon10: the daemon (and only it) waits for the compilations of engine methods instead of interpreting them
     * meanwhile; the pattern names the engine's package (a misspelt one would silently match nothing), and a scan
     * keeps every compilation in the background.
     */
    @Test
    void daemonWaitsForEngineCompilations() throws Exception {
        String prefix = "-XX:CompileCommand=BackgroundCompilation,";
        List<String> waits = dryRun(LAUNCHER, Map.of(), "daemon", "--config", "clamd.conf").stream()
                .filter(w -> w.startsWith(prefix)).toList();
        assertEquals(List.of(prefix + "dev.bulwark.engine.*::*,false"), waits);
        assertEquals("dev.bulwark.engine", Class.forName("dev.bulwark.engine.Engine").getPackageName());
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", snapshot.toString(), big.toString()).stream()
                .anyMatch(w -> w.startsWith(prefix)), "a scan compiles in the background");
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", snapshot.toString(), small.toString()).stream()
                .anyMatch(w -> w.startsWith(prefix)), "a short scan too");
    }

    /**
     * Every directives file in bin/ is accepted by this JVM (a malformed one stops it from starting), and every
     * class a directive names without a wildcard exists: a misspelt name would silently match nothing.
     */
    @Test
    void compilerDirectivesAreValidAndNameRealClasses() throws Exception {
        List<Path> files;
        try (var s = Files.list(LAUNCHER.getParent())) {
            files = s.filter(f -> f.getFileName().toString().endsWith(".json")).sorted().toList();
        }
        assertTrue(files.stream().anyMatch(f -> f.endsWith("scan-jit.json")), files.toString());
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        for (Path f : files) {
            Process p = new ProcessBuilder(java, "-XX:+UnlockDiagnosticVMOptions", "-XX:CompilerDirectivesFile=" + f, "-version")
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), f.toString());
            assertEquals(0, p.exitValue(), f + ": " + out);
            var m = Pattern.compile("\"((?:dev/bulwark|sun/security)/[^\"*]+)\\.[^\"./]+\"").matcher(Files.readString(f));
            int named = 0;
            while (m.find()) {
                String cls = m.group(1).replace('/', '.');
                Class.forName(cls, false, LauncherTest.class.getClassLoader()); // throws when it does not exist
                named++;
            }
            assertTrue(named > 0, f + " names no class");
        }
    }

    /**
     * html15 (round 13): the daemon leaves the HTML and JavaScript normalisers to C1 (a fresh daemon's first MULTISCAN
     * 1.27 -> 1.17 CPU-s, C2 0.22 -> 0.14; the pass after RELOAD not slower). Directives match first rule first, so
     * the exclusion must come before the normalize package's C2 rule; TextNormalizer keeps C2.
     */
    @Test
    void daemonLeavesTheHtmlNormaliserToC1() throws Exception {
        String json = Files.readString(LAUNCHER.resolveSibling("daemon-jit.json"));
        int html = json.indexOf("\"dev/bulwark/engine/normalize/Html*.*\""), pkg = json.indexOf("\"dev/bulwark/engine/normalize/*.*\"");
        assertTrue(html >= 0 && pkg > html, json);
        String rule = json.substring(html, json.indexOf('}', html));
        assertTrue(rule.contains("Exclude: true") && rule.contains("normalize/Js*.*"), rule);
        assertFalse(rule.contains("TextNormalizer"), rule);
    }

    /** A scan loading a text database above 128 MiB, and the daemon, get a small young generation; other runs keep the default. */
    @Test
    void largeTextDatabaseScansGetASmallYoungGeneration() throws Exception {
        String young = "-Xmn32m";
        assertTrue(dryRun(LAUNCHER, Map.of(), "scan", "-d", textDb.toString(), small.toString()).contains(young));
        assertTrue(dryRun(LAUNCHER, Map.of(), "scan", "--database=" + textDb, small.toString()).contains(young));
        assertTrue(dryRun(LAUNCHER, Map.of(), "scan", "-d" + textDb, small.toString()).contains(young));
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", snapshot.toString(), small.toString()).contains(young));
        Path smallDb = Files.createDirectories(dir.resolve("smalldb"));
        Files.writeString(smallDb.resolve("a.hdb"), "44d88612fea8a8f36de82e1278abb02f:68:Eicar\n");
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", smallDb.toString(), small.toString()).contains(young));
        // yara has it from its own block (round 7), once: the text-database estimate is for scan only
        assertEquals(1, java.util.Collections.frequency(dryRun(LAUNCHER, Map.of(), "yara", "-d", textDb.toString(), small.toString()),
                young), "scan only");
        assertTrue(dryRun(LAUNCHER, Map.of(), "daemon", "--config", "clamd.conf").contains(young), "and the daemon");
    }

    /**
     * Text load, round 6: a scan with a text database above 16 MiB (below the large one's 128) gets the small
     * young generation too, and stays a short scan (C1) for a few files; a 1 MiB database gets neither.
     */
    @Test
    void mediumTextDatabaseScansGetASmallYoungGeneration() throws Exception {
        String young = "-Xmn32m";
        Path medium = Files.createDirectories(dir.resolve("mediumdb")), under = Files.createDirectories(dir.resolve("underdb"));
        try (RandomAccessFile f = new RandomAccessFile(medium.resolve("a.hdb").toFile(), "rw")) {
            f.setLength(17L << 20);
        }
        try (RandomAccessFile f = new RandomAccessFile(under.resolve("a.hdb").toFile(), "rw")) {
            f.setLength(1L << 20);
        }
        List<String> words = dryRun(LAUNCHER, Map.of(), "scan", "-d", medium.toString(), small.toString());
        assertTrue(words.contains(young), words.toString());
        assertTrue(words.contains(C1), "still a short scan");
        assertEquals(1, words.stream().filter(young::equals).count(), "given once");
        assertTrue(dryRun(LAUNCHER, Map.of(), "scan", "--database=" + medium, small.toString()).contains(young));
        assertTrue(dryRun(LAUNCHER, Map.of(), "scan", "-d", under.toString(), "-d" + medium, small.toString()).contains(young));
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", under.toString(), small.toString()).contains(young));
        assertFalse(dryRun(LAUNCHER, Map.of(), "db", "compile", "-d", medium.toString(), "-o", "x.bsnap").contains(young), "scan only");
        assertEquals(1, dryRun(LAUNCHER, Map.of(), "scan", "-d", textDb.toString(), small.toString()).stream()
                .filter(young::equals).count(), "a large database: once");
        // textload3 (round 9): native reflection accessors for the medium and large text loads, once, scan only
        String at = "-Djdk.reflect.useNativeAccessorOnly=true";
        assertEquals(1, words.stream().filter(at::equals).count(), words.toString());
        assertEquals(1, dryRun(LAUNCHER, Map.of(), "scan", "-d", textDb.toString(), small.toString()).stream()
                .filter(at::equals).count(), "a large database: once");
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", under.toString(), small.toString()).contains(at));
        assertFalse(dryRun(LAUNCHER, Map.of(), "scan", "-d", snapshot.toString(), small.toString()).contains(at));
    }

    /**
     * large10 (round 10): a snapshot above 16 MiB is mapped (SnapshotReader.READ_MAX), so a scan from it gets the
     * native reflection accessors too, once, whichever way the database is named; a smaller snapshot and `db
     * compile` do not. (A list keeps these off the tiny fast path, which leaves the option out.)
     */
    @Test
    void scansFromAMappedSnapshotGetNativeAccessors() throws Exception {
        String at = "-Djdk.reflect.useNativeAccessorOnly=true";
        Path large = dir.resolve("large.bsnap");
        try (RandomAccessFile f = new RandomAccessFile(large.toFile(), "rw")) {
            f.setLength(17L << 20);
        }
        assertEquals(1, options("-d", large.toString(), "-f", list.toString()).stream().filter(at::equals).count());
        assertEquals(1, options("--database=" + large, "-f", list.toString()).stream().filter(at::equals).count());
        assertEquals(1, options("-d", snapshot.toString(), "-d" + large, "-f", list.toString()).stream().filter(at::equals).count());
        assertTrue(options("-d", large.toString(), "-f", list.toString()).contains(C1), "still a short scan");
        assertFalse(options("-d", snapshot.toString(), "-f", list.toString()).contains(at), "a 16-byte snapshot is read, not mapped");
        assertFalse(dryRun(LAUNCHER, Map.of(), "db", "compile", "-d", textDb.toString(), "-o", large.toString()).contains(at), "scan only");
    }

    /** The JVM options the launcher picks for {@code scan args} (its dry run without the arguments). */
    private static List<String> options(String... args) throws Exception {
        List<String> scan = new ArrayList<>(List.of("scan"));
        Collections.addAll(scan, args);
        List<String> words = dryRun(LAUNCHER, Map.of(), scan.toArray(String[]::new));
        assertEquals(scan, words.subList(words.size() - scan.size(), words.size()), "arguments passed on unchanged");
        return words.subList(0, words.size() - scan.size());
    }

    /**
     * Every estimate reads a scan's databases as clamscan's option parser (and ClamscanOptions) does: a valued
     * option takes the next argument whatever it looks like. clamscan 1.4 with `-l -dX` logs to a file named
     * "-dX" and loads no X; with `--log -d X` or `--exclude -d X` it takes "-d" as the value and scans X. So each
     * such command line gets the options of the same line with a plain value there; the large and medium text
     * database checks once read X as a database in them (and gave -Xmn32m, the large one also no
     * CompileThresholdScaling) while the short-scan estimate did not.
     */
    @Test
    void aValuedOptionTakesTheNextArgumentAsClamscanDoes() throws Exception {
        String young = "-Xmn32m";
        Path medium = Files.createDirectories(dir.resolve("valueddb"));
        sized(medium.resolve("a.hdb"), 17L << 20);
        String f = small.toString(), text = textDb.toString(), mid = medium.toString(), other = dir.resolve("x").toString();
        assertTrue(options("-l", "log", "-d" + text, f).contains(young), "a database after the log file's name");
        assertTrue(options("-l", "log", "-d" + mid, f).contains(young), "the same for a medium one");
        assertEquals(options("-l", other, f), options("-l", "-d" + text, f), "-l -dX: a log file named -dX");
        assertEquals(options("-l", other, f), options("-l", "-d" + mid, f));
        assertEquals(options("--log", other, text, f), options("--log", "-d", text, f), "--log -d X: X is scanned");
        assertEquals(options("--exclude", other, text, f), options("--exclude", "-d", text, f));
        assertEquals(options("--exclude", other, mid, f), options("--exclude", "-d", mid, f));
        assertEquals(options("--move", other, f), options("--move", "-d" + mid, f));
        // (cli10) a deprecated valued option (accepted and ignored) takes its value the same way
        assertEquals(options("--timelimit", other, text, f), options("--timelimit", "-d", text, f));
        assertEquals(options("--cache-size", other, text, f), options("--cache-size", "-d", text, f));
        assertEquals(options("-f", other, f), options("-f", "-d" + text, f), "a file list named -dX");
        // and the forms that name a database read as before
        for (List<String> form : List.of(List.of("-d", text, f), List.of("-d" + text, f), List.of("--database=" + text, f),
                List.of("--database", text, f), List.of(f, "-d", text), List.of("-d", mid, f), List.of("-d" + mid, f))) {
            assertTrue(options(form.toArray(String[]::new)).contains(young), form.toString());
        }
        assertFalse(options("--", "-d" + text, f).contains(young), "after --: a file to scan");
    }

    /**
     * (tidy9) Bundled single-letter options are read as clamscan 1.4.6's getopt reads them (checked by running it):
     * flags bundle (-ri), and the first valued letter (d, f, l) takes the rest of the argument or else the next one
     * (-rd X, -rdX); a letter after it is part of the value (-dr X loads a database named "r" and scans X). Each
     * bundle gets the options of the same command with the letters spelled apart.
     */
    @Test
    void bundledShortOptionsAreReadAsClamscanReadsThem() throws Exception {
        Path medium = Files.createDirectories(dir.resolve("bundleddb"));
        sized(medium.resolve("a.hdb"), 17L << 20);
        String f = small.toString(), text = textDb.toString(), mid = medium.toString(), snap = snapshot.toString();
        assertTrue(options("-rd", text, f).contains("-Xmn32m"), "-rd X: X is the database");
        assertEquals(options("-r", "-d", text, f), options("-rd", text, f));
        assertEquals(options("-r", "-d" + text, f), options("-rd" + text, f));
        assertEquals(options("-i", "-r", "-d", mid, f), options("-ird", mid, f));
        assertEquals(options("-d", "r", text, f), options("-dr", text, f), "-dr X: a database named r, X scanned");
        assertEquals(options("-r", "-l", text, f), options("-rl", text, f), "-rl X: a log file named X");
        assertEquals(options("-r", "-f", list.toString(), "-d", snap), options("-rf", list.toString(), "-d", snap));
        assertTrue(c1("scan", "-rd", snap, f), "a short scan against the snapshot");
        assertTrue(tiny("scan", "-vrd", snap, f), "and a tiny one");
    }

    @Test
    void aPipeGivenAsFileListIsNotRead() throws Exception {
        Path fifo = dir.resolve("list.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo not available");
        // reading the pipe would block (no writer) and the dry run would time out
        assertFalse(c1("scan", "-d", snapshot.toString(), "-f", fifo.toString()));
    }
}
