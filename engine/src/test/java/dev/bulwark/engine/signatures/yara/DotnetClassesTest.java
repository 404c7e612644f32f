package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.signatures.yara.modules.Modules;
import dev.bulwark.engine.signatures.yara.modules.ScanInput;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code dotnet.classes} against two oracles: the C# source of the committed fixture (rules written from what the
 * source declares, evaluated by our YARA engine; runs everywhere), and Mono's disassembler {@code monodis}
 * (see {@link MonodisClasses}) on the committed fixture, on the fixture recompiled from source by {@code mcs},
 * and on Mono's own assemblies. The monodis tests are skipped when Mono is not installed.
 */
class DotnetClassesTest {
    static final String FIXTURE = "dotnet-classes/Types";

    static byte[] resource(String name) throws Exception {
        try (InputStream in = DotnetClassesTest.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    static Map<String, Object> ours(byte[] data) {
        return Modules.get("dotnet").load(new ScanInput(data, 0, data.length));
    }

    /** Differences between monodis' classes and ours, as readable lines. */
    static List<String> diff(Map<String, Object> expected, Map<String, Object> actual) {
        List<String> d = new ArrayList<>();
        TreeSet<String> keys = new TreeSet<>(expected.keySet());
        keys.addAll(actual.keySet());
        for (String k : keys) {
            Object e = expected.get(k), a = actual.get(k);
            if (e == null ? a != null : !e.equals(a)) d.add(k + ": monodis " + e + ", ours " + a);
        }
        return d;
    }

    static Map<String, Object> flatOurs(byte[] data) {
        Map<String, Object> out = new TreeMap<>();
        Object classes = ours(data).get("classes");
        MonodisClasses.flatten(classes == null ? List.of() : (List<?>) classes, out);
        return out;
    }

    private static List<String> compareWithMonodis(Path assembly) throws Exception {
        return diff(MonodisClasses.expected(assembly), flatOurs(Files.readAllBytes(assembly)));
    }

    private static void assumeMonodis() {
        Assumptions.assumeTrue(Files.isExecutable(MonodisClasses.MONODIS), "monodis (mono-utils) not installed");
    }

    /** What the C# source declares, checked through rules; needs no external tool. */
    @Test
    void fixtureAgainstItsSource() throws Exception {
        String[] conditions = {
            "dotnet.number_of_classes == 21",
            // class kinds, visibility, flags and base types, in TypeDef order
            "dotnet.classes[0].fullname == \"Fixture.Shapes.IShape\" and dotnet.classes[0].type == \"interface\" and dotnet.classes[0].generic_parameters[0] == \"T\" and dotnet.classes[0].number_of_base_types == 0",
            "dotnet.classes[2].name == \"Shape\" and dotnet.classes[2].abstract == 1 and dotnet.classes[2].number_of_generic_parameters == 2 and dotnet.classes[2].base_types[0] == \"System.Object\"",
            "dotnet.classes[3].fullname == \"Fixture.Shapes.Circle\" and dotnet.classes[3].sealed == 1 and dotnet.classes[3].base_types[0] == \"Fixture.Shapes.Shape<string,System.Collections.Generic.List<int>>\" and dotnet.classes[3].base_types[1] == \"Fixture.Shapes.IShape<string>\" and dotnet.classes[3].base_types[3] == \"System.IDisposable\"",
            "dotnet.classes[4].name == \"Helpers\" and dotnet.classes[4].abstract == 1 and dotnet.classes[4].sealed == 1", // static class
            "dotnet.classes[5].base_types[0] == \"System.ValueType\" and dotnet.classes[6].base_types[0] == \"System.Enum\"",
            // nested types: the enclosing type's full name is the namespace
            "for any c in dotnet.classes : (c.fullname == \"Fixture.Shapes.Outer.Inner.Innermost\" and c.namespace == \"Fixture.Shapes.Outer.Inner\" and c.visibility == \"protected\" and c.generic_parameters[1] == \"U\")",
            "for any c in dotnet.classes : (c.fullname == \"Fixture.Shapes.Outer.FamilyAndAssembly\" and c.visibility == \"private protected\")",
            "for any c in dotnet.classes : (c.fullname == \"GlobalType\" and c.namespace == \"\") and for any c in dotnet.classes : (c.fullname == \"GlobalType.NestedInGlobal\")",
            "for any c in dotnet.classes : (c.fullname == \"Fixture.InternalType\" and c.visibility == \"internal\")",
            // methods: signatures, flags, generic parameters
            "for any m in dotnet.classes[3].methods : (m.name == \"Raw\" and m.static == 1 and m.return_type == \"Ptr<int>\" and m.parameters[0].type == \"Ptr<int>[]\" and m.parameters[1].name == \"written\" and m.parameters[1].type == \"ref long\" and m.parameters[2].type == \"object[]\")",
            "for any m in dotnet.classes[3].methods : (m.name == \"Grid\" and m.return_type == \"int[,]\" and m.parameters[0].type == \"int[][]\" and m.parameters[1].type == \"string[,,]\")",
            "for any m in dotnet.classes[3].methods : (m.name == \"Map\" and m.number_of_generic_parameters == 2 and m.generic_parameters[1] == \"TV\" and m.return_type == \"System.Collections.Generic.Dictionary<TK,TV[]>\" and m.parameters[2].type == \"System.Collections.Generic.List<TK>\")",
            "for any m in dotnet.classes[3].methods : (m.name == \".ctor\" and not defined m.return_type and m.number_of_parameters == 0)",
            "for any m in dotnet.classes[3].methods : (m.name == \"Fixture.Shapes.IScaled.Scale\" and m.visibility == \"private\" and m.final == 1 and m.virtual == 1)",
            "for any m in dotnet.classes[3].methods : (m.name == \"Primitives\" and m.number_of_parameters == 18 and m.parameters[1].type == \"char\" and m.parameters[2].type == \"sbyte\" and m.parameters[14].type == \"IntPtr\" and m.parameters[15].type == \"UIntPtr\" and m.parameters[16].type == \"System.Decimal\" and m.parameters[17].type == \"TypedReference\")",
            "for any m in dotnet.classes[3].methods : (m.name == \"Deep\" and m.return_type == \"Ptr<Ptr<void>>\" and m.parameters[1].type == \"Ptr<Ptr<char>>\")",
            "for any m in dotnet.classes[3].methods : (m.name == \"Nullable\" and m.parameters[1].type == \"System.Nullable<System.DateTime>\")",
            "for any m in dotnet.classes[3].methods : (m.name == \"add_Changed\" and m.parameters[0].type == \"System.EventHandler\")",
            "for any m in dotnet.classes[2].methods : (m.name == \"Find\" and m.abstract == 1 and m.return_type == \"V\" and m.parameters[0].type == \"K\" and m.parameters[1].type == \"ref int\")",
            "for any m in dotnet.classes[2].methods : (m.name == \"Touch\" and m.visibility == \"protected internal\") and for any m in dotnet.classes[2].methods : (m.name == \"Hidden\" and m.visibility == \"private protected\")",
            "for any m in dotnet.classes[4].methods : (m.name == \"Max\" and m.generic_parameters[0] == \"T\" and m.return_type == \"T\") and for any m in dotnet.classes[4].methods : (m.name == \"Internal\" and m.visibility == \"internal\")",
            "for any c in dotnet.classes : (c.name == \"Derived\" and c.base_types[0] == \"Fixture.Shapes.Outer<string>\" and c.base_types[1] == \"System.IComparable<Fixture.Shapes.Derived>\" and for any m in c.methods : (m.name == \"Many\" and m.return_type == \"string[]\" and m.parameters[0].type == \"Fixture.Shapes.Outer.Inner<string>\"))",
            "for any c in dotnet.classes : (c.name == \"InternalType\" and c.methods[1].return_type == \"System.Collections.Generic.List<Fixture.Shapes.Outer.Inner<int>>\")",
            // YARA takes Param rows in order from the method's ParamList: the row [return: MarshalAs] adds for the
            // return value names the first parameter (empty name), and every later name moves one place
            "dotnet.classes[20].fullname == \"Fixture.Interop.Native\" and dotnet.classes[20].methods[0].name == \"CloseHandle\" and dotnet.classes[20].methods[0].parameters[0].name == \"\" and dotnet.classes[20].methods[0].parameters[0].type == \"IntPtr\"",
            "dotnet.classes[20].methods[1].parameters[0].name == \"name\" and dotnet.classes[20].methods[2].parameters[1].name == \"owner\" and dotnet.classes[20].methods[2].parameters[1].type == \"string\" and dotnet.classes[20].methods[2].return_type == \"int\"",
        };
        StringBuilder rules = new StringBuilder("import \"dotnet\"\n");
        for (int i = 0; i < conditions.length; i++) rules.append("rule r").append(i).append(" { condition: ").append(conditions[i]).append(" }\n");
        YaraRuleSet rs = YaraRuleSet.compile(List.of(new YaraSource("classes.yar", rules.toString())), Map.of(), null, new ArrayList<>());
        List<String> matched = rs.matchingRules(ByteBuffer.wrap(resource(FIXTURE + ".dll")));
        List<String> failed = new ArrayList<>();
        for (int i = 0; i < conditions.length; i++) if (!matched.contains("r" + i)) failed.add(conditions[i]);
        assertEquals(List.of(), failed);
    }

    @Test
    void committedFixtureAgainstMonodis(@TempDir Path tmp) throws Exception {
        assumeMonodis();
        Path dll = tmp.resolve("Types.dll");
        Files.write(dll, resource(FIXTURE + ".dll"));
        Map<String, Object> expected = MonodisClasses.expected(dll);
        assertTrue(expected.size() > 500, "monodis shows the fixture's classes");
        assertEquals(List.of(), diff(expected, flatOurs(Files.readAllBytes(dll))));
    }

    /** Recompiles the fixture from its C# source (mcs) and compares with monodis: the source is the test. */
    @Test
    void recompiledSourceAgainstMonodis(@TempDir Path tmp) throws Exception {
        assumeMonodis();
        Path mcs = Path.of("/usr/bin/mcs");
        Assumptions.assumeTrue(Files.isExecutable(mcs), "mcs (mono-mcs) not installed");
        Path src = tmp.resolve("Types.cs"), dll = tmp.resolve("Types.dll");
        Files.write(src, resource(FIXTURE + ".cs"));
        Process p = new ProcessBuilder(mcs.toString(), "-langversion:experimental", "-unsafe", "-target:library",
                "-out:" + dll, src.toString()).redirectErrorStream(true).start();
        String log = new String(p.getInputStream().readAllBytes());
        assertEquals(0, p.waitFor(), log);
        assertEquals(List.of(), compareWithMonodis(dll));
        Map<String, Object> classes = flatOurs(Files.readAllBytes(dll));
        assertEquals(flatOurs(resource(FIXTURE + ".dll")), classes, "the committed DLL is what the source compiles to");
    }

    /**
     * The fields yara 4.2.3 (installed here, without {@code classes}) has still agree on the fixture; reading the
     * type tables must not have disturbed them. public_key_or_token and constants: 4.2.3 drops the last byte of
     * #Blob values (fixed in later versions, as here).
     */
    @Test
    void otherFieldsAgreeWithInstalledYara(@TempDir Path tmp) throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(YaraDump.YARA), "yara not installed");
        Path dll = tmp.resolve("Types.dll");
        byte[] data = resource(FIXTURE + ".dll");
        Files.write(dll, data);
        java.util.function.Predicate<String> keep = k -> !k.startsWith("classes") && !k.equals("number_of_classes")
                && !k.endsWith("public_key_or_token") && !k.startsWith("constants[");
        Map<String, Object> yara = YaraDump.yara("dotnet", dll);
        assertTrue(yara.containsKey("number_of_user_strings") && yara.containsKey("assembly_refs[0].name"), "yara read the fixture");
        List<String> diffs = new ArrayList<>(YaraDump.diff(yara, YaraDump.ours("dotnet", data), keep));
        // Mono's assemblies, when installed; not mcs.exe: its MethodDef table has 10,700 rows, over yara 4.2.3's
        // limit of 10,000 (4.5 and we read up to 15,000), so 4.2.3 leaves the tables after it undefined
        for (String name : List.of("Mono.Security.dll", "System.Configuration.dll", "System.Core.dll", "System.Numerics.dll",
                "System.Security.dll", "Microsoft.CSharp.dll", "I18N.dll", "I18N.West.dll", "gacutil.exe")) {
            Path f = Path.of("/usr/lib/mono/4.5", name);
            if (!Files.exists(f)) continue;
            for (String d : YaraDump.diff(YaraDump.yara("dotnet", f), YaraDump.ours("dotnet", Files.readAllBytes(f)), keep)) diffs.add(name + ": " + d);
        }
        assertEquals(List.of(), diffs.subList(0, Math.min(diffs.size(), 20)));
    }

