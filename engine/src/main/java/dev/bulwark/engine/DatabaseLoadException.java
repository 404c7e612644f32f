package dev.bulwark.engine;

import dev.bulwark.engine.diag.Diagnostic;
import java.util.List;

/** A signature database could not be loaded; carries every error found, not only the first. */
public final class DatabaseLoadException extends BulwarkException {
    /** What kind of failure this is, for callers that report kinds differently (as clamscan does). */
    public enum Kind {
        /** Something named or found could not be read or parsed: the diagnostics say what. */
        MALFORMED,
        /** Nothing failed, but the paths given held no database file at all (an empty directory). */
        NO_DATABASE_FILES
    }

    private final List<Diagnostic> diagnostics;
    private final Kind kind;
    private final java.util.Map<String, Integer> loaded;

    public DatabaseLoadException(List<Diagnostic> diagnostics) {
        this(diagnostics, Kind.MALFORMED);
    }

    public DatabaseLoadException(List<Diagnostic> diagnostics, Kind kind) {
        this(diagnostics, kind, java.util.Map.of());
    }

    /** With the signature counts of the database files that did load without an error, by path. */
    public DatabaseLoadException(List<Diagnostic> diagnostics, Kind kind, java.util.Map<String, Integer> loaded) {
        super(summary(diagnostics), null);
        this.diagnostics = List.copyOf(diagnostics);
        this.kind = kind;
        this.loaded = java.util.Map.copyOf(loaded);
    }

    /**
     * The database files read from disk that loaded without an error, each with the signatures it added (what
     * clamscan's "Known viruses" counts of the files it loaded before the one that failed); empty when unknown.
     */
    public java.util.Map<String, Integer> loaded() {
        return loaded;
    }

    public Kind kind() {
        return kind;
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
