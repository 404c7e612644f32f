package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;

final class MathModule implements YaraModule {
    @Override
    public String name() {
        return "math";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        return Map.of();
    }
}
