package dev.bulwark.engine.signatures.yara;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.signatures.yara.modules.ExeEntry;
import dev.bulwark.engine.signatures.yara.modules.Modules;
import dev.bulwark.engine.signatures.yara.modules.ScanInput;
import dev.bulwark.engine.signatures.yara.re.Regex;
import dev.bulwark.engine.signatures.yara.re.RegexException;
import dev.bulwark.engine.signatures.yara.re.VmScratch;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Fuzz targets for the YARA front end, the regex engine and the pe/elf modules. Seeds under
 * YaraFuzzTestInputs/... replay in the normal build; any exception other than the documented error types fails.
 */
class YaraFuzzTest {
    /** Rule text → compile (errors must be DatabaseLoadException) → scan the same bytes. */
    @FuzzTest(maxDuration = "90s")
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        try {
            YaraRuleSet rs = YaraRuleSet.compile(List.of(new YaraSource("fuzz.yar", text)), Map.of(), null, new ArrayList<>());
            rs.scan(ByteBuffer.wrap(data));
        } catch (DatabaseLoadException expected) {
            // a clear error is the right answer for bad rules
        }
        YaraRuleSet.compileClamAvCompat(text, "fuzz.yar", new ArrayList<>()).matchingRules(ByteBuffer.wrap(data));
    }

    /** "regex NUL input": compile with random flags and run every entry point of the VM. */
    @FuzzTest(maxDuration = "90s")
    void regex(FuzzedDataProvider p) {
        boolean nocase = p.consumeBoolean(), dotAll = p.consumeBoolean(), wide = p.consumeBoolean();
        String re = p.consumeString(200);
        byte[] input = p.consumeRemainingAsBytes();
        Regex r;
        try {
            r = p.consumeBoolean() ? Regex.compile(re, nocase, dotAll, wide) : Regex.compileHex(re);
        } catch (RegexException expected) {
            return;
        }
        VmScratch s = new VmScratch(4);
        r.find(input, s);
        for (int i = 0; i <= Math.min(input.length, 64); i++) {
            int n = r.program().matchAt(input, 0, input.length, i, input.length, s);
            if (n > input.length - i) throw new IllegalStateException("match past the end");
        }
        r.program().firstBytes();
    }

    /** Arbitrary bytes through the pe and elf modules and the entrypoint keyword: never an exception. */
    @FuzzTest(maxDuration = "90s")
    void modules(byte[] data) {
        ScanInput in = new ScanInput(data, 0, data.length);
        for (String m : List.of("pe", "elf", "math", "hash")) Modules.get(m).load(in);
        ExeEntry.fileOffset(in);
        try {
            YaraRuleSet rs = YaraRuleSet.compile(List.of(new YaraSource("m.yar", MODULE_RULE)), Map.of(), null, new ArrayList<>());
            rs.scan(ByteBuffer.wrap(data));
        } catch (DatabaseLoadException e) {
            throw new IllegalStateException(e);
        }
    }

    static final String MODULE_RULE = "import \"pe\" import \"elf\" rule m { condition: "
            + "pe.imphash() == \"x\" or pe.imports(/./, /./) > 0 or pe.exports(/a/) or pe.section_index(0) == 0 or "
            + "for any s in pe.sections : (s.name == \".text\") or pe.rich_signature.toolid(1) > 0 or pe.language(9) or "
            + "pe.number_of_resources > 0 or pe.version_info[\"x\"] == \"y\" or pe.calculate_checksum() == 0 or "
            + "for any i in (0..elf.number_of_sections) : (elf.sections[i].name == \".text\") or "
            + "for any s in elf.symtab : (s.name == \"main\") or entrypoint == 0 }";
}
