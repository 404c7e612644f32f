package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;

final class ConsoleModule implements YaraModule {
    @Override
    public String name() {
        return "console";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        return Map.of();
    }
}
