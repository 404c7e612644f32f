package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.heuristics.phishing.PhishingDb;
import java.util.List;

/** Feeds .pdb/.wdb/.gdb lines into the phishing checker, with file and line for every error. */
final class PhishingBridge {
    private PhishingBridge() {}

    /** Lines are "ext\0source\0line\0text". Returns null when no entry was loaded. */
    static PhishingDb build(List<String> lines, List<Diagnostic> errors) {
        if (lines.isEmpty()) return null;
        PhishingDb.Builder b = PhishingDb.builder(Fields.FLEVEL);
        for (String l : lines) {
            String[] p = l.split("\u0000", 4);
            try {
                switch (p[0]) {
                    case "pdb" -> b.addPdbLine(p[3]);
                    case "wdb" -> b.addWdbLine(p[3]);
                    default -> b.addGdbLine(p[3]);
                }
            } catch (IllegalArgumentException e) {
                errors.add(Diagnostic.error(p[1], Integer.parseInt(p[2]), e.getMessage()));
            }
        }
        PhishingDb db = b.build();
        return db.isEmpty() ? null : db;
    }

    static int count(Object db) {
        return db == null ? 0 : ((PhishingDb) db).count();
    }
}
