package dev.bulwark.engine.formats.pepack;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** yC and WWPack files built from scratch: unpacked by us, by clamscan (same bytes), and robust when damaged. */
@Timeout(300) // hang guard only
class SyntheticPackersTest {
    static final byte[] BODY = HexFormat.of().parseHex("bb7110400033c050508bf3535350b029");

    static byte[] payload() {
        byte[] p = new byte[0x100];
        for (int i = 0; i < p.length; i++) p[i] = (byte) (i * 7 % 13);
        System.arraycopy(BODY, 0, p, 0x40, BODY.length);
        return p;
    }

    static byte[] build(String packer) {
        return packer.equals("yC") ? SyntheticPe.yc(payload(), 0x1010) : SyntheticPe.wwpack(payload(), 0x1010);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yC", "WWPack"})
    void unpacksToThePayload(String packer) {
        byte[] f = build(packer);
        RecordingContext ctx = RecordingContext.defaults();
        new PeUnpackExtractor().extract(TestLayer.of(f, FileType.MSEXE), ctx);
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        byte[] out = ctx.extracted().get(0).data();
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(out));
        assertEquals(1, u.sections(), "packer section removed");
        assertEquals(0x1010, u.entryRva, "original entry point");
        long text = u.rvaToOffset(SyntheticPe.TEXT_RVA);
        assertArrayEquals(payload(), Arrays.copyOfRange(out, (int) text, (int) text + payload().length));
        Contract.truncations(new PeUnpackExtractor(), FileType.MSEXE, f);
        Contract.lyingSizes(new PeUnpackExtractor(), FileType.MSEXE, f);
    }

    @ParameterizedTest
    @ValueSource(strings = {"yC", "WWPack"})
    void clamscanUnpacksThemToTheSameBytes(String packer, @TempDir Path tmp) throws Exception {
        byte[] f = build(packer);
        Path file = tmp.resolve("syn-" + packer + ".exe");
        Files.write(file, f);
        RecordingContext ctx = RecordingContext.defaults();
        new PeUnpackExtractor().extract(TestLayer.of(f, FileType.MSEXE), ctx);
        byte[] ours = ctx.extracted().get(0).data();
        List<Path> theirs = ClamavUnpacked.files(file.toString(), ours.length, tmp);
        theirs = theirs.stream().filter(p -> !p.equals(file)).toList();
        assertTrue(!theirs.isEmpty(), "clamscan left no unpacked file of " + ours.length + " bytes");
        assertArrayEquals(Files.readAllBytes(theirs.get(0)), ours);
    }
}