    /** Mono's own class libraries (real compiler output, thousands of methods), when installed. */
    @Test
    void monoAssembliesAgainstMonodis() throws Exception {
        assumeMonodis();
        List<String> diffs = new ArrayList<>();
        int classes = 0, methods = 0, files = 0;
        for (String name : List.of("Mono.Security.dll", "System.Configuration.dll", "System.Core.dll", "System.Numerics.dll",
                "System.Security.dll", "Microsoft.CSharp.dll", "I18N.dll", "I18N.West.dll", "gacutil.exe", "mcs.exe")) {
            Path f = Path.of("/usr/lib/mono/4.5", name);
            if (!Files.exists(f)) continue;
            files++;
            Map<String, Object> ours = flatOurs(Files.readAllBytes(f));
            classes += (int) ours.keySet().stream().filter(k -> k.endsWith("|fullname")).count();
            methods += (int) ours.keySet().stream().filter(k -> k.matches(".*\\|methods\\[\\d+\\]\\.name")).count();
            for (String d : diff(MonodisClasses.expected(f), ours)) diffs.add(name + ": " + d);
        }
        Assumptions.assumeTrue(files > 0, "Mono's class libraries not installed");
        System.out.println("dotnet.classes vs monodis on " + files + " Mono assemblies: " + classes + " classes, " + methods
                + " methods, " + diffs.size() + " differing fields");
        diffs.stream().limit(40).forEach(System.out::println);
        assertEquals(List.of(), diffs.subList(0, Math.min(diffs.size(), 40)));
    }
}
