package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.heuristics.phishing.PhishingDb;
import java.util.List;

/** Feeds .pdb/.wdb/.gdb lines into the phishing checker, with file and line for every error. */
final class PhishingBridge {
    private PhishingBridge() {}

    /** Returns null when no entry was loaded. */
    static PhishingDb build(List<SignatureBuilder.PhishingLine> lines, List<Diagnostic> errors) {
        if (lines.isEmpty()) return null;
        PhishingDb.Builder b = PhishingDb.builder(Fields.FLEVEL);
        for (SignatureBuilder.PhishingLine l : lines) {
            try {
                switch (l.kind()) {
                    case "pdb" -> b.addPdbLine(l.text());
                    case "wdb" -> b.addWdbLine(l.text());
                    default -> b.addGdbLine(l.text());
                }
            } catch (IllegalArgumentException e) {
                errors.add(Diagnostic.error(l.source(), l.line(), e.getMessage()));
            }
        }
        PhishingDb db = b.build();
        return db.isEmpty() ? null : db;
    }

    static int count(PhishingDb db) {
        return db == null ? 0 : db.count();
    }
}
