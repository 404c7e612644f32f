package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
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
 * {@code bin/bulwark}'s choices, through its dry run ({@code BULWARK_DRY_RUN=1} prints the java command line
 * instead of running it): which scans count as short (C1 alone, {@code -XX:TieredStopAtLevel=1}), that the
 * estimate never consumes a pipe given as a file list, which scans get the cheaper C2 of bin/scan-jit.json (and
 * that the directives files are valid), and that an AOT cache is used only when it was made
 * from exactly the jars on the class path.
 */
class LauncherTest {
    private static final String C1 = "-XX:TieredStopAtLevel=1";
    /** The tiny-workload flag (a few small files against a snapshot). */
    private static final String TINY = "-XX:CompileThresholdScaling=3";
    /** Just above the launcher's SHORT_BYTES and TEXT_DB_MAX (128 MiB); sparse, so free to create. */
    private static final long ABOVE_LIMIT = 129L * 1024 * 1024;
    private static final Path LAUNCHER = Path.of("..", "bin", "bulwark").toAbsolutePath().normalize();

    @TempDir
    static Path dir;
    static Path small, big, snapshot, textDb, list;

    @BeforeAll
    static void files() throws IOException {
        small = Files.writeString(dir.resolve("small.txt"), "hello\n");
        big = sparse(dir.resolve("big.bin"));
        snapshot = Files.write(dir.resolve("db.bsnap"), new byte[16]);
        textDb = Files.createDirectories(dir.resolve("textdb"));
        sparse(textDb.resolve("huge.hdb"));
        list = Files.write(dir.resolve("three.list"), List.of(small.toString(), small.toString(), small.toString()));
    }

