package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A ZIP member larger than {@code --max-filesize} is cut, and its head scanned, as ClamAV's unzip
 * does (whole 8 KiB output chunks for compressed members): a signature before the cut is found, one
 * after it is not, exactly where clamscan finds it.
 */
class TrimmedMemberTest {
    private static final String BODY = "bb7110400033c050508bf3535350b029";

    @Test
    void headOfAnOversizedMemberIsScannedLikeClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
        Path db = tmp.resolve("t.ndb");
        Files.writeString(db, "Trim.Test:0:*:" + BODY + "\n");
        int[] offsets = {100, 8170, 8190, 9000, 30000};
        String[] limits = {"10000", "33000", "8000"};
        for (int off : offsets) {
            Path zip = tmp.resolve("m" + off + ".zip");
            Files.write(zip, zipWithMarkerAt(off, 200_000));
            for (String limit : limits) {
                String[] args = {"--no-summary", "-d", db.toString(), "--max-filesize=" + limit, zip.toString()};
                ScanCommandTest.Run c = ScanCommandTest.clamscan(args), b = ScanCommandTest.bulwark(args);
                assertEquals(c.out(), b.out(), "offset " + off + ", max file size " + limit);
                assertEquals(c.rc(), b.rc(), "exit code, offset " + off + ", max file size " + limit);
            }
        }
    }

    private static byte[] zipWithMarkerAt(int offset, int size) throws Exception {
        byte[] data = new byte[size];
        System.arraycopy(HexFormat.of().parseHex(BODY), 0, data, offset, BODY.length() / 2);
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(o)) {
            z.putNextEntry(new ZipEntry("m.bin"));
            z.write(data);
            z.closeEntry();
        }
        return o.toByteArray();
    }
}
