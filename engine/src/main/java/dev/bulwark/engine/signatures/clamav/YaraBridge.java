package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.signatures.yara.YaraRuleSet;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles .yar files given to the ClamAV loader the way clamscan does (syntax errors are warnings,
 * rules without usable strings are skipped) into one list of rule sets.
 */
final class YaraBridge {
    private YaraBridge() {}

    /** Sources are {name, text, official ("1"/"0")}. Returns null when there are none. */
    static List<YaraRuleSet> compile(List<String[]> sources, List<Diagnostic> warnings) {
        if (sources.isEmpty()) return null;
        List<YaraRuleSet> out = new ArrayList<>();
        for (String[] s : sources) {
            YaraRuleSet set = YaraRuleSet.compileClamAvCompat(s[1], s[0], warnings);
            if (set.ruleCount() > 0) out.add(set);
        }
        return out.isEmpty() ? null : List.copyOf(out);
    }

    @SuppressWarnings("unchecked")
    static int count(Object yara) {
        if (yara == null) return 0;
        int n = 0;
        for (YaraRuleSet s : (List<YaraRuleSet>) yara) n += s.ruleCount();
        return n;
    }
}
