package dev.bulwark.cli;

import java.io.FileInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * (startup15, round 14) The jars the tiny AOT cache was made from, checked inside the JVM instead of by a
 * {@code stat} fork in {@code bin/bulwark}'s fast path (~1.4 ms of a ~40 ms one-file scan).
 *
 * <p>JDK 25.0.3 does not check the application class path of an AOT cache at all (JDK-8377932: the cache
 * records no used class-path entry, so neither the jars' names nor their sizes or modification times are
 * compared): a cache made from other jars is used silently and its classes run instead of the jars'. So the
 * launcher's stamp (each jar's size, modification and change time) is the only guard. The tiny training writes
 * the same facts as this JVM sees them ({@link #record}, {@code bulwark-tiny.aot.jars}); a run started by the
 * fast path with {@code -Dbulwark.aotJars=FILE} compares them before anything else, and when any jar differs
 * (also one rewritten in place with its old size and modification time put back: its change time moved) it runs
 * the command again through the launcher's general path ({@code BULWARK_FAST_PATH=off}: the stamp check, a new
 * training in the background, this run without the cache), with the original argument bytes.
 */
final class AotJars {
    /** The system property naming the record the running cache was made with. */
    static final String PROPERTY = "bulwark.aotJars";
    /** The system property under which the tiny training writes the record. */
    static final String OUT_PROPERTY = "bulwark.aotJars.out";

    private AotJars() {}

    /**
     * The jars of the class path in TARGET (bulwark-cli.jar and lib/*.jar, the launcher's glob: no hidden names), one
     * line each: its change time in nanoseconds, its path. The change time alone: every write, truncation, rename
     * onto the name or change of the modification time moves it (the stamp's size and modification time add nothing),
     * and a user cannot set it back. The jars named here are the ones that matter: the JVM loads only those the CLI
     * jar's Class-Path names, and a different Class-Path is a different CLI jar.
     */
    static String record(Path target) throws IOException {
        StringBuilder sb = new StringBuilder(1024);
        line(sb, target.resolve("bulwark-cli.jar"));
        Path lib = target.resolve("lib");
        String[] names = lib.toFile().list();
        if (names != null) {
            Arrays.sort(names);
            for (String n : names) {
                if (n.endsWith(".jar") && !n.startsWith(".")) line(sb, lib.resolve(n));
            }
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, Path p) throws IOException {
        sb.append(ctime(p)).append(' ').append(p).append('\n');
    }

    private static long ctime(Path p) throws IOException {
        return ((FileTime) Files.getAttribute(p, "unix:ctime")).to(TimeUnit.NANOSECONDS);
    }

    /**
     * True when the record file is missing, unreadable or empty, or a jar it names is gone or has another change
     * time. (It reads the names from the record rather than listing lib/ again: half the cost in the interpreter.)
     */
    static boolean stale(Path recordFile) {
        try {
            byte[] had;
            // java.io, not Files.readAllBytes: NIO's channels (IOUtil and its native library) cost ~1 ms to set up,
            // and nothing else on the one-file path uses them (startup12)
            try (FileInputStream in = new FileInputStream(recordFile.toString())) {
                had = in.readAllBytes();
            }
            String s = new String(had, StandardCharsets.UTF_8);
            int i = 0;
            while (i < s.length()) {
                int sp = s.indexOf(' ', i), nl = s.indexOf('\n', i);
                if (sp < 0 || nl < sp) return true;
                if (ctime(Path.of(s.substring(sp + 1, nl))) != Long.parseLong(s, i, sp, 10)) return true;
                i = nl + 1;
            }
            return i == 0;
        } catch (IOException | RuntimeException e) {
            return true;
        }
    }

    /** Writes the record of the jars in TARGET to {@code out} (the tiny training, before it loads anything else). */
    static void write(Path out, Path target) throws IOException {
        Files.write(out, record(target).getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Runs {@code TARGET/../../bin/bulwark} with this process's arguments on the general path and returns its exit
     * code. The arguments are taken as bytes from /proc/self/cmdline (main's are its last {@code argc} entries) by
     * a bash that reads its parent's, so a name not valid in the locale's encoding reaches the new run unchanged.
     */
    static int rerun(Path recordFile, int argc) {
        Path launcher = recordFile.toAbsolutePath().getParent().getParent().getParent().resolve("bin").resolve("bulwark");
        // bash from PATH running the launcher itself ("$BASH" FILE): also where there is no /bin/bash (NixOS, the BSDs,
        // where users run `bash bin/bulwark`)
        ProcessBuilder pb = new ProcessBuilder("bash", "-c",
                "mapfile -d '' -t a < /proc/$PPID/cmdline || exit 2; [ \"$1\" -gt 0 ] || exec \"$BASH\" \"$0\"; "
                        + "exec \"$BASH\" \"$0\" \"${a[@]: -$1}\"",
                launcher.toString(), Integer.toString(argc)).inheritIO();
        pb.environment().put("BULWARK_FAST_PATH", "off");
        // (review18) a signal that ends this JVM (SIGTERM from timeout(1) or a service manager, SIGHUP) ends the run
        // it started too, rather than leaving it to go on writing after this process's exit status was taken. The hook
        // is in place before the run starts: registered after it, a signal in between (a loaded machine, CI) left the
        // run going
        java.util.concurrent.atomic.AtomicReference<Process> started = new java.util.concurrent.atomic.AtomicReference<>();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Process c = started.get();
            if (c != null) c.destroy();
        }));
        try {
            Process child = pb.start();
            started.set(child);
            return child.waitFor();
        } catch (IOException | InterruptedException e) {
            System.err.println("bulwark: cannot run " + launcher + ": " + e.getMessage());
            return 2;
        }
    }
}
