package dev.bulwark.engine.formats.rar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.TestLayer;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(300) // hang guard only
class RarExtractorTest {
    static RecordingContext run(byte[] data, ScanOptions o) {
        RecordingContext ctx = new RecordingContext(o);
        new RarExtractor().extract(TestLayer.of(data, FileType.RAR), ctx);
        return ctx;
    }

    static RarBuilder builder(boolean v5) { return v5 ? RarBuilder.rar5() : RarBuilder.rar4(); }

    static byte[] sample(boolean v5) {
        return builder(v5).file("docs", new byte[0], 0, false, true).file("docs/clam.exe", Samples.read("clam.exe"), 0, false, false)
                .file("packed.bin", new byte[] {1, 2, 3, 4, 5, 6, 7, 8}, 3, false, false).finish();
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void storedMembersAreExtractedCompressedOnesAnnounced(boolean v5, @TempDir Path dir) throws Exception {
        byte[] rar = sample(v5);
        RecordingContext ctx = run(rar, ScanOptions.defaults());
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
        Samples.assertClamExe(ctx.extracted().get(0).data());
        assertEquals("docs/clam.exe", ctx.extracted().get(0).info().name());
        assertEquals(1, ctx.extracted().get(0).info().position());
        var packed = ctx.children().get(1);
        assertTrue(packed.announced());
        assertEquals("packed.bin", packed.info().name());
        assertEquals(2, packed.info().position());
        assertEquals(8, packed.info().declaredSize());
        // the reference lister agrees on names and sizes
        Files.write(dir.resolve("t.rar"), rar);
        String listing = new String(Tools.run(dir, null, "7z", "l", "-slt", "t.rar"));
        assertTrue(listing.contains("Path = docs/clam.exe") || listing.contains("Path = docs\\clam.exe"), listing);
        assertTrue(listing.contains("Size = 544"), listing);
        Contract.all(new RarExtractor(), FileType.RAR, rar);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void encryptedMembersAndHeaders(boolean v5) {
        ScanOptions alert = ScanOptions.defaults().withAlert(ScanOptions.Alert.ENCRYPTED_ARCHIVE, true);
        byte[] member = builder(v5).file("x.exe", Samples.read("clam.exe"), 0, true, false).finish();
        RecordingContext m = run(member, alert);
        assertTrue(m.extracted().isEmpty());
        assertTrue(m.children().get(0).info().encrypted());
        assertEquals(List.of("Heuristics.Encrypted.RAR"), m.heuristics());
        assertTrue(run(member, ScanOptions.defaults()).heuristics().isEmpty());
        byte[] headers = builder(v5).encryptedHeaders().finish();
        assertEquals(List.of("Heuristics.Encrypted.RAR"), run(headers, alert).heuristics());
        Contract.all(new RarExtractor(), FileType.RAR, member);
    }
}
