package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;

final class PeModule implements YaraModule {
    @Override
    public String name() {
        return "pe";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        return Map.of();
    }
}
