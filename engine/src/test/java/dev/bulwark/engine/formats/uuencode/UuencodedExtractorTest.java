package dev.bulwark.engine.formats.uuencode;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class UuencodedExtractorTest {
    private static final UuencodedExtractor X = new UuencodedExtractor();

    private static byte[] uuBody() {
        String s = new String(Samples.read("clam.exe.mbox.uu"), StandardCharsets.ISO_8859_1);
        return s.substring(s.indexOf("begin 644")).getBytes(StandardCharsets.ISO_8859_1);
    }

    @Test
    void decodesClamExe() {
        RecordingContext ctx = Contract.run(X, uuBody(), FileType.UUENCODED);
        assertEquals(1, ctx.children.size());
        assertEquals("clam.exe", ctx.children.get(0).info().name());
        assertTrue(Samples.isClamExe(ctx.children.get(0).data()));
    }

    /** A uuencoded block ("hello"), "`" and "end" lines included. */
    private static final String HELLO = "%:&5L;&\\`\n`\nend\n";

    private static java.util.List<String> children(String s) {
        RecordingContext ctx = Contract.run(X, s.getBytes(StandardCharsets.ISO_8859_1), FileType.UUENCODED);
        java.util.List<String> r = new java.util.ArrayList<>();
        for (var c : ctx.children) r.add(c.info().name() + "=" + new String(c.data(), StandardCharsets.ISO_8859_1));
        return r;
    }

    /**
     * (review18) As libclamav 1.4's cli_uuencode: the layer's first line must be a begin line as isuuencodebegin has
     * it (three digits 0-9 and a space), and only the block after it is decoded. Outcomes of clamscan 1.4.6 --allmatch
     * on the same files with EICAR as the block (a decoded child found, or OK): A found once (its second block not
     * decoded), B/C/D/G/H/I OK, E found, M only the first block.
     */
    @Test
    void onlyTheBlockAfterAFirstLineBeginAsClamscan() {
        assertEquals(java.util.List.of("a=hello"), children("begin 644 a\n" + HELLO + "noise\nbegin 600 b\n%=V]R;&0`\n`\nend\n"), "A: one block");
        assertEquals(java.util.List.of(), children("begin of my notes\nbegin 644 a\n" + HELLO), "B: not a begin line");
        assertEquals(java.util.List.of(), children("begin 0644 a\n" + HELLO), "C: four digits");
        assertEquals(java.util.List.of(), children("begin 64 a\n" + HELLO), "D: two digits");
        assertEquals(java.util.List.of("a=hello"), children("begin 999 a\n" + HELLO), "E: digits, not octal");
        assertEquals(java.util.List.of(), children("begin 644 " + "n".repeat(1200) + "\n" + HELLO), "G: begin line past a read");
        assertEquals(java.util.List.of("n".repeat(255) + "=hello"), children("begin 644 " + "n".repeat(980) + "\n" + HELLO), "G2 (the name cut at 255)");
        assertEquals(java.util.List.of(), children("begin 644 a\ntext\nbegin 644 b\n" + HELLO), "H: the block stops at text");
        assertEquals(java.util.List.of(), children("begin 644 a\n\nbegin 644 b\n" + HELLO), "I: at an empty line");
        assertEquals(java.util.List.of("a=hello"), children("begin 644 a\n" + HELLO + "begin 644 b\n%=V]R;&0`\n`\nend\n"), "M");
        assertEquals(java.util.List.of("a=hello"), children("begin 644 a\r\n" + HELLO.replace("\n", "\r\n")), "CR LF");
    }

    @Test
    void truncatedAndCorrupted() {
        Contract.truncations(X, uuBody(), FileType.UUENCODED);
        Contract.flips(X, uuBody(), FileType.UUENCODED, 2000);
    }
}
