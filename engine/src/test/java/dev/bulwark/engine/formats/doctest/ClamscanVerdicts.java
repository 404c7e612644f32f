package dev.bulwark.engine.formats.doctest;

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
import org.junit.jupiter.api.Assumptions;

/**
 * Differential helper: writes named cases to files, runs clamscan once over all of them with one
 * signature file, scans each with the whole engine under the same signatures, and asserts that both
 * give the same verdict per case (and that both verdicts occur, so the comparison means something).
 */
public final class ClamscanVerdicts {
    private ClamscanVerdicts() {}

    /**
     * @param sigFile   name of the signature file (its extension tells its format, e.g. {@code t.ndb})
     * @param signature the file's content; its first line's name (up to ':') is the detection expected
     * @param ext       extension of the case files (some types are recognised by name in clamscan's tests)
     */
    public static void assertSame(Path dir, String sigFile, String signature, Map<String, byte[]> cases, String ext)
            throws Exception {
        assertSame(dir, sigFile, signature, signature.substring(0, signature.indexOf(':')), cases, ext);
    }

    /** Like the other, with the detection name given (without ".UNOFFICIAL"), e.g. {@code YARA.rule} for a .yar file. */
    public static void assertSame(Path dir, String sigFile, String signature, String name, Map<String, byte[]> cases, String ext)
            throws Exception {
        Path clamscan = Path.of("/usr/bin/clamscan");
        Assumptions.assumeTrue(Files.isExecutable(clamscan), "apt-get install clamav");
        Path db = dir.resolve(sigFile);
        Files.writeString(db, signature);
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        List<String> cmd = new ArrayList<>(List.of(clamscan.toString(), "--no-summary", "-d", db.toString()));
        Map<String, Path> files = new LinkedHashMap<>();
        int i = 0;
        for (var c : cases.entrySet()) {
            Path f = dir.resolve("case" + i++ + ext);
            Files.write(f, c.getValue());
            files.put(c.getKey(), f);
            cmd.add(f.toString());
        }
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        Map<String, Boolean> theirs = new LinkedHashMap<>(), ours = new LinkedHashMap<>();
        for (var f : files.entrySet()) {
            theirs.put(f.getKey(), out.contains(f.getValue() + ": " + name + ".UNOFFICIAL FOUND"));
            ours.put(f.getKey(), engine.scan(f.getValue(), ScanOptions.defaults()).infected());
        }
        assertEquals(theirs, ours);
        assertTrue(theirs.containsValue(true) && theirs.containsValue(false), theirs.toString());
    }

    /** Text cases, written as ISO-8859-1. */
    public static Map<String, byte[]> latin1(Map<String, String> cases) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        cases.forEach((k, v) -> out.put(k, v.getBytes(StandardCharsets.ISO_8859_1)));
        return out;
    }
}
