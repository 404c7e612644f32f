package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;

final class StringModule implements YaraModule {
    @Override
    public String name() {
        return "string";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        return Map.of();
    }
}
