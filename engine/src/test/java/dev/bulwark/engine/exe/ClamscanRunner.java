package dev.bulwark.engine.exe;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/** Runs the real clamscan and returns, per scanned path, the set of detection names it printed. */
final class ClamscanRunner {
    private ClamscanRunner() {}

    static final Path CLAMSCAN = Path.of("/usr/bin/clamscan");

    static boolean available() {
        return Files.isExecutable(CLAMSCAN);
    }

    /** Runs {@code clamscan --debug} on one file and returns its debug lines (stderr and stdout merged). */
    static List<String> debug(Path db, Path file, String... extra) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(CLAMSCAN.toString(), "--debug", "--max-recursion=1", "-d", db.toString()));
        cmd.addAll(List.of(extra));
        cmd.add(file.toString());
        Path out = Files.createTempFile("clamscan-debug", ".txt");
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            if (!p.waitFor(2, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("clamscan did not finish: " + cmd);
            }
            return Files.readAllLines(out, StandardCharsets.ISO_8859_1);
        } finally {
            Files.deleteIfExists(out);
        }
    }

    /**
     * A database that makes clamscan compute (and print under --debug) import hashes and section hashes
     * without matching anything.
     */
    static Path debugDb(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("d.imp"), "00000000000000000000000000000000:1:DummyImp\n");
        Files.writeString(dir.resolve("d.mdb"), "1:00000000000000000000000000000000:DummyMdb\n");
        return dir;
    }

    /**
     * Scans {@code files} with only the databases in {@code db}, in all-match mode and without descending into
     * children (so only the top layer's headers decide), plus {@code extra} options.
     */
    static Map<String, Set<String>> scan(Path db, List<Path> files, List<String> extra, Path work)
            throws IOException, InterruptedException {
        Path list = work.resolve("filelist-" + System.nanoTime() + ".txt");
        List<String> names = new ArrayList<>();
        for (Path f : files) names.add(f.toAbsolutePath().toString());
        Files.write(list, names, StandardCharsets.UTF_8);
        List<String> cmd = new ArrayList<>(List.of(CLAMSCAN.toString(), "--no-summary", "--allmatch",
                "--max-recursion=1", "-d", db.toString(), "--file-list=" + list));
        cmd.addAll(extra);
        Path out = work.resolve("clamscan-" + System.nanoTime() + ".out");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
        if (!p.waitFor(10, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new IllegalStateException("clamscan did not finish: " + cmd);
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        if (p.exitValue() > 1) {
            String last = lines.isEmpty() ? "" : lines.get(lines.size() - 1);
            String next = "?";
            for (int i = 0; i < names.size(); i++) {
                if (last.startsWith(names.get(i) + ": ")) next = i + 1 < names.size() ? names.get(i + 1) : "(end)";
            }
            throw new IllegalStateException("clamscan exit " + p.exitValue() + "; last line '"
                    + (last.length() > 300 ? last.substring(0, 300) : last) + "'; probably crashed on " + next);
        }
        Map<String, Set<String>> result = new HashMap<>();
        for (String line : lines) {
            int sep = line.lastIndexOf(": ");
            if (sep < 0) continue;
            String path = line.substring(0, sep), verdict = line.substring(sep + 2);
            Set<String> set = result.computeIfAbsent(path, k -> new TreeSet<>());
            if (verdict.endsWith(" FOUND")) {
                set.add(verdict.substring(0, verdict.length() - 6).replace(".UNOFFICIAL", ""));
            } else if (!verdict.equals("OK") && !verdict.equals("Empty file")) {
                set.add("ERROR(" + verdict + ")");
            }
        }
        return result;
    }
}
