package dev.bulwark.cli;

import static dev.bulwark.cli.ClamscanCases.EICAR;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV's unzip extracts a member by its local header's method and flags: a central directory that says
 * "encrypted", bzip2 or an unknown method for a member stored or deflated plainly does not hide it, nor does
 * a last record whose name, extra field or comment runs past the end. Each case changes one central-directory
 * field of EICAR's entry; clamscan 1.4.6 and bulwark scan agree.
 */
class ZipLocalHeaderTest {
    @Test
    void centralDirectoryMethodAndFlagsDoNotHideAMember(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        for (int method : new int[] {ZipEntry.STORED, ZipEntry.DEFLATED}) {
            byte[] zip = zip(method);
            int cd = lastIndexOf(zip, new byte[] {'P', 'K', 1, 2});
            Object[][] edits = {{10, new byte[] {(byte) 0xff, (byte) 0xff}, "method-ffff"}, {10, new byte[] {99, 0}, "method-99"},
                    {10, new byte[] {12, 0}, "method-bzip2"}, {8, new byte[] {1, 0}, "flag-encrypted"}, {8, new byte[] {0x41, 0}, "flag-strong"},
                    {30, new byte[] {(byte) 0xff, 0}, "extra-past-end"}, {28, new byte[] {(byte) 0xff, 0}, "name-past-end"},
                    {32, new byte[] {(byte) 0xff, 0}, "comment-past-end"}};
            for (Object[] e : edits) {
                byte[] z = zip.clone();
                byte[] v = (byte[]) e[1];
                System.arraycopy(v, 0, z, cd + (int) e[0], v.length);
                Files.write(dir.resolve((method == ZipEntry.STORED ? "stored-" : "deflated-") + e[2] + ".zip"), z);
            }
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.hdb", ClamscanCases.EICAR_HDB, dir);
        assertTrue(c.out().contains("FOUND"), c.out());
    }

    private static byte[] zip(int method) throws Exception {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bo)) {
            for (String[] m : new String[][] {{"a.txt", "hello world ".repeat(50)}, {"e.com", EICAR}}) {
                byte[] d = m[1].getBytes(StandardCharsets.ISO_8859_1);
                ZipEntry e = new ZipEntry(m[0]);
                e.setMethod(method);
                if (method == ZipEntry.STORED) {
                    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                    crc.update(d);
                    e.setSize(d.length);
                    e.setCompressedSize(d.length);
                    e.setCrc(crc.getValue());
                }
                z.putNextEntry(e);
                z.write(d);
                z.closeEntry();
            }
        }
        return bo.toByteArray();
    }

    private static int lastIndexOf(byte[] a, byte[] m) {
        outer:
        for (int i = a.length - m.length; i >= 0; i--) {
            for (int j = 0; j < m.length; j++) if (a[i + j] != m[j]) continue outer;
            return i;
        }
        return -1;
    }
}
