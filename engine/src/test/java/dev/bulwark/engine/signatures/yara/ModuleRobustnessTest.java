package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.signatures.yara.modules.ScanInput;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Truncated files and lying size/offset fields must never break the pe/elf modules. */
class ModuleRobustnessTest {
    private static byte[] seed(String name) throws IOException {
        try (InputStream in = ModuleRobustnessTest.class.getResourceAsStream("YaraFuzzTestInputs/modules/" + name)) {
            return in.readAllBytes();
        }
    }

    private static YaraRuleSet rules() {
        return YaraRuleSet.compile(List.of(new YaraSource("m.yar", YaraFuzzTest.MODULE_RULE
                + " rule valid { condition: pe.is_pe == 1 and pe.imports(\"KERNEL32.dll\", \"ExitProcess\") or elf.entry_point == 0x80 }")),
                Map.of(), null, new ArrayList<>());
    }

    @ParameterizedTest
    @ValueSource(strings = {"pe32", "elf64"})
    void everyTruncationIsHandled(String name) throws IOException {
        byte[] full = seed(name);
        YaraRuleSet rs = rules();
        assertTrue(rs.matchingRules(ByteBuffer.wrap(full)).contains("valid"), "the intact seed is recognised");
        for (int n = 0; n < full.length; n++) {
            rs.scan(ByteBuffer.wrap(java.util.Arrays.copyOf(full, n)));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"pe32", "elf64"})
    void lyingFieldsAreHandled(String name) throws IOException {
        byte[] full = seed(name);
        YaraRuleSet rs = rules();
        int[] values = {0, 1, 0x7F, 0xFF, 0x80000000, 0x7FFFFFFF, -1, full.length, full.length - 1};
        // overwrite every aligned 4-byte field of the headers with hostile values
        for (int off = 0; off + 4 <= Math.min(full.length, 0x400); off += 2) {
            for (int v : values) {
                byte[] b = full.clone();
                ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(off, v);
                rs.scan(ByteBuffer.wrap(b));
            }
        }
    }

    private static byte[] formatSeed(String path) throws IOException {
        try (InputStream in = ModuleRobustnessTest.class.getResourceAsStream("FormatModulesFuzzTestInputs/" + path)) {
            return in.readAllBytes();
        }
    }

    /** A rule true on the intact seed that reads deep fields of the module; its result on broken copies is free. */
    private static final Map<String, String> DEEP_RULES = Map.of(
            "macho/macho64", "import \"macho\" rule valid { condition: macho.entry_point == 0x300 and macho.segments[0].sections[0].sectname == \"__text\" }",
            "macho/fat", "import \"macho\" rule valid { condition: macho.nfat_arch == 2 and macho.entry_point_for_arch(macho.CPU_TYPE_X86_64) == 0x2300 }",
            "dex/dex035", "import \"dex\" rule valid { condition: dex.has_method(\"LFoo;\", \"run\") and dex.field[0].name == \"count\" }",
            "signatures/signed-pe", "import \"pe\" rule valid { condition: pe.number_of_signatures == 1 and pe.signatures[0].serial == \"01:02:03:04:05\" and pe.signatures[0].valid_on(1800000000) }",
            "dotnet/assembly", "import \"dotnet\" rule valid { condition: dotnet.typelib == \"01234567-89ab-cdef-0123-456789abcdef\" and dotnet.resources[0].length == 4 and dotnet.assembly_refs[0].name == \"mscorlib\" }");

    @ParameterizedTest
    @ValueSource(strings = {"macho/macho64", "macho/fat", "dex/dex035", "dotnet/assembly", "signatures/signed-pe"})
    void formatModulesSurviveEveryTruncationAndLyingField(String seed) throws IOException {
        byte[] full = formatSeed(seed);
        String module = seed.startsWith("signatures/") ? "pe" : seed.substring(0, seed.indexOf('/'));
        YaraRuleSet rs = YaraRuleSet.compile(List.of(new YaraSource("m.yar", DEEP_RULES.get(seed))), Map.of(), null, new ArrayList<>());
        assertTrue(rs.matchingRules(ByteBuffer.wrap(full)).contains("valid"), "the intact seed is recognised");
        assertTrue(rs.matchingRules(ByteBuffer.wrap(java.util.Arrays.copyOf(full, 16))).isEmpty(), "a 16-byte stub is not");
        for (int n = 0; n < full.length; n++) {
            byte[] cut = java.util.Arrays.copyOf(full, n);
            FormatModulesFuzzTest.exercise(module, cut);
            rs.scan(ByteBuffer.wrap(cut));
        }
        int[] values = {0, 1, 0x7F, 0xFF, 0xFFFF, 0x80000000, 0x7FFFFFFF, -1, full.length, full.length - 1};
        int from = seed.startsWith("signatures/") ? 0x600 : 0; // the signature follows the PE image
        for (int off = from; off + 4 <= Math.min(full.length, from + 0x600); off += 2) {
            for (int v : values) {
                for (java.nio.ByteOrder order : List.of(java.nio.ByteOrder.LITTLE_ENDIAN, java.nio.ByteOrder.BIG_ENDIAN)) {
                    byte[] b = full.clone();
                    ByteBuffer.wrap(b).order(order).putInt(off, v);
                    FormatModulesFuzzTest.exercise(module, b);
                    FormatModulesFuzzTest.exercise("magic", b);
                }
            }
        }
    }

    /** The real samples of YARA's own test suite, truncated at every 64th length. */
    @ParameterizedTest
    @ValueSource(strings = {"tiny", "mtxex.dll", "pe_imports", "elf_with_imports", "ChipTune.efi", "weird_rich"})
    void sharedSamplesTruncated(String name) throws IOException {
        Path dir = YaraConformanceTest.dir();
        org.junit.jupiter.api.Assumptions.assumeTrue(dir != null && Files.exists(dir.resolve("data").resolve(name)));
        byte[] full = Files.readAllBytes(dir.resolve("data").resolve(name));
        YaraRuleSet rs = rules();
        for (int n = 0; n <= full.length; n += 64) rs.scan(ByteBuffer.wrap(java.util.Arrays.copyOf(full, n)));
        Map<String, Object> pe = dev.bulwark.engine.signatures.yara.modules.Modules.get("pe").load(new ScanInput(full, 0, full.length));
        assertEquals(name.contains("elf") ? 0L : 1L, pe.get("is_pe"));
    }
}
