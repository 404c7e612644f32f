package dev.bulwark.engine.signatures.clamav;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.diag.Diagnostic;

/**
 * Any text given as a database of any kind either loads or fails with diagnostics that name the
 * file; nothing else may escape. What loads must scan arbitrary bytes without failing.
 */
class SignatureParsersFuzzTest {
    private static final String[] KINDS = {"t.ndb", "t.ldb", "t.hdb", "t.hsb", "t.mdb", "t.imp", "t.cdb", "t.ftm",
            "t.fp", "t.ign2", "t.db", "t.cfg", "t.pdb", "t.wdb", "t.gdb", "t.yar", "daily.cvd"};

    @FuzzTest(maxDuration = "60s")
    void anyText(FuzzedDataProvider in) {
        String kind = KINDS[in.consumeInt(0, KINDS.length - 1)];
        String text = in.consumeString(4000);
        byte[] data = in.consumeRemainingAsBytes();
        Database db;
        try {
            db = DatabaseLoader.loadText(kind, text, LoadOptions.defaults());
        } catch (DatabaseLoadException e) {
            if (e.diagnostics().isEmpty()) throw new AssertionError("load failed without a diagnostic");
            for (Diagnostic d : e.diagnostics()) {
                if (!d.source().equals(kind)) throw new AssertionError("diagnostic without the file: " + d);
            }
            return;
        }
        Engine.of(db).scan(data, ScanOptions.defaults().withAllMatch(true));
    }
}
