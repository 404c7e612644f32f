package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;
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
    static final String EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*";

    static byte[] pdf(String between) {
        Deflater d = new Deflater();
        d.setInput(("hello world\n".repeat(20) + EICAR + "\n").getBytes(StandardCharsets.ISO_8859_1));
        d.finish();
        byte[] z = new byte[4096];
        z = Arrays.copyOf(z, d.deflate(z));
        d.end();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
                + "endobj\n3 0 obj\n<< /Length " + z.length + " /Filter /FlateDecode >>" + between + "stream\n").getBytes(StandardCharsets.ISO_8859_1));
        o.writeBytes(z);
        o.writeBytes("\nendstream\nendobj\ntrailer\n<< /Size 4 /Root 1 0 R >>\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1));
        return o.toByteArray();
    }

    @Test
    void junkBeforeTheStreamKeyword(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")));
        Path dir = Files.createDirectories(tmp.resolve("cases"));
        String[] betweens = {"\n", " ", "\u000b", "\u0001", "x", "\u007f", "\u000c", "\u00ff", "\u000bjunk junk ", "\u0001junk junk ",
            "\n/Foo (stream) ", "", "\r\n"};
        for (int i = 0; i < betweens.length; i++) Files.write(dir.resolve("c" + i + ".pdf"), pdf(betweens[i]));
        String db = Files.writeString(tmp.resolve("t.ndb"), "Eicar-Body:0:*:"
                + java.util.HexFormat.of().formatHex(EICAR.getBytes(StandardCharsets.ISO_8859_1)) + "\n").toString();
        String[] args = {"--no-summary", "-d", db, dir.toString()};
        ScanCommandTest.Run c = ScanCommandTest.clamscan(args), b = ScanCommandTest.bulwark(args);
        assertTrue(c.out().contains("c2.pdf: Eicar-Body.UNOFFICIAL FOUND"), c.out());
        assertEquals(lines(c.out()), lines(b.out()));
    }

    private static Set<String> lines(String out) {
        return new TreeSet<>(Arrays.asList(out.split("\n")));
    }
}
