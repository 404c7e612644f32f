package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;

final class ElfModule implements YaraModule {
    @Override
    public String name() {
        return "elf";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        return Map.of();
    }
}
