package dev.bulwark.engine.formats.upx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.formats.pepack.PeHeaders;
import dev.bulwark.engine.formats.pepack.PeUnpackExtractor;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

@Timeout(300) // hang guard only
class UpxTest {
    @ParameterizedTest
    @EnumSource(Nrv.Variant.class)
    void decodersInvertTheEncoder(Nrv.Variant v) {
        SplittableRandom r = new SplittableRandom(v.ordinal());
        byte[] noise = new byte[3000];
        r.nextBytes(noise);
        byte[] far = new byte[9000]; // back-references beyond 0x500 and 0xd00 take the longer-length rule
        System.arraycopy(noise, 0, far, 0, noise.length);
        System.arraycopy(noise, 0, far, 6000, noise.length);
        for (byte[] data : new byte[][] {Samples.wordSoup(6000, 3), noise, far, new byte[5000], {42}}) {
            byte[] packed = NrvEncoder.encode(v, data);
            byte[] out = new byte[data.length + 100];
            int n = Nrv.decode(v, packed, 0, packed.length, out);
            assertEquals(data.length, n, v + " decoded length");
            assertArrayEquals(data, java.util.Arrays.copyOf(out, n));
            // every truncation fails cleanly, and an output buffer one byte short is refused
            for (int cut = 0; cut < packed.length; cut += Math.max(1, packed.length / 200)) {
                assertEquals(-1, Nrv.decode(v, packed, 0, cut, out), "truncated at " + cut);
            }
            assertEquals(-1, Nrv.decode(v, packed, 0, packed.length, new byte[data.length - 1]));
        }
    }

    @ParameterizedTest
    @EnumSource(Nrv.Variant.class)
    void syntheticUpxFileIsUnpacked(Nrv.Variant v) {
        byte[] payload = SyntheticUpx.payload(7000);
        byte[] file = SyntheticUpx.pe(v, payload);
        assertEquals(-1, indexOf(file, SyntheticUpx.BODY), "packed file must not hold the body in a row");
        RecordingContext ctx = RecordingContext.defaults();
        new PeUnpackExtractor().extract(TestLayer.of(file, FileType.MSEXE), ctx);
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        byte[] image = ctx.extracted().get(0).data();
        assertNotNull(PeHeaders.parse(ByteBuffer.wrap(image)), "rebuilt image is a PE");
        assertTrue(indexOf(image, payload) >= 0, "payload laid out whole in the rebuilt image");
        Contract.truncations(new PeUnpackExtractor(), FileType.MSEXE, file);
    }

    /** ClamAV's own UPX code must unpack our synthetic files too: proof that the encoder speaks the real format. */
    @ParameterizedTest
    @EnumSource(Nrv.Variant.class)
    void clamscanAgreesOnSyntheticFiles(Nrv.Variant v, @TempDir Path tmp) throws Exception {
        dev.bulwark.engine.formats.archivetest.Tools.requireTool("clamscan");
        Path db = tmp.resolve("body.ndb"), f = tmp.resolve("upx-" + v + ".exe");
        Files.writeString(db, "ClamAV-Test-Body:0:*:" + java.util.HexFormat.of().formatHex(SyntheticUpx.BODY) + "\n");
        Files.write(f, SyntheticUpx.pe(v, SyntheticUpx.payload(7000)));
        Process p = new ProcessBuilder("clamscan", "--debug", "--no-summary", "-d", db.toString(), f.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        p.waitFor();
        assertTrue(out.contains("Looks like a " + v + " decompression routine"), out);
        assertTrue(out.contains("ClamAV-Test-Body.UNOFFICIAL FOUND"), out);
    }

    @Test
    void clamUpxExe() {
        byte[] file = Samples.read("clam-upx.exe");
        PeHeaders h = PeHeaders.parse(ByteBuffer.wrap(file));
        Upx.Result r = Upx.unpack(ByteBuffer.wrap(file), h, 1 << 20);
        assertEquals("NRV2B", r.method(), String.valueOf(r.why()));
        PeHeaders rebuilt = PeHeaders.parse(ByteBuffer.wrap(r.image()));
        assertNotNull(rebuilt);
        assertFalse(rebuilt.name(0).startsWith("UPX"), "original section table restored: " + rebuilt.name(0));
        assertTrue(indexOf(r.image(), SyntheticUpx.BODY) >= 0);
        // the test executable's code, as it sits in clam.exe, is inside the rebuilt image
        byte[] clam = Samples.read("clam.exe");
        assertTrue(indexOf(r.image(), java.util.Arrays.copyOfRange(clam, 0x1c0, 0x200)) >= 0);
        Contract.all(new PeUnpackExtractor(), FileType.MSEXE, file);
    }

    /** UPX for x64: same streams, PE32+ headers; the original header inside the stream drives the rebuild. */
    @ParameterizedTest
    @EnumSource(Nrv.Variant.class)
    void pe32PlusIsUnpackedAndRebuiltFromItsOwnHeader(Nrv.Variant v) {
        byte[] text = SyntheticUpx.payload(3000);
        byte[] file = SyntheticUpx.pe(v, SyntheticUpx.imageWithHeader64(text), true);
        assertTrue(PeHeaders.parse(ByteBuffer.wrap(file)).is64);
        RecordingContext ctx = RecordingContext.defaults();
        new PeUnpackExtractor().extract(TestLayer.of(file, FileType.MSEXE), ctx);
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        byte[] image = ctx.extracted().get(0).data();
        PeHeaders u = PeHeaders.parse(ByteBuffer.wrap(image));
        assertTrue(u.is64, "PE32+ header restored");
        assertEquals(".txt", u.name(0));
        assertEquals(0x1010, u.entryRva);
        int at = (int) u.rvaToOffset(0x1000);
        assertArrayEquals(text, java.util.Arrays.copyOfRange(image, at, at + text.length));
        Contract.truncations(new PeUnpackExtractor(), FileType.MSEXE, file);
    }

    @Test
    void lyingVirtualSizesStayWithinTheBudget() {
        byte[] file = SyntheticUpx.pe(Nrv.Variant.NRV2E, SyntheticUpx.payload(3000));
        ByteBuffer.wrap(file).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(0x58 + 0xe0 + 8, 0x7ffff000); // UPX0 size
        RecordingContext ctx = Contract.run(new PeUnpackExtractor(), FileType.MSEXE, file);
        assertEquals(0, ctx.extracted().size());
        assertTrue(ctx.notes().toString().contains("over the limit"), ctx.notes().toString());
        Contract.lyingSizes(new PeUnpackExtractor(), FileType.MSEXE, SyntheticUpx.pe(Nrv.Variant.NRV2D, SyntheticUpx.payload(2000)));
    }

    static int indexOf(byte[] hay, byte[] needle) {
        return Upx.find(hay, needle);
    }
}
