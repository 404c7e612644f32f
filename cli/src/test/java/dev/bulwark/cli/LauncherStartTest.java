package dev.bulwark.cli;

import static dev.bulwark.cli.LauncherFixture.LAUNCHER;
import static dev.bulwark.cli.LauncherFixture.cache;
import static dev.bulwark.cli.LauncherFixture.copyLauncher;
import static dev.bulwark.cli.LauncherFixture.dryRun;
import static dev.bulwark.cli.LauncherFixture.failedTraining;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How {@code bin/bulwark} starts the JVM, through its dry run: the jar's main class, an AOT cache used only when
 * it was made from exactly the jars on the class path (the main, tiny and daemon caches), and the tiny-scan fast
 * path deciding as the general path does. The JIT and heap choices by workload: {@link LauncherTest}.
 */
class LauncherStartTest {
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

    /**
     * (startup14) The launcher is run by its interpreter line, {@code #!/bin/bash}, not through {@code env} (an exec
     * that cost every run ~0.9 ms of CPU): run directly, as users run it, it gives the same java command line as
     * {@code bash bin/bulwark} on the fast path and on the general path, and exits like it on a bad option.
     */
    @Test
    void theLauncherRunsByItsInterpreterLineWithoutEnv() throws Exception {
        assertTrue(Files.readString(LAUNCHER).startsWith("#!/bin/bash\n"), "no env hop");
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) && Files.isExecutable(LAUNCHER));
        for (String[] args : List.of(new String[] {"scan", "--no-summary", "-d", snapshot.toString(), small.toString()},
                                     new String[] {"scan", "-d", snapshot.toString(), dir.toString()},
                                     new String[] {"scan", "-d", snapshot.toString(), "two words", small.toString()})) {
            for (Map<String, String> env : List.of(Map.<String, String>of(), Map.of("BULWARK_FAST_PATH", "off"))) {
                ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(LAUNCHER.toString())));
                pb.command().addAll(List.of(args));
                pb.redirectErrorStream(true);
                pb.environment().put("BULWARK_DRY_RUN", "1");
                pb.environment().put("BULWARK_AOT", "off");
                pb.environment().remove("BULWARK_JAVA_OPTS");
                pb.environment().remove("BULWARK_JAVA");
                pb.environment().remove("BULWARK_FAST_PATH");
                pb.environment().putAll(env);
                Process p = pb.start();
                p.getOutputStream().close();
                assertTrue(p.waitFor(60, TimeUnit.SECONDS));
                List<String> direct = new String(p.getInputStream().readAllBytes()).lines().toList();
                assertEquals(0, p.exitValue(), direct.toString());
                assertEquals(dryRun(LAUNCHER, env, args), direct, List.of(args) + " " + env);
            }
        }
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

        // (large11) the digest block's scan (a snapshot above 128 MiB, 8.5 MiB of small files) starts from the cache
        // trained with C1 alone, when it was made from these jars
        Files.copy(LAUNCHER.resolveSibling("scan-digest-jit.json"), bin.resolve("scan-digest-jit.json"));
        Path bigSnap = LauncherFixture.sparse(home.resolve("large.bsnap"));
        List<String> files = new ArrayList<>();
        for (int i = 0; i < 17; i++) files.add(LauncherFixture.sized(home.resolve("f" + i + ".bin"), 512L << 10).toString());
        String[] digestScan = {"scan", "-d", bigSnap.toString(), "-f", Files.write(home.resolve("digest.list"), files).toString()};
        assertTrue(dryRun(launcher, env, digestScan).contains("-XX:CompilerDirectivesFile=" + bin.resolve("scan-digest-jit.json")),
                "the digest block");
        assertTrue(aot.equals(cache(dryRun(launcher, env, digestScan))), "no short cache: the main one");
        Path shortAot = home.resolve("cli/target/bulwark-short.aot");
        Files.write(shortAot, new byte[] {1});
        Files.writeString(home.resolve("cli/target/bulwark-short.aot.stamp"), "another build");
        assertTrue(aot.equals(cache(dryRun(launcher, env, digestScan))), "a short cache from other jars is not used");
        Files.copy(failed, home.resolve("cli/target/bulwark-short.aot.stamp"), StandardCopyOption.REPLACE_EXISTING);
        assertTrue(shortAot.equals(cache(dryRun(launcher, env, digestScan))), "the digest block's scan starts from the short cache");
        assertTrue(aot.equals(cache(dryRun(launcher, env, "scan", "-d", snapshot.toString(), "-f", list.toString()))),
                "another short scan from the main one");

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
            {"scan", "-rd", snap, f}, // (tidy9) a bundle ending in a valued letter goes to the general path
            {"scan", "-rd" + textDb, "-d", snap, f}, // a text database in a bundle: not tiny
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

    /**
     * (startup15) With the record of the jars the tiny training writes (bulwark-tiny.aot.jars), the fast path runs no
     * stat: the java command checks the jars itself (-Dbulwark.aotJars, {@link AotJars}) and bash reads the files'
     * sizes. Shown with a PATH that holds no stat at all: the fast path still decides, as the general path does apart
     * from that one option. A file of more than TINY_BYTES, also one of NULs (which bash's read skips), is not tiny;
     * a small binary with many NULs is measured by stat as before (no option); the caches' stamps must still name
     * this JDK and this spelling of the jar.
     */
    @Test
    void fastPathLeavesTheJarsToTheJvmWithoutAStatFork(@TempDir Path home) throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25");
        Path javaHome = Path.of(System.getProperty("java.home"));
        assumeTrue(!Files.isSymbolicLink(javaHome.resolve("bin/java")) && Files.isRegularFile(javaHome.resolve("release")),
                "the fast path needs $JAVA_HOME/bin/java as a file and the JDK's release file");
        Path launcher = copyLauncher(Files.createDirectories(home.resolve("bin")));
        Files.createDirectories(home.resolve("cli/target/lib"));
        Files.writeString(home.resolve("cli/target/bulwark-cli.jar"), "not a jar");
        Files.writeString(home.resolve("cli/target/lib/dep.jar"), "not a jar either");
        Map<String, String> env = Map.of("BULWARK_AOT", "auto", "JAVA_HOME", javaHome.toString());
        Map<String, String> general = Map.of("BULWARK_AOT", "auto", "JAVA_HOME", javaHome.toString(), "BULWARK_FAST_PATH", "off");
        Map<String, String> noStat = Map.of("BULWARK_AOT", "auto", "JAVA_HOME", javaHome.toString(), "PATH", home.resolve("empty").toString());
        Path failed = failedTraining(home, launcher, env);
        Path target = home.resolve("cli/target");
        Path tinyAot = target.resolve("bulwark-tiny.aot"), tinyStamp = target.resolve("bulwark-tiny.aot.stamp");
        Files.write(target.resolve("bulwark.aot"), new byte[] {1});
        Files.write(tinyAot, new byte[] {1});
        Files.copy(failed, target.resolve("bulwark.aot.stamp"));
        Files.copy(failed, tinyStamp);
        Files.writeString(target.resolve("bulwark-tiny.aot.jars"), "1 " + target.resolve("bulwark-cli.jar") + "\n");
        String check = "-Dbulwark.aotJars=" + target.resolve("bulwark-tiny.aot.jars");

        String snap = snapshot.toString();
        Path text60 = Files.writeString(home.resolve("t60.txt"), "a line of text\n".repeat(60 * 1024 / 15));
        Path text65 = Files.writeString(home.resolve("t65.txt"), "a line of text\n".repeat(65 * 1024 / 15 + 1));
        Path zeros = Files.write(home.resolve("zeros.bin"), new byte[65 * 1024]);
        Path sparse = LauncherFixture.sized(home.resolve("sparse.bin"), 64L << 20);
        byte[] bin = new byte[200];
        for (int i = 0; i < bin.length; i += 2) bin[i] = 'x';
        Path binary = Files.write(home.resolve("small.bin"), bin);
        for (String[] args : List.of(new String[] {"scan", "-d", snap, small.toString()},
                                     new String[] {"scan", "--no-summary", "-d", snap, small.toString(), text60.toString()})) {
            List<String> words = dryRun(launcher, noStat, args);
            assertTrue(words.contains(FAST), "fast path without stat: " + words);
            assertTrue(words.contains(check), "the jars are checked by the JVM: " + words);
            assertEquals(tinyAot, cache(words), "the tiny cache");
            List<String> rest = new ArrayList<>(words.subList(1, words.size()));
            rest.remove(check);
            assertEquals(dryRun(launcher, general, args), rest, List.of(args).toString());
        }
        for (Path big : List.of(text65, zeros, sparse)) {
            String[] args = {"scan", "-d", snap, big.toString()};
            List<String> words = dryRun(launcher, env, args);
            assertFalse(words.contains(FAST), "over TINY_BYTES: " + big);
            assertEquals(dryRun(launcher, general, args), words, big.toString());
        }
        List<String> words = dryRun(launcher, env, "scan", "-d", snap, binary.toString());
        assertTrue(words.contains(FAST) && !words.contains(check), "a binary is measured by stat, the jars with it: " + words);
        assertFalse(dryRun(launcher, noStat, "scan", "-d", snap, binary.toString()).contains(FAST), "which needs stat");

        Files.writeString(tinyStamp, Files.readString(failed).replace("bulwark-cli.jar", "./bulwark-cli.jar"));
        Files.copy(tinyStamp, target.resolve("bulwark.aot.stamp"), StandardCopyOption.REPLACE_EXISTING);
        assertFalse(dryRun(launcher, noStat, "scan", "-d", snap, small.toString()).contains(FAST), "another spelling of the jar");
        Files.writeString(tinyStamp, Files.readString(failed).replace("JAVA_VERSION", "JAVA_VERSION_X"));
        Files.copy(tinyStamp, target.resolve("bulwark.aot.stamp"), StandardCopyOption.REPLACE_EXISTING);
        assertFalse(dryRun(launcher, noStat, "scan", "-d", snap, small.toString()).contains(FAST), "another JDK");
        Files.copy(failed, tinyStamp, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(failed, target.resolve("bulwark.aot.stamp"), StandardCopyOption.REPLACE_EXISTING);
        assertTrue(dryRun(launcher, noStat, "scan", "-d", snap, small.toString()).contains(FAST), "fresh again");
        Files.delete(target.resolve("bulwark-tiny.aot.jars"));
        assertFalse(dryRun(launcher, noStat, "scan", "-d", snap, small.toString()).contains(FAST), "no record: stat decides");
    }

    /**
     * (review18) A training that fails after the jars changed must not leave the tiny cache's record of the old jars
     * behind: the caches' stamps stay (a failed training keeps the old cache and stamp), so with the record the fast
     * path would start the java command on every run, which finds the record stale and runs the command a second time
     * through the general path (two JVM starts per scan, for as long as the failure is remembered). Without the record
     * the fast path's stat sees the stale stamp and goes to the general path at once, as before startup15.
     */
    @Test
    void failedTrainingDropsTheTinyRecord(@TempDir Path home) throws Exception {
        assumeTrue(Runtime.version().feature() >= 25, "the AOT cache needs JDK 25");
        Path javaHome = Path.of(System.getProperty("java.home"));
        assumeTrue(!Files.isSymbolicLink(javaHome.resolve("bin/java")) && Files.isRegularFile(javaHome.resolve("release")),
                "the fast path needs $JAVA_HOME/bin/java as a file and the JDK's release file");
        Path launcher = copyLauncher(Files.createDirectories(home.resolve("bin")));
        Path target = Files.createDirectories(home.resolve("cli/target/lib"));
        Path cli = Files.writeString(home.resolve("cli/target/bulwark-cli.jar"), "not a jar");
        Files.writeString(target.resolve("dep.jar"), "not a jar either");
        target = home.resolve("cli/target");
        Map<String, String> env = Map.of("BULWARK_AOT", "auto", "JAVA_HOME", javaHome.toString());
        Path failed = failedTraining(home, launcher, env);
        String old = Files.readString(failed);
        // caches, stamps and record as a successful training with these jars leaves them
        Files.write(target.resolve("bulwark.aot"), new byte[] {1});
        Files.write(target.resolve("bulwark-tiny.aot"), new byte[] {1});
        Files.writeString(target.resolve("bulwark.aot.stamp"), old);
        Files.writeString(target.resolve("bulwark-tiny.aot.stamp"), old);
        Path record = target.resolve("bulwark-tiny.aot.jars");
        Files.writeString(record, AotJars.record(target));
        Files.delete(failed);
        String[] args = {"scan", "-d", snapshot.toString(), small.toString()};
        assertTrue(dryRun(launcher, env, args).contains(FAST), "fresh: the fast path");

        Thread.sleep(20);
        Files.writeString(cli, "another build, not a jar");  // the jars change; their training fails too
        failedTraining(home, launcher, env);
        assertEquals(old, Files.readString(target.resolve("bulwark-tiny.aot.stamp")), "the failed training kept the old stamp");
        assertTrue(AotJars.stale(record) || !Files.exists(record), "the record is stale if kept");
        assertFalse(Files.exists(record), "the failed training dropped the stale record");
        assertFalse(dryRun(launcher, env, args).contains(FAST), "the stale stamp sends the scan to the general path");
    }

    /**
     * (startup12) The tiny cache is trained without training data (-XX:-AOTRecordTraining): tiny runs skip the profiles
     * (-XX:-AOTReplayTraining), so recording them only made the cache larger to map and relocate at every start. The
     * main cache keeps them. A fake JDK (a script logging its command lines) stands in for the trainings.
     */
    @Test
    void tinyCacheIsTrainedWithoutProfiles(@TempDir Path home) throws Exception {
        Path launcher = copyLauncher(Files.createDirectories(home.resolve("bin")));
        Path log = home.resolve("java.log");
        Path java = fakeJdk(home, """
                #!/bin/sh
                echo "$*" >> '%s'
                for a in "$@"; do case "$a" in -XX:AOTCacheOutput=*) printf x > "${a#-XX:AOTCacheOutput=}" ;; esac; done
                for a in "$@"; do case "$a" in -Dbulwark.aotJars.out=*) printf 'record' > "${a#-Dbulwark.aotJars.out=}" ;; esac; done
                exit 0
                """.formatted(log));
        ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "--help").redirectErrorStream(true);
        pb.environment().put("BULWARK_AOT", "sync");
        pb.environment().put("BULWARK_JAVA", java.toString());
        pb.environment().remove("BULWARK_DRY_RUN");
        pb.environment().remove("BULWARK_JAVA_OPTS");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        List<String> runs = Files.readAllLines(log);
        List<String> main = runs.stream().filter(r -> r.contains("AotTraining") && r.contains("/bulwark.aot.")).toList();
        List<String> tiny = runs.stream().filter(r -> r.contains("AotTraining --tiny")).toList();
        assertEquals(1, main.size(), runs.toString());
        assertEquals(1, tiny.size(), runs.toString());
        assertTrue(tiny.get(0).contains("-XX:-AOTRecordTraining"), tiny.get(0));
        assertFalse(main.get(0).contains("-XX:-AOTRecordTraining"), "the main cache keeps its profiles: " + main.get(0));
        assertTrue(Files.size(home.resolve("cli/target/bulwark-tiny.aot")) > 0, "the tiny cache was written");
        // (startup15) and the record of its jars, which the fast path's java command checks (AotJars)
        assertTrue(tiny.get(0).contains("-Dbulwark.aotJars.out="), tiny.get(0));
        assertFalse(main.get(0).contains("-Dbulwark.aotJars.out="), main.get(0));
        assertEquals("record", Files.readString(home.resolve("cli/target/bulwark-tiny.aot.jars")), "moved into place");
    }

    /**
     * (review17) The bash-4 guard's re-exec marker (BULWARK_REEXEC_BASH) is not left in the environment of java: else
     * everything java starts inherits it, and a launcher run from there under an old /bin/bash takes it for its own
     * failed re-exec and refuses to start ("needs bash 4") instead of re-running under a newer bash. Here the variable
     * is set as a re-exec sets it, and a fake JDK (a script) reports what it was given.
     */
    @Test
    void theReexecMarkerIsNotPassedToJava(@TempDir Path home) throws Exception {
        Path launcher = copyLauncher(Files.createDirectories(home.resolve("bin")));
        Path java = fakeJdk(home, """
                #!/bin/sh
                echo "marker=${BULWARK_REEXEC_BASH-unset}"
                exit 0
                """);
        ProcessBuilder pb = new ProcessBuilder("bash", launcher.toString(), "--help").redirectErrorStream(true);
        pb.environment().put("BULWARK_AOT", "off");
        pb.environment().put("BULWARK_JAVA", java.toString());
        pb.environment().put("BULWARK_REEXEC_BASH", "1");
        pb.environment().remove("BULWARK_DRY_RUN");
        pb.environment().remove("BULWARK_JAVA_OPTS");
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("marker=unset"), out);
    }

    /** A build tree under {@code home} (a placeholder jar) and a fake JDK 25 whose {@code java} is {@code script}. */
    private static Path fakeJdk(Path home, String script) throws Exception {
        Files.createDirectories(home.resolve("cli/target/lib"));
        Files.writeString(home.resolve("cli/target/bulwark-cli.jar"), "not a jar");
        Path jdk = Files.createDirectories(home.resolve("jdk/bin"));
        Files.writeString(home.resolve("jdk/release"), "JAVA_VERSION=\"25\"\n");
        Path java = Files.writeString(jdk.resolve("java"), script);
        assertTrue(java.toFile().setExecutable(true));
        return java;
    }
}
