package dev.bulwark.engine.formats.xmldoc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class XmlDocContractTest {
    private static byte[] doc(String name) {
        return XmlDocDifferentialTest.cases().get(name).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void extractsTheExactPayload() {
        RecordingContext ctx = Contract.run(new MsXmlExtractor(), doc("word progid"), FileType.XML_WORD);
        assertEquals(1, ctx.children.size());
        assertTrue(Samples.isClamExe(ctx.children.get(0).data()));
        RecordingContext x = Contract.run(new XdpExtractor(), doc("xdp"), FileType.XDP);
        assertEquals(1, x.children.size());
        assertTrue(new String(x.children.get(0).data(), StandardCharsets.ISO_8859_1).startsWith("%PDF-1.4"));
    }

    @Test
    void typeRecognition() {
        assertEquals(FileType.XML_WORD, detect("word progid"));
        assertEquals(FileType.XML_XL, detect("excel namespace"));
        assertEquals(FileType.XDP, detect("xdp"));
        assertEquals(FileType.XDP, detect("xdp text before root"));
        assertEquals(FileType.TEXT_ASCII, detect("two-letter prefix root"));
        assertEquals(FileType.TEXT_ASCII, detect("plain xml"));
    }

    private static FileType detect(String name) {
        return dev.bulwark.engine.filetype.FileTypeDetector.detect(ByteBuffer.wrap(doc(name)), null);
    }

    @Test
    void truncatedDocumentsAreRejectedNotCrashed() {
        byte[] d = doc("word progid");
        Contract.truncations(new MsXmlExtractor(), d, FileType.XML_WORD);
        Contract.truncations(new XdpExtractor(), doc("xdp"), FileType.XDP);
        // a document cut anywhere before its last end tag is not well-formed: nothing comes out
        int lastTag = new String(d, StandardCharsets.ISO_8859_1).lastIndexOf("</");
        for (int len = 0; len < lastTag; len += 7) {
            RecordingContext ctx = Contract.run(new MsXmlExtractor(), java.util.Arrays.copyOf(d, len), FileType.XML_WORD);
            assertEquals(0, ctx.children.size(), "prefix of " + len + " bytes");
        }
    }

    @Test
    void flippedBytes() {
        Contract.flips(new MsXmlExtractor(), doc("word progid"), FileType.XML_WORD, 2000);
        Contract.flips(new XdpExtractor(), doc("xdp"), FileType.XDP, 2000);
    }

    @Test
    void deepNestingIsBounded() {
        String open = "<a>".repeat(dev.bulwark.engine.formats.docio.XmlReader.MAX_DEPTH + 1), close = "</a>".repeat(dev.bulwark.engine.formats.docio.XmlReader.MAX_DEPTH + 1);
        byte[] d = ("<?xml version=\"1.0\"?>\n<Workbook>" + open + "<binData>QUJD\n</binData>" + close + "</Workbook>")
                .getBytes(StandardCharsets.ISO_8859_1);
        RecordingContext ctx = Contract.run(new MsXmlExtractor(), d, FileType.XML_XL);
        assertEquals(0, ctx.children.size());
        assertTrue(ctx.notes.stream().anyMatch(n -> n.contains("deeper")), ctx.notes.toString());
    }

    @Test
    void budgetBoundsTheDecodedPayload() {
        String big = XmlDocDifferentialTest.b64(new byte[300_000], 76);
        byte[] d = ("<?xml version=\"1.0\"?>\n<Workbook><binData>" + big + "</binData></Workbook>").getBytes(StandardCharsets.ISO_8859_1);
        RecordingContext ctx = Contract.run(new MsXmlExtractor(), d, FileType.XML_XL, Contract.smallBudget(1 << 16));
        assertTrue(ctx.children.stream().allMatch(c -> c.data().length <= 1 << 16));
    }
}
