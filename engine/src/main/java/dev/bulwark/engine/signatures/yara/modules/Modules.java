package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;

/** The modules this engine provides. */
public final class Modules {
    private Modules() {}

    private static final Map<String, YaraModule> ALL = Map.of(
            "math", new MathModule(),
            "hash", new HashModule(),
            "time", new TimeModule(),
            "console", new ConsoleModule(),
            "string", new StringModule(),
            "pe", new PeModule(),
            "elf", new ElfModule(),
            "macho", new MachoModule(),
            "dex", new DexModule(),
            "magic", new MagicModule());

    public static YaraModule get(String name) {
        return ALL.get(name);
    }

    public static java.util.Set<String> names() {
        return new java.util.TreeSet<>(ALL.keySet());
    }
}
