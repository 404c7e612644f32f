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
    /** (compat15) The size of list when this file's problems started: the ones after it are this file's. */
    private final int firstOwn;
    /**
     * (compat15) The file's top-level items in order: {line, col} of where each starts, and the rule's name (null for
     * an import or include, or a rule whose name was not read). yara names the rule an error belongs to.
     */
    private final List<int[]> itemStarts = new ArrayList<>();
    private final List<String> itemRules = new ArrayList<>();
    private int errors;
    /** The start of line lastLine in text: problems come mostly in line order, so the next search starts there. */
    private int lastLine = 1, lastStart;

    Problems(String source, String text, List<Diagnostic> sink) {
        this.source = source;
        this.text = text;
        this.list = sink;
        this.firstOwn = sink.size();
    }

    /** (compat15) A top-level item (rule, import, include) starts at this token. */
    void itemStart(Token t) {
        itemStarts.add(new int[] {t.line(), t.col()});
        itemRules.add(null);
    }

    /** (compat15) The current top-level item is a rule, named by this token. */
    void itemRule(Token name) {
        if (!itemRules.isEmpty()) {
            itemRules.set(itemRules.size() - 1, name.text());
            itemStarts.set(itemStarts.size() - 1, new int[] {name.line(), name.col()});
        }
    }

    /** Marks the rule a problem belongs to, as yara names it: appended to the message's first line. */
    static final String RULE_MARK = " (rule \"";

    /**
     * (compat15) Appends {@code (rule "NAME")} to the first line of each of this file's problems that lies in a rule
     * after its name (as yara reports them: {@code error: rule "NAME" in FILE(LINE): ...}); problems of the rule's
     * name itself (a duplicated identifier) and outside rules stay file-level, as in yara. Messages that already
     * name their rule are left.
     */
    void attributeRules() {
        for (int i = firstOwn; i < list.size(); i++) {
            Diagnostic d = list.get(i);
            if (!d.source().equals(source)) continue;
            String rule = ruleAt(d.line(), d.column());
            if (rule == null) continue;
            String m = d.message();
            int nl = m.indexOf('\n');
            String first = nl < 0 ? m : m.substring(0, nl), rest = nl < 0 ? "" : m.substring(nl);
            if (first.contains(RULE_MARK)) continue;
            list.set(i, new Diagnostic(d.severity(), d.source(), d.line(), d.column(), first + RULE_MARK + rule + "\")" + rest));
        }
    }

    private String ruleAt(int line, int col) {
        String rule = null;
        for (int k = 0; k < itemStarts.size(); k++) {
            int[] s = itemStarts.get(k);
            int c = Integer.compare(line, s[0]);
            if (c == 0) c = Integer.compare(col, s[1]);
            if (c < 0) break;
            rule = c == 0 ? null : itemRules.get(k); // at the name itself: the file's
        }
        return rule;
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
