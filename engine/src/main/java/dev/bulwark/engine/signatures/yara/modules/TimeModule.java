package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;

final class TimeModule implements YaraModule {
    @Override
    public String name() {
        return "time";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        return Map.of();
    }
}
