package dev.bulwark.engine.formats.nsis;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * NSIS installers compressed with NSIS's bzip2 variant, made by makensis (skipped when it is absent):
 * every installed file comes back byte for byte, clamscan finds the test executable in them as we do,
 * and damaged data ends cleanly.
 */
@Timeout(600) // hang guard only
class NsisBzip2Test {
    /** Text over several 900 kB blocks, incompressible bytes, a long zero run (bzip2's run coding) and clam.exe. */
    static byte[][] files() {
        SplittableRandom r = new SplittableRandom(5);
        byte[] rand = new byte[50_000];
        for (int i = 0; i < rand.length; i++) rand[i] = (byte) r.nextInt(256);
        return new byte[][] {Samples.read("clam.exe"), Samples.wordSoup(2_000_000, 3), rand, new byte[1_000_000]};
    }

    /** Builds an installer with makensis; returns the installer. */
    static Path makensis(Path dir, boolean solid, byte[][] files) throws Exception {
        StringBuilder nsi = new StringBuilder("SetCompressor " + (solid ? "/SOLID " : "") + "bzip2\n"
                + "OutFile out.exe\nInstallDir \"$TEMP\\bw\"\nRequestExecutionLevel user\nSection\nSetOutPath \"$INSTDIR\"\n");
        for (int i = 0; i < files.length; i++) {
            Files.write(dir.resolve("f" + i), files[i]);
            nsi.append("File f").append(i).append('\n');
        }
        nsi.append("SectionEnd\n");
        Files.writeString(dir.resolve("t.nsi"), nsi.toString());
        Tools.run(dir, null, "makensis", "-V1", "t.nsi");
        return dir.resolve("out.exe");
    }

    /** The installer data from its first header on (what the NULSFT layer holds). */
    static byte[] nulsft(byte[] exe) {
        byte[] magic = "NullsoftInst".getBytes(StandardCharsets.US_ASCII);
        outer:
        for (int i = 8; i + magic.length <= exe.length; i++) {
            for (int j = 0; j < magic.length; j++) if (exe[i + j] != magic[j]) continue outer;
            return Arrays.copyOfRange(exe, i - 8, exe.length);
        }
        throw new AssertionError("no NSIS first header");
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyFileComesBack(boolean solid, @TempDir Path dir) throws Exception {
        byte[][] files = files();
        byte[] data = nulsft(Files.readAllBytes(makensis(dir, solid, files)));
        assertEquals('1', data[solid ? 28 : 32], "bzip2 data (block marker 0x31)");
        RecordingContext ctx = RecordingContext.defaults();
        new NsisExtractor().extract(TestLayer.of(data, FileType.NULSFT), ctx);
        List<RecordingContext.Child> got = ctx.extracted();
        assertEquals(List.of(), ctx.notes());
        assertEquals(files.length + 1, got.size(), "script header and every file");
        for (int i = 0; i < files.length; i++) assertArrayEquals(files[i], got.get(i + 1).data(), "file " + i);
    }

    /** clamscan (ClamAV's own NSIS bzip2 decoder) and our engine find clam.exe by body and by hash. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void clamscanAgrees(boolean solid, @TempDir Path dir) throws Exception {
        Tools.requireTool("clamscan");
        Path exe = makensis(dir, solid, new byte[][] {Samples.wordSoup(5000, 1), Samples.read("clam.exe")});
        Path ndb = dir.resolve("t.ndb"), hsb = dir.resolve("t.hsb");
        Files.writeString(ndb, "ClamAV-Test-Body:0:*:bb7110400033c050508bf3535350b029\n");
        Files.writeString(hsb, "71e7b604d18aefd839e51a39c88df8383bb4c071dc31f87f00a2b5df580d4495:544:ClamAV-Test-File\n");
        for (Path db : List.of(ndb, hsb)) {
            Process p = new ProcessBuilder("clamscan", "--no-summary", "-d", db.toString(), exe.toString()).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            p.waitFor();
            assertTrue(out.contains(".UNOFFICIAL FOUND"), out);
            assertTrue(Engine.load(List.of(db), LoadOptions.defaults()).scan(exe, ScanOptions.defaults()).infected(), db.toString());
        }
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void contract(boolean solid, @TempDir Path dir) throws Exception {
        byte[] data = nulsft(Files.readAllBytes(makensis(dir, solid,
                new byte[][] {Samples.read("clam.exe"), Samples.wordSoup(3000, 2), new byte[2000]})));
        Contract.all(new NsisExtractor(), FileType.NULSFT, data);
    }

    @Test
    void streamMarkers() throws IOException {
        assertEquals(-1, new NsisBzip2(ByteBuffer.wrap(new byte[] {0x17})).read(new byte[10], 0, 10), "end marker only");
        assertThrows(IOException.class, () -> new NsisBzip2(ByteBuffer.wrap(new byte[] {0x42, 0x5a, 0x68})).read(new byte[10], 0, 10));
        assertThrows(IOException.class, () -> new NsisBzip2(ByteBuffer.wrap(new byte[] {0x31})).read(new byte[10], 0, 10));
        // a block whose origin lies beyond 900 kB is refused before anything is decoded
        byte[] b = {0x31, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0, 0, 0, 0};
        assertThrows(IOException.class, () -> new NsisBzip2(ByteBuffer.wrap(b)).read(new byte[10], 0, 10));
    }
}
