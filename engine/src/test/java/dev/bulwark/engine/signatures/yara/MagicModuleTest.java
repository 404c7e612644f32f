package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.signatures.yara.modules.Modules;
import dev.bulwark.engine.signatures.yara.modules.ScanInput;
import dev.bulwark.engine.signatures.yara.modules.YaraFunction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * magic.type() / magic.mime_type() against libmagic itself ({@code file -b}, {@code file -b --mime-type}) on common
 * files of this machine: the MIME type must be libmagic's and the description the leading part of libmagic's.
 */
class MagicModuleTest {
    private static final Path FILE = Path.of("/usr/bin/file");

    private static String file(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(FILE.toString(), "-b"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        p.waitFor();
        return out;
    }

    private static String call(Map<String, Object> m, String fn, byte[] d) {
        return new String((byte[]) ((YaraFunction) m.get(fn)).call(new ScanInput(d, 0, d.length), new Object[0]), StandardCharsets.ISO_8859_1);
    }

    @Test
    void agreesWithLibmagicOnCommonTypes() throws Exception {
        Assumptions.assumeTrue(Files.isExecutable(FILE), "file(1) not installed");
        List<Path> files = new ArrayList<>();
        for (String f : List.of("clam.exe", "clam.zip", "clam.pdf", "clam.7z", "clam.cab", "clam.exe.bz2", "clam.exe.rtf",
                "clam.exe.html", "clam.mail", "clam.arj", "clam.chm", "clam.newc.cpio", "clam.odc.cpio", "clam.tar.gz")) {
            files.add(Path.of("/usr/share/clamav-testfiles", f));
        }
        files.addAll(List.of(Path.of("/bin/ls"), Path.of("/etc/passwd"), Path.of("/usr/share/pixmaps/debian-logo.png")));
        Path dir = YaraConformanceTest.dir();
        if (dir != null) {
            for (String f : List.of("tiny", "mtxex.dll", "ChipTune.efi", "pe_mingw", "weird_rich", "elf_with_imports",
                    "tiny-macho", "dotnet_misaligned_guid", "xor.out")) {
                files.add(dir.resolve("data").resolve(f));
            }
        }
        List<String> diffs = new ArrayList<>();
        int checked = 0;
        for (Path f : files) {
            if (!Files.isRegularFile(f)) continue;
            byte[] d = Files.readAllBytes(f);
            Map<String, Object> m = Modules.get("magic").load(new ScanInput(d, 0, d.length));
            String type = call(m, "type", d), mime = call(m, "mime_type", d);
            String theirType = file(f.toString()), theirMime = file("--mime-type", f.toString());
            if (!theirType.startsWith(type)) diffs.add(f + ": type \"" + type + "\" is not a prefix of \"" + theirType + "\"");
            if (!theirMime.equals(mime)) diffs.add(f + ": mime " + mime + " vs " + theirMime);
            checked++;
        }
        diffs.forEach(System.out::println);
        Assumptions.assumeTrue(checked > 0, "no sample files");
        assertEquals(List.of(), diffs);
    }
}
