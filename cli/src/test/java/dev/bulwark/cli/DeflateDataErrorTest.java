package dev.bulwark.cli;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A deflate stream damaged after the bytes that hold EICAR: ClamAV scans what inflate() produced before it
 * returned Z_DATA_ERROR (cli_scangzip writes out the buffer, pdf.c's flate filter keeps what it decoded). The JDK's
 * Inflater throws in the call that meets the damage, and the bytes that call had written were dropped, so EICAR
 * in a gzip or a PDF FlateDecode stream with one bad byte near its end was OK. Each case changes one byte of the
 * compressed data; clamscan 1.4.6 and bulwark scan agree.
 */
class DeflateDataErrorTest {
    static byte[] payload() {
        return ClamscanCases.payload().getBytes(StandardCharsets.ISO_8859_1);
    }

    static byte[] pdf(byte[] flate) {
        return pdf(flate, "\n");
    }

    /** A PDF whose object 3 is a FlateDecode stream of {@code flate}, {@code between} its dictionary and "stream". */
    static byte[] pdf(byte[] flate, String between) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n2 0 obj\n<< /Type /Pages /Kids [] /Count 0 >>\n"
                + "endobj\n3 0 obj\n<< /Length " + flate.length + " /Filter /FlateDecode >>" + between + "stream\n").getBytes(StandardCharsets.ISO_8859_1));
        o.writeBytes(flate);
        o.writeBytes("\nendstream\nendobj\ntrailer\n<< /Size 4 /Root 1 0 R >>\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1));
        return o.toByteArray();
    }

    @Test
    void bytesBeforeTheDamageAreScanned(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(gz)) {
            g.write(payload());
        }
        byte[] gzip = gz.toByteArray();
        Deflater d = new Deflater();
        d.setInput(payload());
        d.finish();
        byte[] zlib = new byte[4096];
        zlib = Arrays.copyOf(zlib, d.deflate(zlib));
        d.end();
        // the last bytes of the deflate data (before gzip's 8-byte trailer, before zlib's 4-byte Adler-32)
        for (int back = 9; back <= 24; back++) {
            byte[] a = gzip.clone();
            a[a.length - back] ^= 0x5a;
            Files.write(dir.resolve("gz-" + back + ".gz"), a);
        }
        for (int back = 5; back <= 20; back++) {
            byte[] z = zlib.clone();
            z[z.length - back] ^= 0x5a;
            Files.write(dir.resolve("pdf-" + back + ".pdf"), pdf(z));
        }
        ScanCommandTest.Run c = ClamscanCases.compare(tmp, "t.ndb", ClamscanCases.EICAR_NDB, dir);
        assertTrue(c.out().contains(".gz: Eicar-Body.UNOFFICIAL FOUND"), c.out());
        assertTrue(c.out().contains(".pdf: Eicar-Body.UNOFFICIAL FOUND"), c.out());
    }
}
