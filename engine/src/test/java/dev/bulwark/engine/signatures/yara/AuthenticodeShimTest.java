package dev.bulwark.engine.signatures.yara;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pe module's Authenticode fields on a real Microsoft signature, when Debian's shim-signed and sbsigntool are installed. */
class AuthenticodeShimTest {
    private static String sbverify(String file) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("sbverify", file).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        return out;
    }

    /**
     * Microsoft's signature on Debian's UEFI shim (shim-signed), against sbverify (sbsigntool): it verifies, and
     * with one byte of the image changed our file digest is the digest sbverify computes (the Authenticode
     * specification's section-by-section hash, which equals authenticode-parser's whole-file hash for this file).
     * The shim's timestamp token is one OpenSSL reads only as CMS.
     */
    @Test
    void microsoftSignatureAgreesWithSbverify(@TempDir Path tmp) throws Exception {
        Path shim = Path.of("/usr/lib/shim/shimx64.efi.signed");
        Assumptions.assumeTrue(Files.exists(shim) && Files.isExecutable(Path.of("/usr/bin/sbverify")), "shim-signed / sbsigntool not installed");
        Map<String, Object> ours = YaraDump.ours("pe", Files.readAllBytes(shim));
        assertTrue(sbverify(shim.toString()).contains("Signature verification OK"));
        assertEquals(1L, ours.get("signatures[0].verified"));
        assertEquals(1L, ours.get("is_signed"));
        assertEquals(ours.get("signatures[0].digest"), ours.get("signatures[0].file_digest"));
        assertEquals(1L, ours.get("signatures[0].countersignatures[0].verified"));
        assertEquals("Software in the Public Interest, Inc", ours.get("signatures[0].signer_info.program_name"));
        // the second WIN_CERTIFICATE: yara 4.2.3 lists it, authenticode-parser does not read it
        assertEquals(0L, ours.get("signatures[1].verified"));
        byte[] bad = Files.readAllBytes(shim);
        bad[4096] ^= 0x5A;
        Path b = tmp.resolve("shim-bad.efi");
        Files.write(b, bad);
        String out = sbverify(b.toString());
        Matcher m = Pattern.compile("expecting: ([0-9a-f]{64})").matcher(out);
        assertTrue(m.find() && out.contains("Image fails hash check"), out);
        Map<String, Object> o = YaraDump.ours("pe", bad);
        assertEquals(m.group(1), o.get("signatures[0].file_digest"));
        assertEquals(ours.get("signatures[0].digest"), o.get("signatures[0].digest"));
        assertEquals(0L, o.get("signatures[0].verified"));
        assertEquals(0L, o.get("is_signed"));
    }

}
