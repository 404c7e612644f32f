package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * -f/--file-list names as clamscan reads them: only a line's trailing CR/LF is taken off (a name ending or starting
 * with spaces or holding a tab is scanned as written), files named on the command line besides a list are ignored
 * with clamscan's warning, and a name that is not UTF-8 is scanned (it ended the whole scan with "Input length = 1").
 */
class FileListNamesTest {
    @TempDir
    Path tmp;

    @Test
    void namesAreTakenAsWrittenAsClamscanDoes() throws Exception {
        Path d = ClamscanCases.casesDir(tmp);
        for (String n : new String[] {"trail.com ", "tab\tx.com", "plain.com", " lead.com"}) Files.writeString(d.resolve(n), ClamscanCases.EICAR);
        Files.writeString(d.resolve("clean.txt"), "nothing\n");
        Path list = Files.writeString(tmp.resolve("list"), d + "/trail.com \n" + d + "/tab\tx.com\r\n" + d + "/clean.txt\r\r\n"
                + " " + d + "/plain.com\n" + d + "/ lead.com\n");
        String db = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString();
        for (String[] a : new String[][] {{"--no-summary", "-d", db, "-f", list.toString()},
                {"--no-summary", "-d", db, "-f", list.toString(), d.resolve("plain.com").toString()}}) {
            ScanCommandTest.Run c = ScanCommandTest.clamscan(a), b = ScanCommandTest.bulwark(a);
            assertEquals(ClamscanCases.lines(c.out()), ClamscanCases.lines(b.out()));
            assertEquals(ClamscanCases.lines(c.err()), ClamscanCases.lines(b.err()));
            assertEquals(c.rc(), b.rc());
        }
    }

    @Test
    void aNameNotInUtf8IsScannedAsClamscanScansIt() throws Exception {
        Path d = ClamscanCases.casesDir(tmp);
        Files.writeString(d.resolve("plain.com"), ClamscanCases.EICAR);
        byte[] n = latinEicar(d);
        ByteArrayOutputStream list = new ByteArrayOutputStream();
        list.writeBytes(n);
        list.writeBytes(("\n" + d + "/plain.com\n").getBytes(StandardCharsets.UTF_8));
        Path l = Files.write(tmp.resolve("list"), list.toByteArray());
        String db = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString();
        String[] a = {"--no-summary", "-d", db, "-f", l.toString()};
        ScanCommandTest.Run c = ScanCommandTest.clamscan(a), b = ScanCommandTest.bulwark(a);
        assertEquals(c.out(), b.out());
        assertEquals(c.rc(), b.rc());
        assertEquals(2, b.out().split("Eicar-Test-Signature.UNOFFICIAL FOUND").length - 1, b.out() + b.err());
    }

    /**
     * clamscan reads a list with fgets into a 1,024-byte buffer: a line longer than 1,023 bytes is two names or more
     * (each piece alone, a piece of only "\n" the name "\n"), an empty line is the name "\n" and a line "\r\n" the name
     * "\r" (neither a file: perror's line and "Can't access file"), a line beginning with a NUL ends the list, and an
     * empty list scans nothing (Bulwark took a line whole, passed empty ones over, read past a leading NUL, and scanned
     * the working directory for an empty list). perror's wording follows errno ("File name too long", "Not a directory").
     */
    @Test
    void linesAreReadInClamscansPiecesOf1023Bytes() throws Exception {
        Path d = ClamscanCases.casesDir(tmp);
        Files.writeString(d.resolve("e.com"), ClamscanCases.EICAR);
        Files.writeString(d.resolve("clean.txt"), "nothing\n");
        String db = Files.writeString(tmp.resolve("t.hdb"), ClamscanCases.EICAR_HDB).toString();
        String clean = d + "/clean.txt\n", eicar = d + "/e.com\n";
        String[] lists = {
            clean + "\n" + eicar,
            clean + "\r\n" + eicar,
            clean + "x".repeat(2000) + "\n" + eicar,
            clean + "y".repeat(1023) + "\n" + eicar,
            clean + "/".repeat(1020 - d.toString().length()) + d + "/e.com\n" + eicar, // a name cut in two: ".../e." and "com"
            clean + "\0abc\n" + eicar,
            clean + "ab\0c\n" + eicar,
            clean + d + "/clean.txt/x\n" + eicar,
            "",
        };
        for (String l : lists) {
            Path list = Files.writeString(tmp.resolve("list"), l, StandardCharsets.ISO_8859_1);
            sameAsClamscan("--no-summary", "-d", db, "-f", list.toString());
        }
    }

    /** The bytes of {@code d/lat\xE9.com} (ISO-8859-1: not UTF-8), a file holding EICAR written under that name. */
    static byte[] latinEicar(Path d) throws Exception {
        ByteArrayOutputStream name = new ByteArrayOutputStream();
        name.writeBytes((d + "/lat").getBytes(StandardCharsets.UTF_8));
        name.write(0xe9); // ISO-8859-1 é
        name.writeBytes(".com".getBytes(StandardCharsets.UTF_8));
        byte[] n = name.toByteArray();
        Files.writeString(dev.bulwark.engine.RawNames.path(dev.bulwark.engine.RawNames.decode(n, 0, n.length)), ClamscanCases.EICAR);
        return n;
    }

    /** Runs clamscan and Bulwark with {@code a}: the same standard output, standard error and exit code. */
    static void sameAsClamscan(String... a) throws Exception {
        ScanCommandTest.Run c = ScanCommandTest.clamscan(a), b = ScanCommandTest.bulwark(a);
        assertEquals(c.out(), b.out(), b.err());
        assertEquals(c.err(), b.err());
        assertEquals(c.rc(), b.rc());
    }
}
