package dev.bulwark.engine;

import dev.bulwark.engine.signatures.yara.YaraGroup;

/**
 * Reports the YARA rules loaded through the ClamAV loader ({@code YARA.<rule>} names) after a pass whose body
 * scan fed their string atoms (one kernel pass for both engines).
 */
final class YaraStep {
    private YaraStep() {}

    static void run(ScanJob job, LayerImpl layer, YaraGroup.Pass yara) {
        if (yara == null) return;
        for (int s = 0; s < job.sigs.yara.size(); s++) {
            for (String rule : yara.matchingRules(s)) {
                if (job.report(layer, "YARA." + rule + ".UNOFFICIAL", -1, false)) return;
            }
        }
    }
}
