package dev.bulwark.engine;

import dev.bulwark.engine.signatures.yara.YaraRuleSet;
import java.nio.ByteBuffer;

/** Runs the YARA rules loaded through the ClamAV loader over a pass's buffer ({@code YARA.<rule>} names). */
final class YaraStep {
    private YaraStep() {}

    static void run(ScanJob job, LayerImpl layer, ByteBuffer d) {
        if (job.sigs.yara == null) return;
        for (YaraRuleSet set : job.sigs.yara) {
            for (String rule : set.matchingRules(d)) {
                if (job.report(layer, "YARA." + rule + ".UNOFFICIAL", -1, false)) return;
            }
        }
    }
}
