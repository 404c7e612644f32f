package dev.bulwark.engine.formats.autoit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(300) // hang guard only
class AutoitExtractorTest {
    private static final byte[] SCRIPT = Samples.wordSoup(5000, 4);
    private static final byte[] FILE = Samples.wordSoup(900, 5);

    private static byte[] sample(boolean ea06) {
        return AutoitBuilder.build(ea06,
                new AutoitBuilder.Entry(ea06 ? ">>>AUTOIT SCRIPT<<<" : ">AUTOIT SCRIPT<", "C:\\tmp\\aut1.tmp", SCRIPT, true),
                new AutoitBuilder.Entry("C:\\x.exe", "C:\\x.exe", FILE, false),
                new AutoitBuilder.Entry("C:\\y.bin", "C:\\y.bin", FILE, true));
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyRecordBecomesANamedChild(boolean ea06) {
        RecordingContext ctx = RecordingContext.defaults();
        new AutoitExtractor().extract(TestLayer.of(sample(ea06), FileType.AUTOIT), ctx);
        assertEquals(3, ctx.extracted().size(), ctx.notes().toString());
        assertArrayEquals(SCRIPT, ctx.extracted().get(0).data());
        assertEquals("C:\\tmp\\aut1.tmp", ctx.extracted().get(0).info().name());
        assertArrayEquals(FILE, ctx.extracted().get(1).data());
        assertArrayEquals(FILE, ctx.extracted().get(2).data());
        assertEquals("C:\\y.bin", ctx.extracted().get(2).info().name());
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void contract(boolean ea06) {
        byte[] small = AutoitBuilder.build(ea06, new AutoitBuilder.Entry("t", "a.txt", Arrays.copyOf(SCRIPT, 400), true),
                new AutoitBuilder.Entry("f", "b.bin", Arrays.copyOf(FILE, 100), false));
        Contract.all(new AutoitExtractor(), FileType.AUTOIT, small);
    }

    @Test
    void lyingSizes() {
        byte[] a = sample(false).clone();
        // the uncompressed size inside the compressed stream is encrypted: damage it through the whole record
        RecordingContext ctx = Contract.run(new AutoitExtractor(), FileType.AUTOIT, Arrays.copyOf(a, a.length - 50));
        assertTrue(ctx.notes().toString().contains("truncated"), ctx.notes().toString());
        assertEquals(2, ctx.extracted().size(), "records before the damaged one are still extracted");
        Contract.lyingSizes(new AutoitExtractor(), FileType.AUTOIT, a);
        // a declared uncompressed size beyond the budget is refused before allocation
        byte[] big = AutoitBuilder.compress(FILE, true);
        big[4] = 0x7f;
        assertEquals(null, Lz.decode(big, 0x36304145, false, 1 << 20));
    }

    @ParameterizedTest
    @ValueSource(strings = {"clam.ea05.exe", "clam.ea06.exe"})
    void clamAutoitExe(String file) {
        byte[] exe = Samples.read(file);
        byte[] au = "AU3!EA0".getBytes(StandardCharsets.US_ASCII);
        int at = -1;
        for (int i = 0; i + au.length <= exe.length && at < 0; i++) {
            if (Arrays.equals(exe, i, i + au.length, au, 0, au.length)) at = i - 16;
        }
        byte[] layer = Arrays.copyOfRange(exe, at, exe.length);
        RecordingContext ctx = RecordingContext.defaults();
        new AutoitExtractor().extract(TestLayer.of(layer, FileType.AUTOIT), ctx);
        assertEquals(2, ctx.extracted().size(), ctx.notes().toString());
        // sizes clamscan --debug reports ("advertised uncompressed size") for the script
        assertEquals(file.contains("05") ? 0x57e6 : 0x4dd1, ctx.extracted().get(0).data().length);
        assertEquals("C:\\clam.exe", ctx.extracted().get(1).info().name());
        Samples.assertClamExe(ctx.extracted().get(1).data());
        Contract.truncations(new AutoitExtractor(), FileType.AUTOIT, layer);
    }
}
