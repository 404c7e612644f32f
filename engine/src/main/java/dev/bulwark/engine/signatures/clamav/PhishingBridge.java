package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.diag.Diagnostic;
import java.util.List;

/** Connects .pdb/.wdb/.gdb lines with the phishing checker. */
final class PhishingBridge {
    private PhishingBridge() {}

    /** Lines are "ext\0source\0line\0text". */
    static Object build(List<String> lines, List<Diagnostic> errors) {
        for (String l : lines) {
            String[] p = l.split("\u0000", 4);
            String t = p[3];
            boolean ok = switch (p[0]) {
                case "pdb" -> t.startsWith("R") || t.startsWith("H");
                case "wdb" -> t.startsWith("X:") || t.startsWith("M:") || t.startsWith("Y:");
                default -> t.startsWith("S");
            };
            if (!ok) errors.add(Diagnostic.error(p[1], Integer.parseInt(p[2]), "malformed phishing database entry"));
        }
        return null;
    }

    static int count(Object db) {
        return 0;
    }
}