    private static Path sparse(Path p) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(ABOVE_LIMIT);
        }
        return p;
    }

    /** The launcher's java command line for {@code args}, one word per element. */
    private static List<String> dryRun(Path launcher, Map<String, String> env, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("bash", launcher.toString()));
        Collections.addAll(cmd, args);
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectInput(ProcessBuilder.Redirect.PIPE);
        pb.environment().put("BULWARK_DRY_RUN", "1");
        pb.environment().put("BULWARK_AOT", "off");
        pb.environment().remove("BULWARK_JAVA_OPTS");
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "launcher did not finish: " + cmd);
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), out);
        return out.lines().toList();
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
    }

    /** The AOT cache a command line uses (the launcher does not canonicalise its own directory), or null. */
    private static Path cache(List<String> words) {
        for (String w : words) if (w.startsWith("-XX:AOTCache=")) return Path.of(w.substring("-XX:AOTCache=".length())).normalize();
        return null;
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
    }

    @Test
    void longScansKeepC2() throws Exception {
        assertFalse(c1("scan", "-d", snapshot.toString(), big.toString()), "one file above 128 MiB");
        assertFalse(c1("scan", "-d", snapshot.toString(), dir.toString()), "a directory holding more than 128 MiB");
        assertFalse(c1("scan", "-d", textDb.toString(), small.toString()), "a text database above 128 MiB");
        assertFalse(c1("scan", "--database=" + textDb, small.toString()), "the same with --database=");
        assertFalse(c1("scan", "-d", snapshot.toString(), "-"), "standard input: size unknown");
        assertFalse(c1("yara", "rules.yar", small.toString()), "only scan is estimated");
        Path many = dir.resolve("many.list");
        Files.write(many, Collections.nCopies(5001, small.toString()));
        assertFalse(c1("scan", "-d", snapshot.toString(), "-f", many.toString()), "more than 5,000 files");
        Path dirs = Files.write(dir.resolve("dirs.list"), List.of(textDb.toString()));
        assertFalse(c1("scan", "-d", snapshot.toString(), "-f", dirs.toString()), "a directory inside a list");
    }

    /** The launcher's options for the cheaper C2 of longer scans (bin/scan-jit.json). */
    private static boolean cheapC2(String... args) throws Exception {
        List<String> words = dryRun(LAUNCHER, Map.of(), args);
        boolean directives = words.contains("-XX:CompilerDirectivesFile=" + LAUNCHER.resolveSibling("scan-jit.json"));
        assertEquals(directives, words.contains("-XX:FreqInlineSize=100"), "directives and inlining limits go together");
        return directives;
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
            var m = Pattern.compile("\"(dev/bulwark/[^\"*]+)\\.[^\"./]+\"").matcher(Files.readString(f));
            int named = 0;
            while (m.find()) {
                String cls = m.group(1).replace('/', '.');
                Class.forName(cls, false, LauncherTest.class.getClassLoader()); // throws when it does not exist
                named++;
            }
            assertTrue(named > 0, f + " names no class");
        }
    }

    /** A scan loading a text database above 128 MiB gets a small young generation; other runs keep the default. */
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
        assertFalse(dryRun(LAUNCHER, Map.of(), "yara", "-d", textDb.toString(), small.toString()).contains(young), "scan only");
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
    }

    @Test
    void aPipeGivenAsFileListIsNotRead() throws Exception {
        Path fifo = dir.resolve("list.fifo");
        Process mk = new ProcessBuilder("mkfifo", fifo.toString()).start();
        assumeTrue(mk.waitFor(10, TimeUnit.SECONDS) && mk.exitValue() == 0, "mkfifo not available");
        // reading the pipe would block (no writer) and the dry run would time out
        assertFalse(c1("scan", "-d", snapshot.toString(), "-f", fifo.toString()));
    }

    /**
     * A copy of the launcher next to fake jars: a cache counts only when its stamp (written by a training
     * run, here one that fails and leaves the stamp in bulwark.aot.failed) matches the jars exactly, also
     * after a jar is rewritten with its old modification time put back.
     */
    @Test
    void aotCacheOnlyWithTheJarsItWasMadeFrom(@TempDir Path home) throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25");
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path launcher = Files.copy(LAUNCHER, bin.resolve("bulwark"), StandardCopyOption.COPY_ATTRIBUTES);
        Path target = Files.createDirectories(home.resolve("cli/target/lib"));
        Files.writeString(home.resolve("cli/target/bulwark-cli.jar"), "not a jar");
        Path lib = Files.writeString(target.resolve("dep.jar"), "not a jar either");
        Path aot = home.resolve("cli/target/bulwark.aot");
        Map<String, String> env = Map.of("BULWARK_AOT", "auto", "BULWARK_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());

        // a training run with these jars fails (they are not jars) and records their stamp
        ProcessBuilder train = new ProcessBuilder("bash", launcher.toString(), "--help").redirectErrorStream(true);
        train.environment().putAll(env);
        train.environment().put("BULWARK_AOT", "sync");
        train.environment().remove("BULWARK_DRY_RUN");
        Process t = train.start();
        t.getInputStream().readAllBytes();
        assertTrue(t.waitFor(120, TimeUnit.SECONDS));
        Path failed = home.resolve("cli/target/bulwark.aot.failed");
        assertTrue(Files.size(failed) > 0, "the failed training left its stamp");
        assertFalse(dryRun(launcher, env, "--help").stream().anyMatch(w -> w.startsWith("-XX:AOTCache")), "no cache yet");

        Files.write(aot, new byte[] {1});
        Files.copy(failed, home.resolve("cli/target/bulwark.aot.stamp"));
        assertTrue(aot.equals(cache(dryRun(launcher, env, "--help"))), "a cache made from these jars is used");
        String[] tinyScan = {"scan", "-d", snapshot.toString(), small.toString()};
        assertTrue(aot.equals(cache(dryRun(launcher, env, tinyScan))), "no tiny cache: the main one");
        Path tinyAot = home.resolve("cli/target/bulwark-tiny.aot");
        Files.write(tinyAot, new byte[] {1});
        Files.writeString(home.resolve("cli/target/bulwark-tiny.aot.stamp"), "another build");
        assertTrue(aot.equals(cache(dryRun(launcher, env, tinyScan))), "a tiny cache from other jars is not used");
        Files.copy(failed, home.resolve("cli/target/bulwark-tiny.aot.stamp"), StandardCopyOption.REPLACE_EXISTING);
        assertTrue(tinyAot.equals(cache(dryRun(launcher, env, tinyScan))), "a tiny scan starts from the tiny cache");
        assertTrue(aot.equals(cache(dryRun(launcher, env, "--help"))), "anything else from the main one");

        FileTime old = Files.getLastModifiedTime(lib);
        Files.writeString(lib, "not a jar eithe!"); // same size, old modification time restored
        Files.setLastModifiedTime(lib, old);
        assertFalse(dryRun(launcher, env, "--help").stream().anyMatch(w -> w.startsWith("-XX:AOTCache")),
                "a jar rewritten since the cache was made: not used");
        assertFalse(dryRun(launcher, env, tinyScan).stream().anyMatch(w -> w.startsWith("-XX:AOTCache")),
                "nor the tiny cache");
    }
}
