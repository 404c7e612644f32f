package dev.bulwark.engine.diag;

/**
 * One problem found while reading a signature source or a configuration file, with its position.
 *
 * @param severity how bad it is
 * @param source the file (or container member, "daily.cvd:daily.ndb") the problem is in
 * @param line 1-based line number, or 0 when the problem concerns the whole source
 * @param column 1-based column, or 0 when unknown
 * @param message what is wrong, in words a signature writer understands
 */
public record Diagnostic(Severity severity, String source, int line, int column, String message) {

    public enum Severity { ERROR, WARNING }

    public static Diagnostic error(String source, int line, String message) {
        return new Diagnostic(Severity.ERROR, source, line, 0, message);
    }

    public static Diagnostic warning(String source, int line, String message) {
        return new Diagnostic(Severity.WARNING, source, line, 0, message);
    }

    public boolean isError() {
        return severity == Severity.ERROR;
    }

    /** Renders as {@code file:line:column: error: message}, the form compilers use. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(source);
        if (line > 0) {
            sb.append(':').append(line);
            if (column > 0) sb.append(':').append(column);
        }
        sb.append(": ").append(severity == Severity.ERROR ? "error" : "warning").append(": ").append(message);
        return sb.toString();
    }
}
