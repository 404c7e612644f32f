package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.engine.db.snapshot.SnapshotWriter;
import dev.bulwark.engine.signatures.clamav.DatabaseLoader;
import dev.bulwark.engine.signatures.clamav.SignatureSet;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (steady14) The normalised text view of a text file (ClamAV's cli_scanscript: lower-cased printable ASCII, blanks
 * collapsed, targets 0 and 7) is skipped when nothing of the loaded database can match it: every pattern of those
 * targets holds a byte the view never has (upper case, a control byte, a byte above 0x7E), no logical signature of
 * those targets is true without a match, no target-7 pattern makes hash signatures apply to the view. The
 * predicate is checked case by case (it fails without the gate: it is what the gate reads), and the verdicts with
 * and without a signature that needs the view against clamscan's (--allmatch, every name).
 */
class TextViewGateTest {
    private static final String UPPER = "A.Up:0:*:48454c4c4f20574f524c44\n"; // "HELLO WORLD": raw text only
    private static final String HIGH = "A.High:0:*:68656c6c6fff\n"; // "hello" 0xFF
    private static final String CONTROL = "A.Ctl:0:*:68656c6c6f0a776f726c64\n"; // "hello\nworld": the view has a space
    private static final String PE_ONLY = "A.Pe:1:*:68656c6c6f20776f726c64\n"; // lower case, but executables only
    private static final String LOWER = "A.Low:0:*:68656c6c6f20776f726c64\n"; // "hello world": in the view
    private static final String IMPOSSIBLE = UPPER + HIGH + CONTROL + PE_ONLY;

    private static boolean matchable(String file, String text) {
        return DatabaseLoader.loadText(file, text, LoadOptions.defaults()).signatures().textViewMatchable();
    }

    @Test
    void theViewIsNeededExactlyWhenSomethingCanMatchIt() {
        assertFalse(matchable("t.ndb", UPPER));
        assertFalse(matchable("t.ndb", HIGH));
        assertFalse(matchable("t.ndb", CONTROL));
        assertFalse(matchable("t.ndb", IMPOSSIBLE));
        assertTrue(matchable("t.ndb", IMPOSSIBLE + LOWER));
        assertTrue(matchable("t.ndb", "A.T7:7:*:68656c6c6f\n"));
        assertFalse(matchable("t.ndb", "A.T7up:7:*:48454c4c4f\n"));
        // a target-7 pattern at an offset relative to the end: ClamAV then checks hash signatures over the view
        assertTrue(matchable("t.ndb", "A.Rel:7:EOF-10:48454c4c4f\n"));
        // nibbles, alternatives, classes
        assertTrue(matchable("t.ndb", "A.Nib:0:*:6?6c6c6f\n"));
        assertTrue(matchable("t.ndb", "A.At:0:*:4?6c6c6f\n")); // of 0x40-0x4F only '@' is not upper case
        assertFalse(matchable("t.ndb", "A.NibUp:0:*:5?454c4c4f\n")); // 0x5? holds '[' .. '_', but 'E' does not fit
        assertTrue(matchable("t.ndb", "A.Alt:0:*:(48|68)656c6c6f\n"));
        assertFalse(matchable("t.ndb", "A.AltUp:0:*:(48|49)454c4c4f\n"));
        assertTrue(matchable("t.ndb", "A.Gap:0:*:68656c6c6f{-5}776f726c64\n"));
        assertFalse(matchable("t.ndb", "A.GapUp:0:*:68656c6c6f{-5}574f524c44\n"));
        // logical signatures: their subsignatures count, and one true without any match always needs the view
        assertFalse(matchable("t.ldb", "A.L;Engine:51-255,Target:0;0;48454c4c4f\n"));
        assertTrue(matchable("t.ldb", "A.L;Engine:51-255,Target:0;0;68656c6c6f\n"));
        assertTrue(matchable("t.ldb", "A.Z;Engine:51-255,Target:0;0=0;48454c4c4f\n"));
        assertFalse(matchable("t.ldb", "A.Z;Engine:51-255,Target:1;0=0;48454c4c4f\n"));
    }

