package dev.bulwark.engine;

import dev.bulwark.engine.diag.Diagnostic;
import java.util.List;

/** A signature database could not be loaded; carries every error found, not only the first. */
public final class DatabaseLoadException extends BulwarkException {
    private final List<Diagnostic> diagnostics;

    public DatabaseLoadException(List<Diagnostic> diagnostics) {
        super(summary(diagnostics), null);
        this.diagnostics = List.copyOf(diagnostics);
    }

    public DatabaseLoadException(Diagnostic diagnostic) {
        this(List.of(diagnostic));
    }

    public List<Diagnostic> diagnostics() {
        return diagnostics;
    }

    private static String summary(List<Diagnostic> d) {
        if (d.isEmpty()) return "database load failed";
        return d.size() == 1 ? d.get(0).toString() : d.get(0) + " (and " + (d.size() - 1) + " more)";
    }
}
