package dev.bulwark.engine.formats.pdf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class PdfExtractorTest {
    static final PdfExtractor X = new PdfExtractor();

    static boolean hasChild(RecordingContext ctx, byte[] want) {
        return ctx.children.stream().anyMatch(c -> Arrays.equals(c.data(), want));
    }

    static String sizes(RecordingContext ctx) {
        return ctx.children.stream().map(c -> c.info().name() + ":" + c.data().length).toList().toString();
    }

    @Test
    void clamPdf() {
        RecordingContext ctx = Contract.run(X, Samples.read("clam.pdf"), FileType.PDF);
        assertTrue(ctx.children.stream().anyMatch(c -> Samples.isClamExe(c.data())), sizes(ctx));
    }

    static byte[] payload() {
        byte[] p = new byte[20000];
        Random r = new Random(7);
        for (int i = 0; i < p.length; i++) p[i] = (byte) (i % 97 < 50 ? 'A' + r.nextInt(4) : r.nextInt(256));
        return p;
    }

    static byte[] filtersDocument() {
        byte[] p = payload();
        PdfWriter w = PdfWriter.withPage();
        w.add("<< /Filter /FlateDecode >>", PdfWriter.deflate(p));
        w.add("<< /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 16 >> >>", PdfWriter.deflate(PdfWriter.pngUp(p, 16)));
        w.add("<< /Filter /ASCIIHexDecode >>", PdfWriter.asciiHex(p));
        w.add("<< /Filter /A85 >>", PdfWriter.ascii85(p));
        w.add("<< /Filter /RunLengthDecode >>", PdfWriter.runLength(p));
        w.add("<< /Filter /LZWDecode >>", PdfWriter.lzw(p));
        w.add("<< /Filter [/ASCIIHexDecode /FlateDecode] >>", PdfWriter.asciiHex(PdfWriter.deflate(p)));
        w.add("<< /Type /Action /S /JavaScript /JS (app.alert\\(\"bulwark-js\"\\);) >>", null);
        return w.build(1);
    }

    @Test
    void everyFilterDecodesToThePayload() {
        byte[] p = payload();
        RecordingContext ctx = Contract.run(X, filtersDocument(), FileType.PDF);
        long exact = ctx.children.stream().filter(c -> Arrays.equals(c.data(), p)).count();
        assertEquals(7, exact, sizes(ctx));
        assertTrue(hasChild(ctx, "app.alert(\"bulwark-js\");".getBytes(StandardCharsets.US_ASCII)), sizes(ctx));
    }

    @Test
    void javaScriptInObjectStream() {
        PdfWriter w = PdfWriter.withPage();
        String inner = "<< /S /JavaScript /JS (objstm-js-marker) >>";
        String header = "9 0 ";
        w.add("<< /Type /ObjStm /N 1 /First " + header.length() + " >>", (header + inner).getBytes(StandardCharsets.US_ASCII));
        RecordingContext ctx = Contract.run(X, w.build(1), FileType.PDF);
        assertTrue(hasChild(ctx, "objstm-js-marker".getBytes(StandardCharsets.US_ASCII)), sizes(ctx));
    }

    @Test
    void lyingLengthFallsBackToEndstream() {
        byte[] p = "hello lying length world".getBytes(StandardCharsets.US_ASCII);
        String doc = "%PDF-1.4\n1 0 obj\n<< /Length 999999 >>\nstream\n" + new String(p, StandardCharsets.ISO_8859_1)
                + "\nendstream\nendobj\n2 0 obj\n<< /Length 3 0 R >>\nstream\n" + new String(p, StandardCharsets.ISO_8859_1)
                + "\nendstream\nendobj\n3 0 obj\n3 0 R\nendobj\n%%EOF\n";
        RecordingContext ctx = Contract.run(X, doc.getBytes(StandardCharsets.ISO_8859_1), FileType.PDF);
        assertEquals(2, ctx.children.stream().filter(c -> Arrays.equals(c.data(), p)).count(), sizes(ctx));
    }

    @Test
    void decompressionBombIsCappedByTheBudget() {
        PdfWriter w = PdfWriter.withPage();
        w.add("<< /Filter /FlateDecode >>", PdfWriter.deflate(new byte[50 << 20]));
        RecordingContext ctx = Contract.run(X, w.build(1), FileType.PDF, Contract.smallBudget(1 << 20));
        assertEquals(List.of(1 << 20), ctx.children.stream().map(c -> c.data().length).toList());
    }

    @Test
    void truncatedAndCorrupted() {
        Contract.truncations(X, Samples.read("clam.pdf"), FileType.PDF);
        Contract.flips(X, Samples.read("clam.pdf"), FileType.PDF, 2000);
        Contract.flips(X, filtersDocument(), FileType.PDF, 300);
    }

    @Test
    void hostileNestingAndUnterminatedSyntaxStayLinear() {
        StringBuilder sb = new StringBuilder("%PDF-1.4\n");
        for (int i = 0; i < 20000; i++) sb.append(i).append(" 0 obj (").append("[".repeat(5)).append("<<");
        Contract.run(X, sb.toString().getBytes(StandardCharsets.US_ASCII), FileType.PDF);
        byte[] deep = ("%PDF-1.4\n1 0 obj\n" + "[".repeat(200_000) + "\nendobj\n").getBytes(StandardCharsets.US_ASCII);
        Contract.run(X, deep, FileType.PDF);
    }

    @Test
    void encryptedHeuristicNeedsTheAlert() {
        // an RC4 document whose user password is not empty (the /U value cannot match the empty password)
        PdfWriter w = PdfWriter.withPage();
        int enc = w.add("<< /Filter /Standard /V 2 /R 3 /Length 128 /P -4 /O <" + "11".repeat(32) + "> /U <" + "22".repeat(32) + "> >>", null);
        byte[] doc = new String(w.build(1), StandardCharsets.ISO_8859_1)
                .replace("/Root 1 0 R", "/Root 1 0 R /Encrypt " + enc + " 0 R /ID [<00112233445566778899aabbccddeeff> <00112233445566778899aabbccddeeff>]")
                .getBytes(StandardCharsets.ISO_8859_1);
        ScanOptions alert = ScanOptions.defaults().withAlert(ScanOptions.Alert.ENCRYPTED_DOC, true);
        assertEquals(List.of(PdfExtractor.ENCRYPTED_HEURISTIC), Contract.run(X, doc, FileType.PDF, alert).heuristics);
        assertTrue(Contract.run(X, doc, FileType.PDF).heuristics.isEmpty());
    }

    /**
     * fuzz17: each FlateDecode stream took two fixed 64 KiB output buffers (zlib, then raw deflate after the
     * zlib header failed), whatever its length or how soon it failed. The buffer now starts at 4 KiB and
     * doubles while the output fills it: 3,000 one-byte streams allocate ~25 MB, not 412.
     */
    @Test
    void tinyFlateStreamsAllocateByTheirSize() {
        StringBuilder pdf = new StringBuilder("%PDF-1.4\n");
        for (int i = 1; i <= 3000; i++) pdf.append(i).append(" 0 obj\n<</Length 1 /Filter /FlateDecode>>\nstream\nx\nendstream\nendobj\n");
        byte[] data = (pdf + "%%EOF\n").getBytes(StandardCharsets.US_ASCII);
        Contract.run(X, data, FileType.PDF); // warm-up: classes, tables
        var mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getThreadAllocatedBytes(Thread.currentThread().threadId());
        Contract.run(X, data, FileType.PDF);
        long allocated = mx.getThreadAllocatedBytes(Thread.currentThread().threadId()) - before;
        assertTrue(allocated < 3000L * 32 * 1024, "allocated " + allocated + " bytes for 3,000 one-byte streams");
    }
}
