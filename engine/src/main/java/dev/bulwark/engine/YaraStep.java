package dev.bulwark.engine;

import dev.bulwark.engine.signatures.yara.YaraRuleSet;
import java.nio.ByteBuffer;
import java.util.List;

/** Runs the YARA rules loaded through the ClamAV loader over a pass's buffer ({@code YARA.<rule>} names). */
final class YaraStep {
    private YaraStep() {}

    @SuppressWarnings("unchecked")
    static void run(ScanJob job, LayerImpl layer, ByteBuffer d) {
        Object y = job.sigs.yara;
        if (y == null) return;
        for (YaraRuleSet set : (List<YaraRuleSet>) y) {
            for (String rule : set.matchingRules(d)) {
                if (job.report(layer, "YARA." + rule + ".UNOFFICIAL", -1, false)) return;
            }
        }
    }
}
