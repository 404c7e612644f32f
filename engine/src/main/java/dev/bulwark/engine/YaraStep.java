package dev.bulwark.engine;

import java.nio.ByteBuffer;

/** Runs the loaded YARA rules over a pass's buffer. */
final class YaraStep {
    private YaraStep() {}

    static void run(ScanJob job, LayerImpl layer, ByteBuffer d) {
    }
}
