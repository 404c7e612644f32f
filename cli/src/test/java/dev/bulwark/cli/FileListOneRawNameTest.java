package dev.bulwark.cli;

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
        byte[] n = FileListNamesTest.latinEicar(d);
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        list.writeBytes(n);
        list.write('\n');
        Path l = Files.write(tmp.resolve("list"), list.toByteArray());
        String db = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString();
        String[] a = {"--no-summary", "-d", db, "-f", l.toString()};
        FileListNamesTest.sameAsClamscan(a);
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
        FileListNamesTest.sameAsClamscan(a);
    }
}
