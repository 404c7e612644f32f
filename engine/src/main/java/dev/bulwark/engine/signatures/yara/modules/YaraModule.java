package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;

/**
 * A YARA module: a named tree of values computed from the scanned data. Values are Long, Double, byte[] (strings),
 * Map (structures and dictionaries), List (arrays) and {@link YaraFunction}; a missing entry or null is undefined.
 */
public interface YaraModule {
    String name();

    /** Builds the module's values for one input; must never throw on malformed data (leave fields out instead). */
    Map<String, Object> load(ScanInput input);
}
