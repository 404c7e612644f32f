package dev.bulwark.engine.formats.mime;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

class DataUrisTest {
    @Test
    void clamExeHtml() {
        List<ByteBuffer> mails = DataUris.mailLayers(ByteBuffer.wrap(Samples.read("clam.exe.html")), 1 << 20);
        assertEquals(1, mails.size());
        assertEquals(829, mails.get(0).limit(), "ClamAV's intermediate MAIL layer is 829 bytes");
        byte[] mail = new byte[mails.get(0).limit()];
        mails.get(0).get(0, mail);
        RecordingContext ctx = Contract.run(new MailExtractor(), mail, FileType.MAIL);
        assertTrue(ctx.children.stream().anyMatch(c -> Samples.isClamExe(c.data())));
    }

    @Test
    void plainAndUnquoted() {
        String html = "<img src=data:,hello%20world> <a href='data:text/html,<b>x</b>'>t</a> data:notattr,zzz";
        List<ByteBuffer> mails = DataUris.mailLayers(ByteBuffer.wrap(html.getBytes(StandardCharsets.US_ASCII)), 1 << 20);
        assertEquals(2, mails.size());
        assertEquals("From html-normalise\nContent-type: text/plain\n\nhello%20world", StandardCharsets.US_ASCII.decode(mails.get(0)).toString());
        assertEquals("From html-normalise\nContent-type: text/html\n\n<b>x</b>", StandardCharsets.US_ASCII.decode(mails.get(1)).toString());
    }

    @Test
    void heapAndReadOnlyBuffersGiveTheSameLayers() {
        java.util.Random r = new java.util.Random(3);
        String[] words = {"data:", "DATA:", "dAta:", "=", "\"", "'", ",", ";base64", " ", ">", "d", "x", "text/html",
                ":", "ata:", "dat", "Data", "::", "edata:"}; // colons without "data" before them, "data" cut short
        int withLayers = 0;
        for (int round = 0; round < 3_000; round++) {
            StringBuilder sb = new StringBuilder();
            for (int k = r.nextInt(30); k > 0; k--) sb.append(words[r.nextInt(words.length)]);
            ByteBuffer heap = ByteBuffer.wrap(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
            List<ByteBuffer> a = DataUris.mailLayers(heap, 1 << 20), b = DataUris.mailLayers(heap.asReadOnlyBuffer(), 1 << 20);
            assertEquals(a, b, sb.toString());
            byte[] padded = ("d:" + sb).getBytes(StandardCharsets.ISO_8859_1); // a heap slice with an array offset
            assertEquals(a, DataUris.mailLayers(ByteBuffer.wrap(padded, 2, padded.length - 2).slice(), 1 << 20), sb.toString());
            if (!a.isEmpty()) withLayers++;
        }
        org.junit.jupiter.api.Assertions.assertTrue(withLayers > 100, "documents with data: layers: " + withLayers);
    }
}
