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
