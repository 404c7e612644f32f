package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.engine.diag.Diagnostic;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A database of realistic size from ../shared/tools/gen_sigs.py (500k hashes, 50k bodies, 5k logical
 * signatures) loads with the right count and detects its planted positive controls; malformed lines
 * buried in it are all named with file and line.
 */
class GeneratedDatabaseTest {
    private static final Path GEN = Path.of("..", "..", "shared", "tools", "gen_sigs.py");

    private static Path generate(Path out) throws Exception {
        Path gen = GEN.toAbsolutePath().normalize();
        assumeTrue(Files.exists(gen), "gen_sigs.py not found at " + gen);
        Process p = new ProcessBuilder("python3", gen.toString(), "--size", "medium", "--seed", "7", "--plant", "3",
                "--out", out.toString()).redirectErrorStream(true).start();
        p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
        assertEquals(0, p.waitFor());
        return out.resolve("db");
    }

    @Test
    void mediumDatabaseLoadsWithExactCountAndFindsPlantedFiles(@TempDir Path tmp) throws Exception {
        Path db = generate(tmp);
        Engine e = Engine.load(List.of(db), LoadOptions.defaults());
        assertEquals(500_000 + 50_000 + 5_000, e.database().signatureCount());
        List<String> lines = Files.readAllLines(tmp.resolve("planted/expected.tsv"));
        int checked = 0;
        for (String l : lines) {
            String[] f = l.split("\t");
            if (f.length < 2 || !Files.exists(tmp.resolve("planted").resolve(f[0]))) continue;
            ScanResult r = e.scan(tmp.resolve("planted").resolve(f[0]), ScanOptions.defaults());
            assertEquals(List.of(f[1] + ".UNOFFICIAL"), r.detections().stream().map(Detection::name).toList(), f[0]);
            checked++;
        }
        assertEquals(12, checked);
    }

    @Test
    void everyMalformedLineIsNamed(@TempDir Path tmp) throws Exception {
        Path db = generate(tmp);
        Path ndb = db.resolve("synth.ndb");
        List<String> l = new ArrayList<>(Files.readAllLines(ndb, StandardCharsets.ISO_8859_1));
        l.set(1000, "Broken:0:*:zz");
        l.set(30000, "Broken2:0:*");
        Files.write(ndb, l, StandardCharsets.ISO_8859_1);
        DatabaseLoadException ex = assertThrows(DatabaseLoadException.class, () -> Engine.load(List.of(db), LoadOptions.defaults()));
        assertEquals(List.of(1001, 30001), ex.diagnostics().stream().map(Diagnostic::line).toList());
        for (Diagnostic d : ex.diagnostics()) assertEquals(ndb.toString(), d.source());
    }
}
