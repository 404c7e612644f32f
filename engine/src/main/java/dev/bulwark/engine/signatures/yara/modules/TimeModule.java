package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;

/** YARA's time module: now() in seconds since the epoch. */
final class TimeModule implements YaraModule {
    @Override
    public String name() {
        return "time";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        return Map.of("now", (YaraFunction) (input, a) -> a.length == 0 ? System.currentTimeMillis() / 1000 : null);
    }
}
