package dev.bulwark.cli;

import static dev.bulwark.cli.ClamscanCases.EICAR;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV's cpio readers (odc and newc) convert only the name size and file size of a header, with sscanf
 * (leading digits): garbage in the fields they do not read (mode, device, ...) or after a size's digits does
 * not end the archive. Each case damages one field of EICAR's header; clamscan 1.4.6 and bulwark scan agree.
 */
class CpioHeaderFieldsTest {
    @Test
    void fieldsClamAvDoesNotReadDoNotEndTheArchive(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String[][] members = {{"a.txt", "hello".repeat(40)}, {"e.com", EICAR}};
        byte[] odc = odc(members), newc = newc(members);
        int odcSecond = 76 + 6 + 200, newcSecond = second(newc);
        // {archive, field offset in EICAR's header, replacement, name}
        Object[][] cases = {{odc, 18, "zzzzzz", "odc-mode"}, {odc, 6, "zzzzzz", "odc-dev"}, {odc, 36, "??????", "odc-uid"},
                {odc, 48, "zzzzzz", "odc-nlink"}, {odc, 53, "zzzzzzzzzzz", "odc-mtime"},
                {odc, 65, "000000001zz", "odc-size-trailing"}, {odc, 59, "00006z", "odc-namesize-trailing"},
                {newc, 14, "0000ZZZZ", "newc-mode"}, {newc, 6, "ZZZZZZZZ", "newc-ino"}, {newc, 46, "ZZZZZZZZ", "newc-mtime"},
                {newc, 102, "ZZZZZZZZ", "newc-check"}};
        for (Object[] c : cases) {
            byte[] a = ((byte[]) c[0]).clone();
            byte[] v = ((String) c[2]).getBytes(StandardCharsets.US_ASCII);
            System.arraycopy(v, 0, a, (c[0] == odc ? odcSecond : newcSecond) + (int) c[1], v.length);
            Files.write(dir.resolve(c[3] + ".cpio"), a);
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.hdb", ClamscanCases.EICAR_HDB, dir);
        assertTrue(c.out().contains("FOUND"), c.out());
    }

    private static int second(byte[] newc) {
        String s = new String(newc, StandardCharsets.ISO_8859_1);
        return s.indexOf("070701", 1);
    }

    private static byte[] odc(String[][] members) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (String[] m : append(members)) {
            byte[] name = (m[0] + "\0").getBytes(StandardCharsets.US_ASCII), data = m[1].getBytes(StandardCharsets.ISO_8859_1);
            String h = "070707" + String.format("%06o%06o%06o%06o%06o%06o%06o%011o%06o%011o", 0, 1, 0100644, 0, 0, 1, 0, 0, name.length, data.length);
            o.writeBytes(h.getBytes(StandardCharsets.US_ASCII));
            o.writeBytes(name);
            o.writeBytes(data);
        }
        return o.toByteArray();
    }

    private static byte[] newc(String[][] members) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int ino = 1;
        for (String[] m : append(members)) {
            byte[] name = (m[0] + "\0").getBytes(StandardCharsets.US_ASCII), data = m[1].getBytes(StandardCharsets.ISO_8859_1);
            StringBuilder h = new StringBuilder("070701");
            for (int v : new int[] {ino++, 0100644, 0, 0, 1, 0, data.length, 0, 0, 0, 0, name.length, 0}) h.append(String.format("%08X", v));
            o.writeBytes(h.toString().getBytes(StandardCharsets.US_ASCII));
            o.writeBytes(name);
            while (o.size() % 4 != 0) o.write(0);
            o.writeBytes(data);
            while (o.size() % 4 != 0) o.write(0);
        }
        return o.toByteArray();
    }

    private static String[][] append(String[][] members) {
        String[][] all = java.util.Arrays.copyOf(members, members.length + 1);
        all[members.length] = new String[] {"TRAILER!!!", ""};
        return all;
    }
}
