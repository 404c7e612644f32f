package dev.bulwark.engine.formats.arj;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(300) // hang guard only
class ArjExtractorTest {
    static RecordingContext run(byte[] data) {
        RecordingContext ctx = RecordingContext.defaults();
        new ArjExtractor().extract(TestLayer.of(data, FileType.ARJ), ctx);
        return ctx;
    }

    @Test
    void clamArj() {
        RecordingContext ctx = run(Samples.read("clam.arj"));
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        assertEquals(544, ctx.extracted().get(0).info().declaredSize());
        Samples.assertClamExe(ctx.extracted().get(0).data());
        Contract.all(new ArjExtractor(), FileType.ARJ, Samples.read("clam.arj"));
    }

    /** Every ARJ method, written by the arj tool, decoded byte-exactly (large text crosses many blocks). */
    @ParameterizedTest
    @ValueSource(ints = {0, 1, 2, 3, 4})
    void methodsFromTheArjTool(int method, @TempDir Path dir) throws Exception {
        byte[] soup = wordSoupWithNoise(200_000);
        Files.write(dir.resolve("clam.exe"), Samples.read("clam.exe"));
        Files.write(dir.resolve("soup.txt"), soup);
        Tools.run(dir, null, "arj", "a", "-m" + method, "-y", "out.arj", "clam.exe", "soup.txt");
        byte[] arj = Files.readAllBytes(dir.resolve("out.arj"));
        RecordingContext ctx = run(arj);
        assertEquals(2, ctx.extracted().size(), ctx.notes().toString());
        Samples.assertClamExe(ctx.extracted().get(0).data());
        assertArrayEquals(soup, ctx.extracted().get(1).data());
        assertTrue(ctx.notes().isEmpty(), ctx.notes().toString());
    }

    static byte[] wordSoupWithNoise(int n) {
        byte[] b = Samples.wordSoup(n, 3);
        java.util.SplittableRandom r = new java.util.SplittableRandom(4);
        for (int i = 0; i < n; i += 97) b[i] = (byte) r.nextInt(256);
        return b;
    }

    @Test
    void garbledMemberIsAnnounced(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("clam.exe"), Samples.read("clam.exe"));
        Tools.run(dir, null, "arj", "a", "-gsecret", "-y", "g.arj", "clam.exe");
        RecordingContext ctx = run(Files.readAllBytes(dir.resolve("g.arj")));
        assertEquals(1, ctx.children().size());
        assertTrue(ctx.children().get(0).announced() && ctx.children().get(0).info().encrypted());
    }

    @Test
    void zeroBombStopsAtTheLimit(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("zeros"), new byte[32 << 20]);
        Tools.run(dir, null, "arj", "a", "-m1", "-y", "bomb.arj", "zeros");
        RecordingContext ctx = Contract.run(new ArjExtractor(), FileType.ARJ, Files.readAllBytes(dir.resolve("bomb.arj")));
        assertTrue(ctx.extracted().get(0).truncated());
    }

    @Test
    void contractOnMethods(@TempDir Path dir) throws Exception {
        Files.write(dir.resolve("clam.exe"), Samples.read("clam.exe"));
        for (int m : new int[] {1, 4}) {
            Tools.run(dir, null, "arj", "a", "-m" + m, "-y", "c" + m + ".arj", "clam.exe");
            Contract.all(new ArjExtractor(), FileType.ARJ, Files.readAllBytes(dir.resolve("c" + m + ".arj")));
        }
    }
}
