package dev.bulwark.cli.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.signatures.yara.modules.ModuleSchema;
import dev.bulwark.engine.signatures.yara.modules.ModuleSchema.Node;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (yara17) Module accesses are checked against yara 4.2.3's declarations: an unknown field, a structure, array or
 * function used as a value, a field of a non-structure, an index of the wrong type or of a non-array, a function
 * called with arguments no overload takes, a loop over a non-iterable or with the wrong number of variables are
 * refused as yara 4.2.3 refuses them, with its message and exit code; every declared field compiles in both. Before,
 * each of the refused cases compiled here (exit 0).
 */
class YaraModuleSchemaDifferentialTest {
    private static final Path YARA = Path.of("/usr/bin/yara");
    private static final String H = "import \"pe\" import \"elf\" import \"math\" import \"hash\" import \"dotnet\" import \"time\" "
            + "import \"console\" import \"dex\" import \"macho\" import \"magic\" ";

    static final String[] CASES = {
        "pe.nosuch",
        "pe.nosuch == 1",
        "pe.is_signed_typo == 1",
        "pe.signatures[0].digest_typo == \"a\"",
        "pe.sections == 1",
        "pe.sections[0] == 1",
        "pe.sections[\"a\"].name == \"x\"",
        "pe.sections[1.5].name == \"x\"",
        "pe.sections[0].nosuch == 1",
        "pe.sections[0].name == 1 or true",
        "pe.number_of_sections == \"a\" or true",
        "pe.number_of_sections[0] == 1",
        "pe.number_of_sections.x == 1",
        "pe.number_of_sections(1) == 1",
        "pe.imports(\"a\")",
        "pe.imports(1.5)",
        "pe.imports(\"a\", \"b\", \"c\", \"d\")",
        "pe.imports == 1",
        "pe.imports(/a/, \"b\")",
        "pe.imports(/a/, /b/) and pe.imports(1, \"a\", 2) and pe.exports(/x/i) and pe.exports(3)",
        "pe.version_info[\"a\"] == \"b\"",
        "pe.version_info[0] == \"b\"",
        "pe.version_info[\"a\"] == 1 or true",
        "pe.rich_signature.version(1) == 1 and pe.rich_signature.toolid(1, 2) == 1",
        "pe.rich_signature == 1",
        "pe.rich_signature.nosuch(1) == 1",
        "pe.sections[0].name.x == 1",
        "pe.sections[0].name() == 1",
        "defined pe.nosuch",
        "pe.sections[0].name matches /a/",
        "pe.sections[0].virtual_address matches /a/",
        "pe.is_dll() and pe.is_dll == 1",
        "pe.calculate_checksum(1) == 1",
        "pe.imphash() == \"a\" and pe.signatures[0].valid_on(1)",
        "pe.signatures[0].verified_typo == 1",
        "pe.signatures[0].valid_on(\"a\")",
        "pe.sections[0].name + 1 == 2",
        "pe.entry_point + 1.5 > 0 and pe.MACHINE_I386 == pe.machine",
        "pe.delay_import_details[0].library_name == \"a\"",
        "pe.data_directories[0].nosuch == 1",
        "math.entropy(0, filesize) > 7 and math.entropy(\"a\") > 7",
        "math.entropy(0) > 7",
        "math.entropy(0, 1.0) > 7",
        "math.nosuch(1)",
        "math.in_range(1, 2, 3)",
        "math.in_range(1.0, 2.0, 3.0) and math.MEAN_BYTES > 1.0",
        "math.to_number(true) == 1 and math.to_number(1 == 1) == 1",
        "math.to_number(1) == 1",
        "math.min(1, \"a\") == 1",
        "math.serial_correlation(\"KERNEL32.dll\") > 1.2 and math.serial_correlation(\"\\x80\\xff\\x01abc\") > 0.5",
        "math.mean(\"\\x80\\x90\") < 0.0 and math.deviation(\"\\xf0a\", 1.0) < 100.0",
        "math.monte_carlo_pi(\"\\x80\\x81\\x82\\x01\\x02\\x03\") > 0.5 and math.monte_carlo_pi(\"\\x01\\x02\\x03\\x01\\x02\\x03\") > 0.2",
        "hash.md5(0, filesize) == \"a\" or hash.sha256(\"a\") == hash.sha1(0, 1)",
        "hash.md5(0, filesize) == 1 or true",
        "hash.crc32(\"a\") == 1 and hash.checksum32(0, 1) == 1",
        "hash.crc32(\"a\") == \"a\"",
        "time.now() > 1",
        "time.now(1) > 1",
        "console.log(\"a\") and console.log(\"a\", 1) and console.log(1.5) and console.hex(\"b\", 1)",
        "console.hex(\"a\")",
        "dotnet.nosuch",
        "dotnet.assembly.name == \"a\" and dotnet.assembly.version.major == 1",
        "dotnet.guids[0] == 1 or true",
        "dotnet.assembly.version == 1",
        "elf.sections[0].nosuch == 1",
        "elf.symtab[0].other == 1",
        "elf.telfhash() == \"a\"",
        "elf.number_of_sections > 0 and elf.dynamic[0].type == elf.DT_NEEDED",
        "dex.nosuch == 1",
        "dex.has_method(\"a\") and dex.has_method(\"a\", /b/) and dex.has_class(/c/)",
        "macho.nosuch == 1",
        "macho.segments[0].sections[0].sectname == \"a\" and macho.file_index_for_arch(1) == 0",
        "magic.type() contains \"a\" and magic.mime_type() == \"a\"",
        "magic.type == \"a\"",
        "magic.nosuch() == \"a\"",
        "pe",
        "pe == 1",
        "for any s in pe.sections : (s.name == \".text\")",
        "for any s in pe.sections : (s.nosuch == 1)",
        "for any k, v in pe.version_info : (k == \"a\" and v == \"b\")",
        "for any k, v in pe.version_info : (k == 1)",
        "for any s in pe.number_of_sections : (s == 1)",
        "for any x in pe.version_info : (true)",
        "for any k, v in pe.sections : (true)",
        "for any i in (0..pe.number_of_sections) : (pe.sections[i].name == \"a\")",
        "for any s in pe.import_details : (for any f in s.functions : (f.name == \"a\" and f.nosuch == 1))",
    };

