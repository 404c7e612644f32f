package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Compares every field of our macho, dex, dotnet and pe (Authenticode) modules with what the installed
 * {@code yara} 4.2.3 computes ({@code yara -D}) on real files: YARA's own test samples from the shared
 * conformance suite, and .NET / signed PE files from Debian packages when they are installed.
 */
class ModuleDifferentialTest {
    private static Path conformance() {
        Path p = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (int i = 0; i < 4 && p != null; i++, p = p.getParent()) {
            Path c = p.resolve("../shared/conformance/yara").normalize();
            if (Files.isDirectory(c)) return c;
        }
        return null;
    }

    /** The inputs of the conformance cases that import {@code module} and carry their data inline, deduplicated. */
    private static List<byte[]> inlineSamples(String module) throws Exception {
        Path dir = conformance();
        List<byte[]> out = new ArrayList<>();
        if (dir == null) return out;
        java.util.Set<String> seen = new java.util.HashSet<>();
        for (String l : Files.readAllLines(dir.resolve("yara-test-modules.jsonl"))) {
            @SuppressWarnings("unchecked")
            Map<String, Object> c = (Map<String, Object>) MiniJson.parse(l);
            String rule = String.valueOf(c.get("rule")), hex = (String) c.get("data_hex");
            if (rule.contains("import \"" + module + "\"") && hex != null && !hex.isEmpty() && seen.add(hex)) {
                out.add(HexFormat.of().parseHex(hex));
            }
        }
        return out;
    }

    private static byte[] seed(String path) throws Exception {
        try (var in = ModuleDifferentialTest.class.getResourceAsStream("FormatModulesFuzzTestInputs/" + path)) {
            return in.readAllBytes();
        }
    }

    private static List<String> compare(String module, Path file, Predicate<String> keep) throws Exception {
        List<String> d = YaraDump.diff(YaraDump.yara(module, file), YaraDump.ours(module, Files.readAllBytes(file)), keep);
        List<String> out = new ArrayList<>();
        for (String s : d) out.add(file.getFileName() + ": " + s);
        return out;
    }

    private static List<String> compareBytes(String module, byte[] data, Predicate<String> keep) throws Exception {
        Path f = Files.createTempFile("sample", ".bin");
        try {
            Files.write(f, data);
            return compare(module, f, keep);
        } finally {
            Files.deleteIfExists(f);
        }
    }

    private static void assumeYara() {
        Assumptions.assumeTrue(Files.isExecutable(YaraDump.YARA), "yara not installed");
    }

    private static void check(List<String> diffs) {
        diffs.forEach(System.out::println);
        assertEquals(List.of(), diffs);
    }

    @Test
    void macho() throws Exception {
        assumeYara();
        List<String> diffs = new ArrayList<>();
        // magic: yara >= 4.3 reports the first four bytes read big-endian (YARA's test-macho.c checks that, and
        // the conformance case passes here); 4.2.3 reported them in the file's byte order.
        Predicate<String> keep = k -> !k.equals("magic") && !k.matches("file\\[\\d+\\]\\.magic");
        for (byte[] d : inlineSamples("macho")) diffs.addAll(compareBytes("macho", d, keep));
        for (String s : List.of("macho/macho64", "macho/fat")) diffs.addAll(compareBytes("macho", seed(s), keep));
        Path dir = conformance();
        if (dir != null) {
            for (String f : List.of("tiny-macho", "tiny-universal")) diffs.addAll(compare("macho", dir.resolve("data").resolve(f), keep));
        }
        check(diffs);
    }

    @Test
    void dex() throws Exception {
        assumeYara();
        List<String> diffs = new ArrayList<>();
        // field[i].static / .instance were added after 4.2.3; yara -D prints strings holding a newline
        // ("dex\n035\0") over two lines, which this comparison cannot read back.
        Predicate<String> keep = k -> !k.matches("field\\[\\d+\\]\\.(static|instance)") && !k.startsWith("DEX_FILE_MAGIC")
                && !k.equals("header.magic") && !k.equals("header.signature"); // 4.2.3 cuts the signature at its first NUL (later fixed)
        for (byte[] d : inlineSamples("dex")) diffs.addAll(compareBytes("dex", d, keep));
        diffs.addAll(compareBytes("dex", seed("dex/dex035"), keep));
        check(diffs);
    }

    @Test
    void dotnet() throws Exception {
        assumeYara();
        List<String> diffs = new ArrayList<>();
        Path dir = conformance();
        List<Path> files = new ArrayList<>();
        if (dir != null) {
            for (String f : List.of("tiny", "dotnet_misaligned_guid", "bad_dotnet_pe", "mtxex.dll")) files.add(dir.resolve("data").resolve(f));
        }
        // .NET assemblies shipped by Debian's mono packages, when installed (libmono-system4.0-cil)
        files.add(Path.of("/usr/lib/mono/4.5/System.dll"));
        for (Path f : files) {
            // classes (type and method signatures) are not in yara 4.2.3 (DotnetClassesTest checks them against
            // monodis); public_key_or_token: yara 4.2.3 drops the last byte of #Blob values (see below).
            Predicate<String> keep = k -> !k.startsWith("classes") && !k.startsWith("number_of_classes")
                    && !k.endsWith("public_key_or_token");
            if (Files.exists(f)) diffs.addAll(compare("dotnet", f, keep));
        }
        // yara 4.2.3 dropped the last byte of every #Blob value (ECMA-335's trailing flag byte exists only in #US);
        // later versions fixed it, as we do.
        diffs.addAll(compareBytes("dotnet", seed("dotnet/assembly"), k -> !k.startsWith("constants[") && !k.endsWith("public_key_or_token")
                && !k.startsWith("classes") && !k.equals("number_of_classes")));
        check(diffs);
    }

    @Test
    void authenticodeSignatures() throws Exception {
        assumeYara();
        List<String> diffs = new ArrayList<>();
        List<Path> files = new ArrayList<>();
        Path dir = conformance();
        if (dir != null) {
            for (String f : List.of("tiny", "authenticode_short_digest", "mtxex.dll", "ChipTune.efi")) files.add(dir.resolve("data").resolve(f));
        }
        // Microsoft-signed UEFI shim from Debian's shim-signed package, when installed (two signatures, one nested)
        Path shim = Path.of("/usr/lib/shim/shimx64.efi.signed");
        files.add(shim);
        // only the fields yara 4.2.3 has: the YARA 4.3+ ones (verified, digests, certificates, signer_info,
        // countersignatures; is_signed) are compared with osslsigncode in AuthenticodeDifferentialTest
        java.util.Set<String> old = java.util.Set.of("thumbprint", "issuer", "subject", "version", "algorithm", "algorithm_oid", "serial", "not_before", "not_after");
        Predicate<String> keep = k -> k.equals("number_of_signatures") || k.matches("signatures\\[\\d+\\]\\.\\w+") && old.contains(k.substring(k.indexOf('.') + 1));
        for (Path f : files) if (Files.exists(f)) diffs.addAll(compare("pe", f, keep));
        diffs.addAll(compareBytes("pe", seed("signatures/signed-pe"), keep)); // crafted: self-signed CMS signature
        check(diffs);
        if (Files.exists(shim)) {
            Map<String, Object> ours = YaraDump.ours("pe", Files.readAllBytes(shim));
            assertEquals(2L, ours.get("number_of_signatures"), "the shim carries a signature and a nested one");
        }
    }
}
