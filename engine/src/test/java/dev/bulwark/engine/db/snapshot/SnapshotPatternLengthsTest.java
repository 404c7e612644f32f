package dev.bulwark.engine.db.snapshot;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.match.PatternSet;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (maxlen20, format 14) A snapshot stores each target's longest pattern as libclamav's tries hold it
 * ({@link PatternSet#acMaxLength}, the summary's "Data scanned"): the values it answers equal the set built from the
 * sources, for a database with each pattern shape (fixed and variable gaps, wildcards, alternatives, negated
 * alternatives, logical subsignatures with modifiers) over several targets.
 */
class SnapshotPatternLengthsTest {
    @TempDir
    Path dir;

    @Test
    void aSnapshotsLengthsEqualTheSourceBuiltSets() throws Exception {
        Path db = Files.createDirectories(dir.resolve("db"));
        String b20 = "42".repeat(20), c30 = "43".repeat(30), l60 = "44".repeat(60);
        Files.writeString(db.resolve("t.ndb"), String.join("\n",
                "T0.Plain:0:*:" + "41".repeat(50),
                "T0.Fixed:0:*:" + b20 + "{5}" + c30,                   // 55: whole across a fixed gap
                "T1.Wild:1:*:" + b20 + "??" + c30,                     // 51: ?? is one fixed byte
                "T1.Star:1:*:" + b20 + "*" + c30,                      // 30: split at *
                "T2.Range:2:*:" + b20 + "{5-9}" + c30 + "{-4}" + b20, // 30: split at each variable gap
                "T3.Alt:3:*:(41|4243)" + l60,                         // 62: an alternative at its longest
                "T4.NegAlt:4:*:" + b20 + "!(45|46)" + b20,            // 41
                "T5.Nibble:5:*:" + b20 + "4?" + "?5" + b20,            // 42
                "T6.Class:6:*:" + b20 + "(B)" + b20 + "{3}" + b20,     // 64: a boundary class is one byte
                "T7.Text:7:*:" + l60 + "{10-}" + b20,                  // 60
                "T9.Long:9:EOF-500,500:" + "47".repeat(90),            // 90
                "T14.Any:14:*:" + b20,                                 // 20
                "") );
        Files.writeString(db.resolve("t.ldb"), String.join("\n",
                "T0.Logical;Engine:51-255,Target:0;0&1;" + "48".repeat(70) + ";" + b20,                        // 70
                "T10.Logical;Engine:51-255,Target:10;0|1;" + "61626364656667" + "::i;" + b20 + "{2}" + b20, // 42
                "T12.Wide;Engine:81-255,Target:12;0;" + "6162636465666768" + "::w",                          // 16
                ""));
        Database fromText = DatabaseLoader.load(List.of(db), LoadOptions.defaults());
        assertTrue(fromText.warnings().isEmpty(), fromText.warnings().toString());
        Path snap = dir.resolve("t.bsnap");
        SnapshotWriter.write(fromText, List.of(db), snap);
        PatternSet text = fromText.signatures().patterns;
        PatternSet read = SnapshotReader.parse(ByteBuffer.wrap(Files.readAllBytes(snap))).set().patterns;
        PatternSet mapped;
        try (var ch = java.nio.channels.FileChannel.open(snap)) {
            mapped = SnapshotReader.parse(ch.map(java.nio.channels.FileChannel.MapMode.READ_ONLY, 0, ch.size()), snap).set().patterns;
        }
        int[] expected = {70, 51, 30, 62, 41, 42, 64, 60, 0, 90, 42, 0, 16, 0, 20, 0};
        for (int t = -1; t <= 16; t++) {
            assertEquals(text.acMaxLength(t), read.acMaxLength(t), "target " + t);
            assertEquals(text.acMaxLength(t), mapped.acMaxLength(t), "target " + t + " (mapped)");
            if (t >= 0 && t < 16) assertEquals(expected[t], text.acMaxLength(t), "target " + t);
        }
        // the loader's own path (mapped, lazily checked) answers the same
        Database loaded = DatabaseLoader.load(List.of(snap), LoadOptions.defaults());
        for (int t = 0; t < 16; t++) assertEquals(expected[t], loaded.signatures().patterns.acMaxLength(t), "loaded target " + t);
    }
}
