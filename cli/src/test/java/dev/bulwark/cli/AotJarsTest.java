package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (startup15) The record of the jars the tiny AOT cache was made from, checked by the java command the launcher's fast
 * path starts instead of by a stat fork: it must catch what the launcher's stamp catches, including a jar rewritten in
 * place with its old size and modification time put back (JDK 25.0.3 itself checks nothing of the class path), and a
 * stale record must make the run start again through the launcher's general path with the same arguments.
 */
class AotJarsTest {
    private static Path tree(Path home) throws Exception {
        Path target = Files.createDirectories(home.resolve("cli/target/lib"));
        Files.writeString(home.resolve("cli/target/bulwark-cli.jar"), "cli jar");
        Files.writeString(target.resolve("a.jar"), "first dependency");
        Files.writeString(target.resolve("b.jar"), "second dependency");
        Files.writeString(target.resolve(".hidden.jar"), "not on the launcher's glob");
        Files.writeString(target.resolve("notes.txt"), "not a jar");
        return home.resolve("cli/target");
    }

    @Test
    void aJarRewrittenInPlaceWithItsOldSizeAndTimeIsStale(@TempDir Path home) throws Exception {
        Path target = tree(home);
        Path record = target.resolve("bulwark-tiny.aot.jars");
        assertTrue(AotJars.stale(record), "no record");
        AotJars.write(record, target);
        List<String> lines = Files.readAllLines(record);
        assertEquals(3, lines.size(), lines.toString());
        assertTrue(lines.get(0).endsWith(" " + target.resolve("bulwark-cli.jar")), lines.toString());
        assertTrue(lines.get(1).endsWith("/lib/a.jar") && lines.get(2).endsWith("/lib/b.jar"), lines.toString());
        assertFalse(AotJars.stale(record), "the jars it was made from");

        Path b = target.resolve("lib/b.jar");
        FileTime old = Files.getLastModifiedTime(b);
        Thread.sleep(20); // the change time moves with the kernel's clock tick
        Files.writeString(b, "second dependencY"); // same size, in place (same inode)
        Files.setLastModifiedTime(b, old);
        assertEquals(old, Files.getLastModifiedTime(b));
        assertTrue(AotJars.stale(record), "a jar rewritten in place, its size and modification time as before");
        AotJars.write(record, target);
        assertFalse(AotJars.stale(record), "a new record");

        Files.writeString(target.resolve("lib/c.jar"), "a jar the Class-Path does not name");
        assertFalse(AotJars.stale(record), "a jar added later is not on the cache's class path");
        Files.delete(target.resolve("lib/a.jar"));
        assertTrue(AotJars.stale(record), "a jar gone");
        Files.writeString(record, "");
        assertTrue(AotJars.stale(record), "an empty record");
        Files.writeString(record, "x " + target.resolve("bulwark-cli.jar") + "\n");
        assertTrue(AotJars.stale(record), "a damaged record");
    }

    /**
     * Main with -Dbulwark.aotJars: a stale record runs HOME/bin/bulwark (here a script that reports what it got) with
     * BULWARK_FAST_PATH=off and the same arguments and exits with its code; a fresh one runs the command itself.
     */
    @Test
    void aStaleRecordRunsTheCommandAgainThroughTheGeneralPath(@TempDir Path home) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) && Files.isDirectory(Path.of("/proc/self")));
        Path target = tree(home);
        Path record = target.resolve("bulwark-tiny.aot.jars");
        Path report = home.resolve("report.txt");
        Path launcher = Files.writeString(Files.createDirectories(home.resolve("bin")).resolve("bulwark"), """
                #!/bin/bash
                { echo "fast=$BULWARK_FAST_PATH"; printf '%%s\\n' "$@"; } > '%s'
                exit 7
                """.formatted(report));
        assertTrue(launcher.toFile().setExecutable(true));
        String[] args = {"--help", "two words", "caf\u00e9", ""};

        AotJars.write(record, target);
        Process p = main(record, args);
        assertEquals(0, p.exitValue(), "a fresh record: the command runs here");
        assertTrue(new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).contains("usage: bulwark"));
        assertFalse(Files.exists(report), "and the launcher is not run");

        Files.writeString(record, "1 " + target.resolve("bulwark-cli.jar") + "\n");
        p = main(record, args);
        assertEquals(7, p.exitValue(), "the launcher's exit code");
        assertEquals("", new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8), "nothing of its own");
        assertEquals(List.of("fast=off", "--help", "two words", "caf\u00e9", ""), Files.readAllLines(report, StandardCharsets.UTF_8));
    }

    /**
     * (review18) SIGTERM to the java command the fast path started (what timeout(1) sends: to that process alone) while
     * the re-run it started goes on ends the re-run too: it must not keep scanning and writing after the exit status
     * the caller saw.
     */
    @Test
    void aSignalToTheFirstRunEndsTheReRun(@TempDir Path home) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/bin/bash")) && Files.isDirectory(Path.of("/proc/self")));
        Path target = tree(home);
        Path record = Files.writeString(target.resolve("bulwark-tiny.aot.jars"), "1 " + target.resolve("bulwark-cli.jar") + "\n");
        Path pidFile = home.resolve("pid.txt");
        Path launcher = Files.writeString(Files.createDirectories(home.resolve("bin")).resolve("bulwark"), """
                #!/bin/bash
                echo $$ > '%s.tmp' && mv '%s.tmp' '%s'
                exec sleep 600
                """.formatted(pidFile, pidFile, pidFile));
        assertTrue(launcher.toFile().setExecutable(true));
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dbulwark.aotJars=" + record, "-cp", System.getProperty("java.class.path"), Main.class.getName(), "--help"));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(home.resolve("out.txt").toFile());
        pb.environment().remove("BULWARK_FAST_PATH");
        Process p = pb.start();
        ProcessHandle child = null;
        try {
            for (int i = 0; i < 600 && !Files.exists(pidFile); i++) Thread.sleep(100);
            child = ProcessHandle.of(Long.parseLong(Files.readString(pidFile).trim())).orElseThrow();
            assertTrue(child.isAlive(), "the re-run is running");
            p.destroy(); // SIGTERM to the first run only
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            assertTrue(child.onExit().get(20, TimeUnit.SECONDS) != null && !child.isAlive(), "the re-run ended with it");
        } finally {
            p.destroyForcibly();
            if (child != null) child.destroyForcibly();
        }
    }

    private static Process main(Path record, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dbulwark.aotJars=" + record, "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("BULWARK_FAST_PATH");
        pb.environment().put("LC_ALL", "C.UTF-8");
        Process p = pb.start();
        p.getOutputStream().close();
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        return p;
    }
}
