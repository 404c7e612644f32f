package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (review15) A -f list of one name that is not UTF-8: the one-file shortcut looked it up with Path.of, which
 * cannot encode the name's escaped bytes (InvalidPathException), so the scan ended in an error where clamscan
 * finds the file (a list of two such names worked: FileListNamesTest).
 */
class FileListOneRawNameTest {
    @TempDir
    Path tmp;

    @Test
    void aListOfOneNameNotInUtf8IsScannedAsClamscanScansIt() throws Exception {
        Path d = ClamscanCases.casesDir(tmp);
        ByteArrayOutputStream name = new ByteArrayOutputStream();
        name.writeBytes((d + "/lat").getBytes(StandardCharsets.UTF_8));
        name.write(0xe9); // ISO-8859-1 é
        name.writeBytes(".com".getBytes(StandardCharsets.UTF_8));
        byte[] n = name.toByteArray();
        Files.writeString(dev.bulwark.engine.RawNames.path(dev.bulwark.engine.RawNames.decode(n, 0, n.length)), ClamscanCases.EICAR);
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        list.writeBytes(n);
        list.write('\n');
        Path l = Files.write(tmp.resolve("list"), list.toByteArray());
        String db = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString();
        String[] a = {"--no-summary", "-d", db, "-f", l.toString()};
        ScanCommandTest.Run c = ScanCommandTest.clamscan(a), b = ScanCommandTest.bulwark(a);
        assertEquals(c.out(), b.out(), b.err());
        assertEquals(c.err(), b.err());
        assertEquals(c.rc(), b.rc());
    }

    /**
     * A NUL in a --file-list line: clamscan reads the list into C strings, so the name ends at the NUL (the rest of
     * the line is lost); Bulwark kept the NUL and Path.of refused the name (InvalidPathException ended the scan).
     */
    @Test
    void aNulEndsTheNameAsInClamscan() throws Exception {
        Path d = ClamscanCases.casesDir(tmp);
        Files.writeString(d.resolve("e.com"), ClamscanCases.EICAR);
        Files.writeString(d.resolve("clean.txt"), "nothing\n");
        Path l = Files.write(tmp.resolve("list"), (d + "/e.com\0junk\n" + d + "/clean.txt\n\0\n").getBytes(StandardCharsets.UTF_8));
        String db = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString();
        String[] a = {"--no-summary", "-d", db, "-f", l.toString()};
        ScanCommandTest.Run c = ScanCommandTest.clamscan(a), b = ScanCommandTest.bulwark(a);
        assertEquals(c.out(), b.out(), b.err());
        assertEquals(c.err(), b.err());
        assertEquals(c.rc(), b.rc());
    }
}
