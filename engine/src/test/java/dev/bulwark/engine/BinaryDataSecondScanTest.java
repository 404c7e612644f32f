package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.formats.archivetest.Tools;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (sz16) libclamav's magic_scan scans a binary-data layer twice: the raw scan (generic signatures and hashes), then,
 * after it, once more as CL_TYPE_OTHER (target-14 signatures first, generic ones, hashes). clamscan --allmatch so
 * prints each generic, hash, logical or YARA detection of such a layer twice (a 7z holding a binary member printed one
 * line more than Bulwark); without --allmatch a generic signature wins over a target-14 one found earlier in the data.
 * Lines recorded with clamscan 1.4.6 (2026-11-27) and compared again when it is installed.
 */
class BinaryDataSecondScanTest {
    private static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    private static List<String> ours(Path db, Path p, boolean allMatch) throws Exception {
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        return engine.scan(p, ScanOptions.defaults().withAllMatch(allMatch)).detections().stream().map(d -> d.name()).toList();
    }

    /** clamscan's lines for {@code p} (names only), or null when it is not installed. */
    private static List<String> clamscan(Path db, Path p, boolean allMatch) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/clamscan"))) return null;
        List<String> cmd = new ArrayList<>(List.of("clamscan", "--no-summary", "-d", db.toString()));
        if (allMatch) cmd.add("--allmatch");
        cmd.add(p.toString());
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        proc.waitFor();
        List<String> names = new ArrayList<>();
        for (String line : out.split("\n")) if (line.endsWith(" FOUND")) names.add(line.substring(line.lastIndexOf(": ") + 2, line.length() - 6));
        return names;
    }

    private static void check(Path db, Path p, boolean allMatch, List<String> recorded) throws Exception {
        assertEquals(recorded, ours(db, p, allMatch), p.getFileName() + (allMatch ? " --allmatch" : ""));
        List<String> c = clamscan(db, p, allMatch);
        if (c != null) assertEquals(recorded, c, "clamscan changed on " + p.getFileName() + (allMatch ? " --allmatch" : ""));
    }

    @Test
    void binaryDataIsScannedTwiceAsClamscan(@TempDir Path tmp) throws Exception {
        byte[] bin = new byte[16000]; // zeros: CL_TYPE_BINARY_DATA; EICAR at 8000
        System.arraycopy(EICAR.getBytes(StandardCharsets.US_ASCII), 0, bin, 8000, EICAR.length());
        Path p = Files.write(tmp.resolve("bin.dat"), bin);
        Path db = Files.createDirectories(tmp.resolve("db"));
        Files.writeString(db.resolve("s.ndb"), "Any.Sig:0:*:58354f2150254041505b345c505a5835\nOther.Sig:14:*:4549434152\n");
        Files.writeString(db.resolve("h.hdb"), HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bin)) + ":16000:Bin-Hash\n");
        check(db, p, true, List.of("Any.Sig.UNOFFICIAL", "Bin-Hash.UNOFFICIAL", "Other.Sig.UNOFFICIAL", "Any.Sig.UNOFFICIAL", "Bin-Hash.UNOFFICIAL"));
        check(db, p, false, List.of("Any.Sig.UNOFFICIAL")); // before: Other.Sig (one pass with both targets)
        // the same member in a plain LZMA 7z, next to a text EICAR (text: one scan)
        Tools.requireTool("7z");
        Files.writeString(tmp.resolve("eicar.txt"), EICAR, StandardCharsets.US_ASCII);
        Path z = tmp.resolve("a.7z");
        Tools.run(tmp, null, "7z", "a", "-bd", "-m0=LZMA", "-mf=off", z.toString(), "bin.dat", "eicar.txt");
        check(db, z, true, List.of("Any.Sig.UNOFFICIAL", "Bin-Hash.UNOFFICIAL", "Other.Sig.UNOFFICIAL", "Any.Sig.UNOFFICIAL",
                "Bin-Hash.UNOFFICIAL", "Any.Sig.UNOFFICIAL"));
        check(db, z, false, List.of("Any.Sig.UNOFFICIAL"));
        // a target-14 signature alone: found by the second scan, with or without --allmatch
        Path other = Files.createDirectories(tmp.resolve("other"));
        Files.writeString(other.resolve("o.ndb"), "Other.Sig:14:*:4549434152\n");
        check(other, p, false, List.of("Other.Sig.UNOFFICIAL"));
        check(other, p, true, List.of("Other.Sig.UNOFFICIAL"));
    }
}
