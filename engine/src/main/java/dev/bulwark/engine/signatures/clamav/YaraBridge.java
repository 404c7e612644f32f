package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.signatures.yara.YaraRuleSet;
import dev.bulwark.engine.signatures.yara.YaraSource;
import java.util.ArrayList;
import java.util.List;

/**
 * Compiles .yar files given to the ClamAV loader the way clamscan does (syntax errors are warnings,
 * rules without usable strings are skipped) into one list of rule sets.
 */
final class YaraBridge {
    private YaraBridge() {}

    /** Returns null when no file yielded a rule. */
    static List<YaraRuleSet> compile(List<YaraSource> sources, List<Diagnostic> warnings) {
        List<YaraRuleSet> out = new ArrayList<>();
        for (YaraSource s : sources) {
            YaraRuleSet set = YaraRuleSet.compileClamAvCompat(s.text(), s.name(), warnings);
            if (set.ruleCount() > 0) out.add(set);
        }
        return out.isEmpty() ? null : List.copyOf(out);
    }

    static int count(List<YaraRuleSet> yara) {
        int n = 0;
        if (yara != null) for (YaraRuleSet s : yara) n += s.ruleCount();
        return n;
    }
}