    @TempDir
    Path tmp;

    private String yara(Path rules, Path target) throws Exception {
        Process p = new ProcessBuilder(YARA.toString(), rules.toString(), target.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor(60, TimeUnit.SECONDS);
        return "rc=" + p.exitValue() + "\n" + out;
    }

    private static String ours(Path rules, Path target) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(o, true, StandardCharsets.UTF_8);
        int rc = YaraCommand.run(new String[] {rules.toString(), target.toString()}, ps, ps);
        return "rc=" + rc + "\n" + o.toString(StandardCharsets.UTF_8);
    }

    @Test
    void moduleAccessesAsYaraChecksThem() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(YARA), "yara not installed");
        Path target = Files.writeString(tmp.resolve("target.bin"), "x\n");
        List<String> theirs = new ArrayList<>(), ours = new ArrayList<>();
        for (int i = 0; i < CASES.length; i++) {
            Path rules = tmp.resolve("r" + i + ".yar");
            Files.writeString(rules, H + "rule a { condition: " + CASES[i] + " }\n", StandardCharsets.UTF_8);
            theirs.add(i + " " + CASES[i] + "\n" + yara(rules, target));
            ours.add(i + " " + CASES[i] + "\n" + ours(rules, target));
        }
        assertEquals(String.join("", theirs), String.join("", ours));
    }

    /** Every field and function overload yara 4.2.3 declares, one rule each, on an empty file and a PE. */
    @Test
    void everyDeclaredFieldCompilesAndIsDefinedAsInYara() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(YARA), "yara not installed");
        Path empty = Files.writeString(tmp.resolve("empty.bin"), "");
        Path pe = Path.of("/usr/lib/shim/shimx64.efi.signed");
        for (String m : new String[] {"pe", "elf", "math", "hash", "dotnet", "time", "dex", "macho", "magic"}) {
            List<String> exprs = new ArrayList<>();
            accesses(m, ModuleSchema.of(m), exprs);
            StringBuilder src = new StringBuilder("import \"" + m + "\"\n");
            for (int i = 0; i < exprs.size(); i++) src.append("rule r").append(i).append(" { condition: defined ").append(exprs.get(i)).append(" }\n");
            Path rules = Files.writeString(tmp.resolve(m + ".yar"), src, StandardCharsets.UTF_8);
            for (Path target : Files.exists(pe) ? List.of(empty, pe) : List.of(empty)) {
                assertEquals(yara(rules, target), ours(rules, target), m + " on " + target + ": " + exprs.size() + " rules");
            }
        }
    }

    /**
     * The real rule sets (elastic/protections-artifacts, Neo23x0/signature-base, when present in /tmp/rulesets) compile
     * as with yara 4.2.3: the same exit code and the same output, on a small file.
     */
    @Test
    void realRuleSetsCompileAsInYara() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(YARA), "yara not installed");
        Path target = Files.writeString(tmp.resolve("small.txt"), "x\n");
        String[] ext = {"-d", "filename=x", "-d", "filepath=x", "-d", "extension=x", "-d", "filetype=x", "-d", "owner=x"};
        int done = 0;
        String before = System.getProperty(YaraCommand.CACHE_PROPERTY);
        System.setProperty(YaraCommand.CACHE_PROPERTY, "off");
        try {
            for (String set : new String[] {"elastic", "signature-base"}) {
                Path rules = Path.of("/tmp/rulesets/" + set + ".yar");
                if (!Files.isRegularFile(rules)) continue;
                List<String> cmd = new ArrayList<>(List.of(YARA.toString()));
                cmd.addAll(List.of(ext));
                cmd.addAll(List.of(rules.toString(), target.toString()));
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String theirs = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                p.waitFor(300, TimeUnit.SECONDS);
                List<String> args = new ArrayList<>(List.of(ext));
                args.addAll(List.of(rules.toString(), target.toString()));
                ByteArrayOutputStream o = new ByteArrayOutputStream();
                PrintStream ps = new PrintStream(o, true, StandardCharsets.UTF_8);
                int rc = YaraCommand.run(args.toArray(String[]::new), ps, ps);
                assertEquals("rc=" + p.exitValue() + "\n" + theirs, "rc=" + rc + "\n" + o.toString(StandardCharsets.UTF_8), set);
                done++;
            }
        } finally {
            if (before == null) System.clearProperty(YaraCommand.CACHE_PROPERTY);
            else System.setProperty(YaraCommand.CACHE_PROPERTY, before);
        }
        Assumptions.assumeTrue(done > 0, "no rule sets in /tmp/rulesets");
    }

    /** Arguments of the types in {@code types} (yara's i, f, s, r, b), {@code str} and {@code regex} for s and r. */
    static String arguments(String types, String str, String regex) {
        StringBuilder a = new StringBuilder();
        for (char c : types.toCharArray()) {
            if (!a.isEmpty()) a.append(", ");
            a.append(switch (c) {
                case 'i' -> "1";
                case 'f' -> "1.5";
                case 's' -> str;
                case 'r' -> regex;
                default -> "true";
            });
        }
        return a.toString();
    }

    private static void accesses(String path, Node n, List<String> out) {
        if (n.ext) return; // a Bulwark addition: yara 4.2.3 refuses it
        switch (n.kind) {
            case STRUCT -> n.fields.forEach((k, c) -> accesses(path + "." + k, c, out));
            case ARRAY -> accesses(path + "[0]", n.elem, out);
            case DICT -> accesses(path + "[\"a\"]", n.elem, out);
            case FUNC -> {
                for (String[] o : n.overloads) {
                    out.add(path + "(" + arguments(o[0], "\"a\"", "/a/") + ")");
                }
            }
            default -> out.add(path);
        }
    }
}
