package dev.bulwark.cli;

import static dev.bulwark.cli.ClamscanCases.EICAR;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ClamAV finds an object's "stream" keyword by searching the object (pdf.c find_stream_bounds), so bytes that are
 * no PDF white space between the dictionary and "stream" (a vertical tab, a DEL, junk text) do not hide the
 * stream. Bulwark required white space only, so EICAR in a FlateDecode stream behind '>>\x0bstream' was OK where
 * clamscan finds it. Expectations: clamscan 1.4.6 on the same 13 PDFs.
 */
class PdfStreamKeywordTest {
    static byte[] pdf(String between) {
        Deflater d = new Deflater();
        d.setInput(("hello world\n".repeat(20) + EICAR + "\n").getBytes(StandardCharsets.ISO_8859_1));
        d.finish();
        byte[] z = new byte[4096];
        z = Arrays.copyOf(z, d.deflate(z));
        d.end();
        return DeflateDataErrorTest.pdf(z, between);
    }

    @Test
    void junkBeforeTheStreamKeyword(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        String[] betweens = {"\n", " ", "\u000b", "\u0001", "x", "\u007f", "\u000c", "\u00ff", "\u000bjunk junk ", "\u0001junk junk ",
            "\n/Foo (stream) ", "", "\r\n"};
        for (int i = 0; i < betweens.length; i++) Files.write(dir.resolve("c" + i + ".pdf"), pdf(betweens[i]));
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", ClamscanCases.EICAR_NDB, dir);
        assertTrue(c.out().contains("c2.pdf: Eicar-Body.UNOFFICIAL FOUND"), c.out());
    }
}
