package dev.bulwark.engine.formats.swf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import dev.bulwark.engine.formats.doctest.RecordingContext;
import dev.bulwark.engine.formats.doctest.Samples;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.zip.Deflater;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;

class SwfExtractorTest {
    private static final SwfExtractor X = new SwfExtractor();

    /** An uncompressed SWF: header, then a body carrying clam.exe and a marker. */
    static byte[] fws() {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        body.writeBytes(new byte[] {0x78, 0x00, 0x05, 0x5F, 0x00, 0x00, 0x0F, (byte) 0xA0, 0x00, 0x00, 0x0C, 0x01, 0x00});
        body.writeBytes("bulwark-swf-marker".getBytes(StandardCharsets.US_ASCII));
        body.writeBytes(Samples.read("clam.exe"));
        byte[] b = body.toByteArray();
        ByteBuffer h = ByteBuffer.allocate(8 + b.length).order(ByteOrder.LITTLE_ENDIAN);
        h.put((byte) 'F').put((byte) 'W').put((byte) 'S').put((byte) 10).putInt(8 + b.length).put(b);
        return h.array();
    }

    static byte[] cws(byte[] fws) {
        Deflater d = new Deflater();
        d.setInput(fws, 8, fws.length - 8);
        d.finish();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.write('C'); o.write('W'); o.write('S');
        o.write(fws, 3, 5);
        byte[] buf = new byte[4096];
        while (!d.finished()) o.write(buf, 0, d.deflate(buf));
        d.end();
        return o.toByteArray();
    }

    static byte[] zws(byte[] fws) throws Exception {
        ByteArrayOutputStream lz = new ByteArrayOutputStream();
        try (LZMAOutputStream out = new LZMAOutputStream(lz, new LZMA2Options(), fws.length - 8)) {
            out.write(fws, 8, fws.length - 8);
        }
        byte[] l = lz.toByteArray(); // props(1) dict(4) size(8) data
        ByteBuffer z = ByteBuffer.allocate(17 + l.length - 13).order(ByteOrder.LITTLE_ENDIAN);
        z.put((byte) 'Z').put((byte) 'W').put((byte) 'S').put(fws[3]).put(fws, 4, 4).putInt(l.length - 13).put(l, 0, 5).put(l, 13, l.length - 13);
        return z.array();
    }

    @Test
    void zlibAndLzmaDecompressToTheUncompressedFile() throws Exception {
        byte[] f = fws();
        for (byte[] c : new byte[][] {cws(f), zws(f)}) {
            RecordingContext ctx = Contract.run(X, c, FileType.SWF);
            assertEquals(1, ctx.children.size());
            assertArrayEquals(f, ctx.children.get(0).data());
        }
        assertTrue(Contract.run(X, f, FileType.SWF).children.isEmpty());
    }

    @Test
    void hugeLzmaDictionaryIsRefused() throws Exception {
        byte[] z = zws(fws());
        ByteBuffer.wrap(z).order(ByteOrder.LITTLE_ENDIAN).putInt(4, Integer.MAX_VALUE).putInt(13, Integer.MAX_VALUE);
        RecordingContext ctx = Contract.run(X, z, FileType.SWF);
        assertTrue(ctx.children.isEmpty());
    }

    @Test
    void bombIsBoundedByTheBudget() {
        byte[] big = new byte[8 + (40 << 20)];
        big[0] = 'F'; big[1] = 'W'; big[2] = 'S'; big[3] = 10;
        RecordingContext ctx = Contract.run(X, cws(big), FileType.SWF, Contract.smallBudget(1 << 20));
        assertTrue(ctx.children.isEmpty(), "over-budget member is skipped by the context");
        assertEquals(1, ctx.skipped.size());
    }

    @Test
    void truncatedAndCorrupted() throws Exception {
        Contract.truncations(X, cws(fws()), FileType.SWF);
        Contract.truncations(X, zws(fws()), FileType.SWF);
        Contract.flips(X, zws(fws()), FileType.SWF, 2000);
    }

    @Test
    void clamscanSeesTheSameBytes(@TempDir Path dir) throws Exception {
        Path clamscan = Path.of("/usr/bin/clamscan");
        Assumptions.assumeTrue(Files.isExecutable(clamscan));
        Path db = Files.createDirectory(dir.resolve("db"));
        Files.writeString(db.resolve("t.ndb"), "SwfMarker:0:*:" + HexFormat.of().formatHex("bulwark-swf-marker".getBytes(StandardCharsets.US_ASCII)) + "\n");
        Path f = dir.resolve("x.swf");
        Files.write(f, cws(fws()));
        Process p = new ProcessBuilder(clamscan.toString(), "--no-summary", "-d", db.toString(), f.toString())
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        assertTrue(out.contains("SwfMarker.UNOFFICIAL FOUND"), out);
        RecordingContext ctx = Contract.run(X, Files.readAllBytes(f), FileType.SWF);
        byte[] child = ctx.children.get(0).data();
        assertTrue(indexOf(child, "bulwark-swf-marker".getBytes(StandardCharsets.US_ASCII)) >= 0);
    }

    private static int indexOf(byte[] h, byte[] n) {
        for (int i = 0; i + n.length <= h.length; i++) if (Arrays.equals(h, i, i + n.length, n, 0, n.length)) return i;
        return -1;
    }
}
