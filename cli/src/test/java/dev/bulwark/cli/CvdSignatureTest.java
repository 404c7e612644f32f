package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A .cvd whose MD5 is right but whose header signature is not ClamAV's: clamscan refuses it, so do we. */
class CvdSignatureTest {
    @Test
    void forgedCvdIsRefusedAsClamscanRefusesIt(@TempDir Path tmp) throws Exception {
        ClamscanCases.assumeClamscan();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(new GZIPOutputStream(body))) {
            byte[] b = "44d88612fea8a8f36de82e1278abb02f:68:Forged.Official.Sig\n".getBytes(StandardCharsets.US_ASCII);
            TarArchiveEntry te = new TarArchiveEntry("daily.hdb");
            te.setSize(b.length);
            tar.putArchiveEntry(te);
            tar.write(b);
            tar.closeArchiveEntry();
        }
        byte[] bb = body.toByteArray();
        String md5 = HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bb));
        String header = "ClamAV-VDB:26 Nov 2026 10-00 +0000:27500:1:90:" + md5 + ":AAAAforgedSignatureAAAA:mallory:1795506093";
        byte[] cvd = new byte[512 + bb.length];
        java.util.Arrays.fill(cvd, 0, 512, (byte) ' ');
        System.arraycopy(header.getBytes(StandardCharsets.US_ASCII), 0, cvd, 0, header.length());
        System.arraycopy(bb, 0, cvd, 512, bb.length);
        Path db = Files.createDirectories(tmp.resolve("db"));
        Files.write(db.resolve("daily.cvd"), cvd);
        Path target = Files.writeString(tmp.resolve("eicar.com"), ClamscanCases.EICAR);
        String[] args = {"--no-summary", "-d", db.toString(), target.toString()};
        ScanCommandTest.Run c = ScanCommandTest.clamscan(args), b = ScanCommandTest.bulwark(args);
        assertEquals(2, c.rc(), c.out() + c.err());
        assertTrue(c.err().contains("Can't verify database integrity"), c.err());
        assertEquals(c.rc(), b.rc(), b.out() + b.err());
        assertFalse(b.out().contains("FOUND"), b.out());
        assertTrue(b.err().contains("Digital signature verification error"), b.err());
    }
}
