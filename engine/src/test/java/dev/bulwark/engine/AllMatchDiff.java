package dev.bulwark.engine;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;

/**
 * The detections of {@code clamscan --allmatch} and of our engine on the files of one directory, as
 * file name → signature names (without {@code .UNOFFICIAL}), for differential tests.
 */
public final class AllMatchDiff {
    private AllMatchDiff() {}

    /** clamscan's verdicts: every file it printed, with an empty set for OK. */
    public static Map<String, Set<String>> clamscan(Path db, Path dir) throws Exception {
        Process p = new ProcessBuilder("clamscan", "--allmatch", "--no-summary", "-d", db.toString(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(120, TimeUnit.SECONDS);
        Map<String, Set<String>> m = new TreeMap<>();
        for (String line : out.split("\n")) {
            int c = line.lastIndexOf(": ");
            if (c < 0) continue;
            String file = Path.of(line.substring(0, c)).getFileName().toString(), verdict = line.substring(c + 2);
            Set<String> names = m.computeIfAbsent(file, k -> new TreeSet<>());
            if (verdict.endsWith(" FOUND")) names.add(verdict.substring(0, verdict.length() - 6).replace(".UNOFFICIAL", ""));
        }
        return m;
    }

    /** Our verdicts for the named files of {@code dir}, all-match mode, database {@code db}. */
    public static Map<String, Set<String>> bulwark(Path db, Path dir, Collection<String> files) throws Exception {
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        Map<String, Set<String>> m = new TreeMap<>();
        for (String name : files) {
            Set<String> set = new TreeSet<>();
            engine.scan(dir.resolve(name), ScanOptions.defaults().withAllMatch(true)).detections()
                    .forEach(d -> set.add(d.name().replace(".UNOFFICIAL", "")));
            m.put(name, set);
        }
        return m;
    }
}
