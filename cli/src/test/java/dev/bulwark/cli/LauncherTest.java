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
    private static final String TINY = "-XX:CompileThresholdScaling=6";
    /** Just above the launcher's SHORT_BYTES and TEXT_DB_MAX (128 MiB); sparse, so free to create. */
    private static final long ABOVE_LIMIT = 129L * 1024 * 1024;
    private static final Path LAUNCHER = Path.of("..", "bin", "bulwark").toAbsolutePath().normalize();

    /**
     * Runs the launcher once with BULWARK_AOT=sync over the fake jars in home (not jars: the training fails) and
     * returns the file where the failed training recorded their stamp. The JDK is env's BULWARK_JAVA, or else the
     * one the launcher finds from env (an inherited BULWARK_JAVA is dropped).
     */
    private static Path failedTraining(Path home, Path launcher, Map<String, String> env) throws Exception {
        ProcessBuilder train = new ProcessBuilder("bash", launcher.toString(), "--help").redirectErrorStream(true);
        train.environment().putAll(env);
        train.environment().put("BULWARK_AOT", "sync");
        train.environment().remove("BULWARK_DRY_RUN");
        if (!env.containsKey("BULWARK_JAVA")) train.environment().remove("BULWARK_JAVA");
        Process t = train.start();
        t.getInputStream().readAllBytes();
        assertTrue(t.waitFor(120, TimeUnit.SECONDS));
        Path failed = home.resolve("cli/target/bulwark.aot.failed");
        assertTrue(Files.size(failed) > 0, "the failed training left its stamp");
        return failed;
    }

    /** Copies the launcher and the parts it sources (bin/lib) into the directory bin; returns the copy. */
    private static Path copyLauncher(Path bin) throws IOException {
        Path lib = Files.createDirectories(bin.resolve("lib"));
        try (var parts = Files.list(LAUNCHER.resolveSibling("lib"))) {
            for (Path p : (Iterable<Path>) parts::iterator) Files.copy(p, lib.resolve(p.getFileName()), StandardCopyOption.COPY_ATTRIBUTES);
        }
        return Files.copy(LAUNCHER, bin.resolve("bulwark"), StandardCopyOption.COPY_ATTRIBUTES);
    }

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
        pb.environment().remove("BULWARK_JAVA");
        pb.environment().remove("BULWARK_FAST_PATH");
        pb.environment().putAll(env);
        pb.environment().values().removeIf(String::isEmpty); // "" unsets a variable
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
        // an empty database path reaches the JVM, which reports it (the estimate once failed on it in bash)
        assertTrue(c1("scan", "-d", "", small.toString()));
    }

    /**
     * The launcher starts the JVM with {@code -cp bulwark-cli.jar MAIN} (round 6: the JDK launcher then opens no
     * jar before main): MAIN must be the Main-Class the jar's manifest names (cli/pom.xml), right after the jar.
     */
    @Test
    void theJvmStartsTheJarsMainClass() throws Exception {
        var m = Pattern.compile("<mainClass>([^<]+)</mainClass>").matcher(Files.readString(Path.of("pom.xml")));
        assertTrue(m.find(), "cli/pom.xml names the jar's Main-Class");
        String[] args = {"scan", "-d", snapshot.toString(), small.toString()};
        for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("BULWARK_AOT", "auto"))) {
            List<String> words = dryRun(LAUNCHER, env, args);
            int cp = words.indexOf("-cp");
            assertTrue(cp > 0, words.toString());
            assertEquals(LAUNCHER.getParent().resolveSibling("cli/target/bulwark-cli.jar"), Path.of(words.get(cp + 1)).normalize());
            assertEquals(m.group(1), words.get(cp + 2));
            assertEquals(cp + 3, words.size() - args.length, "the arguments follow the main class");
            assertFalse(words.contains("-jar"));
        }
        assertEquals(m.group(1), Main.class.getName(), "and it is this class");
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
        assertFalse(tiny("scan", "--json", "-d", snapshot.toString(), small.toString()), "--json: its classes are not in the tiny cache");
        assertFalse(tiny("scan", "--json=yes", "-d", snapshot.toString(), small.toString()), "the same with a value");
        assertTrue(c1("scan", "--json", "-d", snapshot.toString(), small.toString()), "but still short");
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

    private static Path sized(Path p, long size) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(p.toFile(), "rw")) {
            f.setLength(size);
        }
        return p;
    }

    /** The launcher's options for the cheaper C2 of longer scans (bin/scan-jit.json). */
    private static boolean cheapC2(String... args) throws Exception {
        List<String> words = dryRun(LAUNCHER, Map.of(), args);
        boolean directives = words.contains("-XX:CompilerDirectivesFile=" + LAUNCHER.resolveSibling("scan-jit.json"));
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
            boolean found = false;
            for (var m : Class.forName(cm[0]).getDeclaredMethods()) found |= m.getName().equals(cm[1]);
            assertTrue(found, w);
        }
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
        Path launcher = copyLauncher(bin);
        Path target = Files.createDirectories(home.resolve("cli/target/lib"));
        Files.writeString(home.resolve("cli/target/bulwark-cli.jar"), "not a jar");
        Path lib = Files.writeString(target.resolve("dep.jar"), "not a jar either");
        Path aot = home.resolve("cli/target/bulwark.aot");
        Map<String, String> env = Map.of("BULWARK_AOT", "auto", "BULWARK_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());

        // a training run with these jars fails (they are not jars) and records their stamp
        Path failed = failedTraining(home, launcher, env);
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

    /**
     * The daemon block (round 7): `bulwark daemon` starts from its own AOT cache (bulwark-daemon.aot, trained by
     * DaemonTraining) once one made from exactly these jars exists, from the main cache until then, and never from
     * a daemon cache of other jars; no other command uses it. A dry run never trains.
     */
    @Test
    void daemonStartsFromItsOwnCache(@TempDir Path home) throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25");
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path launcher = copyLauncher(bin);
        Files.createDirectories(home.resolve("cli/target/lib"));
        Files.writeString(home.resolve("cli/target/bulwark-cli.jar"), "not a jar");
        Map<String, String> env = Map.of("BULWARK_AOT", "auto", "BULWARK_JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        Path failed = failedTraining(home, launcher, env); // the stamp of these jars
        Path aot = home.resolve("cli/target/bulwark.aot");
        Files.write(aot, new byte[] {1});
        Files.copy(failed, home.resolve("cli/target/bulwark.aot.stamp"));
        String[] daemon = {"daemon", "--config", "clamd.conf"};
        assertEquals(aot, cache(dryRun(launcher, env, daemon)), "no daemon cache yet: the main one");
        Path daemonAot = home.resolve("cli/target/bulwark-daemon.aot");
        Files.write(daemonAot, new byte[] {1});
        Files.writeString(home.resolve("cli/target/bulwark-daemon.aot.stamp"), "another build");
        assertEquals(aot, cache(dryRun(launcher, env, daemon)), "a daemon cache from other jars is not used");
        Files.copy(failed, home.resolve("cli/target/bulwark-daemon.aot.stamp"), StandardCopyOption.REPLACE_EXISTING);
        assertEquals(daemonAot, cache(dryRun(launcher, env, daemon)), "the daemon starts from its own cache");
        assertEquals(aot, cache(dryRun(launcher, env, "--help")), "other commands from the main one");
        assertEquals(aot, cache(dryRun(launcher, env, "scan", "-d", snapshot.toString(), small.toString(), small.toString())),
                "and scans");
        assertEquals(aot, cache(dryRun(launcher, env, "db", "info", snapshot.toString())), "and db");
        Files.delete(home.resolve("cli/target/bulwark.aot.stamp"));
        assertEquals(null, cache(dryRun(launcher, env, daemon)), "a stale main cache: no cache at all (both are retrained)");
        assertFalse(Files.exists(home.resolve("cli/target/bulwark-daemon.aot.failed")), "a dry run trains nothing");
    }

    /** What the launcher's tiny-scan fast path prints (on standard error) when it decides a dry run. */
    private static final String FAST = "bulwark: fast path (dry run)";

    /**
     * The tiny-scan fast path at the top of bin/bulwark (round 6) decides the commands it recognises exactly as
     * the general path does: for each command line, the dry run with the fast path equals the dry run with it
     * turned off (BULWARK_FAST_PATH=off), apart from its marker line, and the marker shows which path decided.
     * It is taken only with both caches made from these jars and this JDK ($JAVA_HOME, no BULWARK_JAVA), and
     * never after a jar was rewritten (same size, old modification time put back).
     */
    @Test
    void fastPathDecidesAsTheGeneralPath(@TempDir Path home) throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25");
        Path javaHome = Path.of(System.getProperty("java.home"));
        assumeTrue(!Files.isSymbolicLink(javaHome.resolve("bin/java")) && Files.isRegularFile(javaHome.resolve("release")),
                "the fast path needs $JAVA_HOME/bin/java as a file and the JDK's release file");
        Path bin = Files.createDirectories(home.resolve("bin"));
        Path launcher = copyLauncher(bin);
        Path target = Files.createDirectories(home.resolve("cli/target/lib"));
        Files.writeString(home.resolve("cli/target/bulwark-cli.jar"), "not a jar");
        Path lib = Files.writeString(target.resolve("dep.jar"), "not a jar either");
        Map<String, String> env = Map.of("BULWARK_AOT", "auto", "JAVA_HOME", javaHome.toString());
        Map<String, String> general = Map.of("BULWARK_AOT", "auto", "JAVA_HOME", javaHome.toString(), "BULWARK_FAST_PATH", "off");

        // the stamp of these jars and this JDK, as a (failing) training writes it; both caches made from them
        Path failed = failedTraining(home, launcher, env);
        Path aot = home.resolve("cli/target/bulwark.aot"), tinyAot = home.resolve("cli/target/bulwark-tiny.aot");
        Path tinyStamp = home.resolve("cli/target/bulwark-tiny.aot.stamp");
        Files.write(aot, new byte[] {1});
        Files.write(tinyAot, new byte[] {1});
        Files.copy(failed, home.resolve("cli/target/bulwark.aot.stamp"));
        Files.copy(failed, tinyStamp);

        Path k = Files.write(dir.resolve("k65-fast.bin"), new byte[65 * 1024]);
        List<String> seventeen = new ArrayList<>(List.of("scan", "-d", snapshot.toString()));
        for (int i = 0; i < 17; i++) seventeen.add(small.toString());
        String snap = snapshot.toString(), f = small.toString();
        String[][] fast = {
            {"scan", "-d", snap, f},
            {"scan", "--no-summary", "--infected", "-d", snap, f},
            {"scan", "--database=" + snap, f, f},
            {"scan", "-ri", "-d" + snap, f},
        };
        String[][] notFast = {
            {"scan", "--json", "-d", snap, f},
            {"scan", "-d", textDb.toString(), f},
            {"scan", "-d", snap, k.toString()},
            {"scan", "-d", snap, dir.toString()},
            {"scan", "-d", snap, "-f", list.toString()},
            {"scan", "-d", snap, "-"},
            {"scan", f},
            {"scan", "--exclude", big.toString(), "-d", snap, f},
            {"scan", "-d", snap, dir.resolve("missing.txt").toString()},
            seventeen.toArray(String[]::new),
            {"yara", "rules.yar", f},
        };
        for (String[] args : fast) {
            List<String> words = dryRun(launcher, env, args);
            assertTrue(words.contains(FAST), "fast path: " + List.of(args));
            assertEquals(dryRun(launcher, general, args), words.subList(1, words.size()), List.of(args).toString());
            assertEquals(tinyAot, cache(words), "the tiny cache");
        }
        for (String[] args : notFast) {
            List<String> words = dryRun(launcher, env, args);
            assertFalse(words.contains(FAST), "general path: " + List.of(args));
            assertEquals(dryRun(launcher, general, args), words, List.of(args).toString());
        }
        String[] tinyScan = fast[1];
        Map<String, String> other = Map.of("BULWARK_AOT", "auto", "JAVA_HOME", javaHome.toString(),
                "BULWARK_JAVA", javaHome.resolve("bin/java").toString());
        assertFalse(dryRun(launcher, other, tinyScan).contains(FAST), "BULWARK_JAVA: the general path finds the JDK");
        assertFalse(dryRun(launcher, Map.of("BULWARK_AOT", "off", "JAVA_HOME", javaHome.toString()), tinyScan).contains(FAST));
        // without JAVA_HOME both paths take the usual Temurin 25 binary first: fast only when the caches name it
        Map<String, String> noHome = Map.of("BULWARK_AOT", "auto", "JAVA_HOME", "");
        boolean temurin = javaHome.resolve("bin/java").equals(Path.of("/usr/lib/jvm/temurin-25-jdk-amd64/bin/java"));
        List<String> unset = dryRun(launcher, noHome, tinyScan);
        assertEquals(temurin, unset.contains(FAST), "no JAVA_HOME: " + unset);
        assertEquals(dryRun(launcher, Map.of("BULWARK_AOT", "auto", "JAVA_HOME", "", "BULWARK_FAST_PATH", "off"), tinyScan),
                unset.subList(temurin ? 1 : 0, unset.size()));
        Path notJava = Files.createDirectories(home.resolve("jdk/bin"));
        Files.writeString(home.resolve("jdk/release"), "JAVA_VERSION=\"25\"\n");
        Map<String, String> badHome = Map.of("BULWARK_AOT", "auto", "JAVA_HOME", notJava.getParent().toString());
        assertFalse(dryRun(launcher, badHome, tinyScan).contains(FAST), "a JAVA_HOME without bin/java: the general path");

        Files.writeString(tinyStamp, "another build");
        List<String> words = dryRun(launcher, env, tinyScan);
        assertFalse(words.contains(FAST), "a tiny cache from other jars: the general path");
        assertEquals(aot, cache(words), "which starts from the main cache");
        Files.copy(failed, tinyStamp, StandardCopyOption.REPLACE_EXISTING);
        assertTrue(dryRun(launcher, env, tinyScan).contains(FAST), "fresh again");

        FileTime old = Files.getLastModifiedTime(lib);
        Files.writeString(lib, "not a jar eithe!"); // same size, old modification time restored
        Files.setLastModifiedTime(lib, old);
        words = dryRun(launcher, env, tinyScan);
        assertFalse(words.contains(FAST), "a jar rewritten since the caches were made: the general path");
        assertEquals(null, cache(words), "which uses no cache");
    }
}
