package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.diag.Diagnostic;
import java.util.ArrayList;
import java.util.List;

/** Collects the errors and warnings of one source file, each with position and a caret excerpt. */
final class Problems {
    private static final int MAX_PROBLEMS = 1000; // a hopeless file should not produce megabytes of messages

    private final String source;
    private final String text;
    private final List<Diagnostic> list;
    private int errors;
    /** The start of line lastLine in text: problems come mostly in line order, so the next search starts there. */
    private int lastLine = 1, lastStart;

    Problems(String source, String text, List<Diagnostic> sink) {
        this.source = source;
        this.text = text;
        this.list = sink;
    }

    String source() {
        return source;
    }

    void error(int line, int col, String msg) {
        errors++;
        if (list.size() < MAX_PROBLEMS) list.add(new Diagnostic(Diagnostic.Severity.ERROR, source, line, col, withExcerpt(line, col, msg)));
    }

    void warning(int line, int col, String msg) {
        if (list.size() < MAX_PROBLEMS) list.add(new Diagnostic(Diagnostic.Severity.WARNING, source, line, col, withExcerpt(line, col, msg)));
    }

    void error(Token t, String msg) {
        error(t.line(), t.col(), msg);
    }

    int errorCount() {
        return errors;
    }

    /** Appends the offending source line and a caret under the column. */
    private String withExcerpt(int line, int col, String msg) {
        if (line <= 0 || text == null) return msg;
        int l = 1, start = 0;
        if (line >= lastLine) {
            l = lastLine;
            start = lastStart;
        }
        for (; l < line && start >= 0; l++) {
            int nl = text.indexOf('\n', start);
            start = nl < 0 ? -1 : nl + 1;
        }
        if (start < 0) return msg;
        lastLine = line;
        lastStart = start;
        int end = text.indexOf('\n', start);
        String src = text.substring(start, end < 0 ? text.length() : end).replace('\t', ' ').replace("\r", "");
        if (src.length() > 200) src = src.substring(0, 200);
        int caret = Math.max(0, Math.min(col - 1, src.length()));
        return msg + "\n    " + src + "\n    " + " ".repeat(caret) + "^";
    }

    List<Diagnostic> diagnostics() {
        return list;
    }

    static List<Diagnostic> newList() {
        return new ArrayList<>();
    }
}
