package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;

final class HashModule implements YaraModule {
    @Override
    public String name() {
        return "hash";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        return Map.of();
    }
}
