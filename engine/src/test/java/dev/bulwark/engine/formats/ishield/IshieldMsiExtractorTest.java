package dev.bulwark.engine.formats.ishield;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.engine.filetype.EmbeddedTypeFinder;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(300) // hang guard only
class IshieldMsiExtractorTest {
    static RecordingContext run(byte[] data) {
        RecordingContext ctx = RecordingContext.defaults();
        new IshieldMsiExtractor().extract(TestLayer.of(data, FileType.ISHIELD_MSI), ctx);
        return ctx;
    }

    static byte[] sample() {
        return IshieldSamples.msiStream(new String[] {"clam.exe", "readme.txt"},
                new byte[][] {Samples.read("clam.exe"), Samples.wordSoup(3000, 3)});
    }

    @Test
    void ownStreamRoundTrips() {
        RecordingContext ctx = run(sample());
        assertEquals(2, ctx.extracted().size(), ctx.notes().toString());
        assertEquals("clam.exe", ctx.extracted().get(0).info().name());
        Samples.assertClamExe(ctx.extracted().get(0).data());
        assertArrayEquals(Samples.wordSoup(3000, 3), ctx.extracted().get(1).data());
        assertTrue(ctx.notes().isEmpty(), ctx.notes().toString());
    }

    @Test
    void ownStreamIsRecognisedInsideAnExecutable() {
        byte[] exe = Samples.read("clam.exe");
        byte[] s = sample();
        byte[] all = Arrays.copyOf(exe, exe.length + s.length);
        System.arraycopy(s, 0, all, exe.length, s.length);
        List<EmbeddedTypeFinder.Hit> hits = EmbeddedTypeFinder.find(ByteBuffer.wrap(all), true, 10_000);
        assertTrue(hits.stream().anyMatch(h -> h.type() == FileType.ISHIELD_MSI && h.offset() == exe.length), hits.toString());
    }

    @Test
    void reservedHeaderWordsRejectTheStream() {
        byte[] s = sample();
        s[IshieldMsiExtractor.MARKER + 0x10] = 1;
        RecordingContext ctx = run(s);
        assertTrue(ctx.children().isEmpty());
        assertFalse(ctx.notes().isEmpty());
    }

    /** The streams of ClamAV's InstallShield-MSI test files, compared with the files clamscan --debug lists. */
    @Test
    void clamavTestFilesListTheSameFilesAsClamscan() throws Exception {
        for (String f : new String[] {"clam_ISmsi_ext.exe", "clam_ISmsi_int.exe"}) {
            Path p = Samples.DIR.resolve(f);
            assumeTrue(Files.exists(p), "clamav-testfiles not installed");
            byte[] data = Files.readAllBytes(p);
            EmbeddedTypeFinder.Hit hit = EmbeddedTypeFinder.find(ByteBuffer.wrap(data), true, 10_000).stream()
                    .filter(h -> h.type() == FileType.ISHIELD_MSI).findFirst().orElseThrow();
            RecordingContext ctx = run(Arrays.copyOfRange(data, hit.offset(), data.length));
            List<String> ours = new ArrayList<>();
            ctx.extracted().forEach(c -> ours.add(c.info().name()));
            List<String> clam = clamscanFiles(p);
            assumeTrue(clam != null, "clamscan not installed");
            assertEquals(clam, ours, f);
            assertTrue(ctx.extracted().stream().anyMatch(c -> Samples.sha256(c.data()).equals(Samples.CLAM_EXE_SHA256))
                    || f.endsWith("int.exe"), f + ": clam.exe not extracted");
        }
    }

    /** File names from clamscan's "ishield-msi: File NAME (csize: …" debug lines, or null without clamscan. */
    static List<String> clamscanFiles(Path file) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/clamscan"))) return null;
        Path db = Files.createTempFile("ishield", ".ndb");
        try {
            Files.writeString(db, "Nothing.Matches:0:*:0011223344556677889900aabbccddeeff\n");
            Process pr = new ProcessBuilder("clamscan", "--debug", "--no-summary", "-d", db.toString(), file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            pr.waitFor();
            List<String> names = new ArrayList<>();
            Matcher m = Pattern.compile("ishield-msi: File (.*?) \\(csize: ").matcher(out);
            while (m.find()) names.add(m.group(1));
            return names;
        } finally {
            Files.deleteIfExists(db);
        }
    }

    @Test
    void contract() {
        Contract.all(new IshieldMsiExtractor(), FileType.ISHIELD_MSI, sample());
    }
}