    @Test
    void aSnapshotAnswersTheSame(@TempDir Path tmp) throws Exception {
        for (String db : List.of(IMPOSSIBLE, IMPOSSIBLE + LOWER)) {
            Path src = tmp.resolve("s" + db.length() + ".ndb");
            Files.writeString(src, db);
            Path snap = tmp.resolve("s" + db.length() + ".bsnap");
            SnapshotWriter.write(DatabaseLoader.load(List.of(src), LoadOptions.defaults()), List.of(src), snap);
            SignatureSet s = DatabaseLoader.load(List.of(snap), LoadOptions.defaults()).signatures();
            assertEquals(db.contains("A.Low"), s.textViewMatchable(), db);
        }
    }

    /**
     * (round 13) The first small text layers are viewed without working the answer out (a one-file scan of a small text
     * from a snapshot paid ~11 ms for decoding the patterns and loading the parser); a large layer, or the
     * seventeenth small one, asks.
     */
    @Test
    void smallLayersAreViewedBeforeTheAnswerIsWorkedOut() {
        SignatureSet s = DatabaseLoader.loadText("t.ndb", IMPOSSIBLE, LoadOptions.defaults()).signatures();
        for (int i = 0; i < SignatureSet.TEXT_VIEW_EAGER; i++) assertTrue(s.needsTextView(100), "small layer " + i);
        assertFalse(s.needsTextView(100));
        assertFalse(s.needsTextView(10));
        SignatureSet big = DatabaseLoader.loadText("t.ndb", IMPOSSIBLE, LoadOptions.defaults()).signatures();
        assertFalse(big.needsTextView(SignatureSet.TEXT_VIEW_SMALL));
        assertFalse(big.needsTextView(100), "the answer, once known, holds for small layers too");
        SignatureSet low = DatabaseLoader.loadText("t.ndb", IMPOSSIBLE + LOWER, LoadOptions.defaults()).signatures();
        for (int i = 0; i < 40; i++) assertTrue(low.needsTextView(i % 2 == 0 ? 100 : 1 << 20));
    }

    private static Map<String, String> cases() {
        Map<String, String> c = new LinkedHashMap<>();
        c.put("raw upper case", "Some notes\nHELLO WORLD and more\n");
        c.put("view only", "Some notes\nHELLO   World and more\n");
        c.put("both", "hello world\nHELLO WORLD\n");
        c.put("high byte", "notes hello\u00ff and more text\n");
        c.put("line break", "notes hello\nworld and more text\n");
        c.put("neither", "nothing to see here, move along\n");
        return c;
    }

    @Test
    void verdictsMatchClamscanWithAndWithoutTheView(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        List<Path> files = new ArrayList<>();
        int i = 0;
        for (String text : cases().values()) {
            Path f = tmp.resolve("case" + i++ + ".txt");
            Files.write(f, text.getBytes(StandardCharsets.ISO_8859_1));
            files.add(f);
        }
        int found = 0;
        for (String db : List.of(IMPOSSIBLE, IMPOSSIBLE + LOWER)) {
            Path dbFile = tmp.resolve("d" + db.length() + ".ndb");
            Files.writeString(dbFile, db);
            Engine e = Engine.load(List.of(dbFile), LoadOptions.defaults());
            assertEquals(db.contains("A.Low"), e.database().signatures().textViewMatchable());
            for (Path f : files) {
                List<String> ours = TextViewHashTest.names(e, f);
                assertEquals(TextViewHashTest.clamscan(dbFile, f), ours, f.getFileName() + " with " + dbFile.getFileName());
                found += ours.size();
            }
        }
        assertTrue(found >= 4, "the cases must detect something");
    }
}
