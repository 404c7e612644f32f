package dev.bulwark.engine.signatures.yara.modules;

import java.util.Map;

/** The modules this engine provides. */
public final class Modules {
    private Modules() {}

    private static final Map<String, YaraModule> ALL = Map.ofEntries(
            Map.entry("math", new MathModule()),
            Map.entry("hash", new HashModule()),
            Map.entry("time", new TimeModule()),
            Map.entry("console", new ConsoleModule()),
            Map.entry("string", new StringModule()),
            Map.entry("pe", new PeModule()),
            Map.entry("elf", new ElfModule()),
            Map.entry("macho", new MachoModule()),
            Map.entry("dex", new DexModule()),
            Map.entry("magic", new MagicModule()),
            Map.entry("dotnet", new DotnetModule()));

    public static YaraModule get(String name) {
        return ALL.get(name);
    }

    public static java.util.Set<String> names() {
        return new java.util.TreeSet<>(ALL.keySet());
    }
}
