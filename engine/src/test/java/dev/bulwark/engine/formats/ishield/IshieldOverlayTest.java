package dev.bulwark.engine.formats.ishield;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.bulwark.engine.exe.ExeInfo;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(300) // hang guard only
class IshieldOverlayTest {
    /** The overlay parser as an extractor over a whole buffer, for the contract checks. */
    static final Extractor AS_EXTRACTOR = (layer, ctx) -> IshieldOverlay.scan(layer.data(), 0, ctx);

    static RecordingContext run(byte[] overlay) {
        RecordingContext ctx = RecordingContext.defaults();
        IshieldOverlay.scan(ByteBuffer.wrap(overlay), 0, ctx);
        return ctx;
    }

    /** setup.ini, data1.hdr and data1.cab (holding clam.exe and a text file in 1000-byte chunks). */
    static byte[] sample(boolean goodMagic) {
        byte[][] files = {Samples.read("clam.exe"), Samples.wordSoup(2500, 5)};
        long[] offsets = new long[2], csizes = new long[2];
        byte[] cab = IshieldSamples.dataCab(files, offsets, csizes, 1000);
        byte[] hdr = IshieldSamples.header(new String[] {"clam.exe", "notes.txt"}, files, offsets, csizes);
        if (!goodMagic) hdr[0] ^= 1;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        IshieldSamples.overlayEntry(out, "setup.ini", "[Startup]\r\nProduct=Test\r\n".getBytes(StandardCharsets.ISO_8859_1));
        IshieldSamples.overlayEntry(out, "data1.hdr", hdr);
        IshieldSamples.overlayEntry(out, "data1.cab", cab);
        out.writeBytes(new byte[16]); // ClamAV takes a file only when some byte follows it
        return out.toByteArray();
    }

    @Test
    void headerPlacesFilesInTheCabinet() {
        RecordingContext ctx = run(sample(true));
        List<String> names = new ArrayList<>();
        ctx.extracted().forEach(c -> names.add(c.info().name()));
        assertEquals(List.of("setup.ini", "clam.exe", "notes.txt"), names, ctx.notes().toString());
        Samples.assertClamExe(ctx.extracted().get(1).data());
        assertArrayEquals(Samples.wordSoup(2500, 5), ctx.extracted().get(2).data());
        assertEquals(2, ctx.children().size() - ctx.extracted().size(), "header and cabinet reported once, not scanned");
    }

    @Test
    void unreadableHeaderScansHeaderAndCabinetAsTheyAre() {
        RecordingContext ctx = run(sample(false));
        List<String> names = new ArrayList<>();
        ctx.extracted().forEach(c -> names.add(c.info().name()));
        assertEquals(List.of("setup.ini", "data1.hdr", "data1.cab"), names);
    }

    @Test
    void aFileEndingExactlyAtTheEndIsNotTaken() {
        byte[] s = sample(true);
        RecordingContext ctx = run(java.util.Arrays.copyOf(s, s.length - 16));
        List<String> names = new ArrayList<>();
        ctx.extracted().forEach(c -> names.add(c.info().name()));
        assertEquals(List.of("setup.ini", "data1.hdr"), names, "no cabinet: the header is scanned as it is");
    }

    @Test
    void sizeStringsAreReadLikeStrtol() {
        assertEquals(12, IshieldOverlay.decimal("12"));
        assertEquals(12, IshieldOverlay.decimal(" +12"));
        assertEquals(-1, IshieldOverlay.decimal("12x"));
        assertEquals(-1, IshieldOverlay.decimal(""));
        assertEquals(-1, IshieldOverlay.decimal("-3"));
        assertEquals(-1, IshieldOverlay.decimal("99999999999999999999"));
        assertEquals(7, IshieldOverlay.cabNumber("7.cab"));
        assertEquals(0, IshieldOverlay.cabNumber("0.cab"));
        assertEquals(0, IshieldOverlay.cabNumber("1.hdr"));
    }

    /** clam_IScab_int.exe: the overlay files and the header's files, compared with clamscan --debug. */
    @Test
    void clamavTestFileListsTheSameFilesAsClamscan() throws Exception {
        Path p = Samples.DIR.resolve("clam_IScab_int.exe");
        assumeTrue(Files.exists(p), "clamav-testfiles not installed");
        byte[] data = Files.readAllBytes(p);
        ExeInfo pe = ExeInfo.parsePe(ByteBuffer.wrap(data));
        int start = (int) IshieldOverlay.overlayStart(pe);
        RecordingContext ctx = RecordingContext.defaults();
        IshieldOverlay.scan(ByteBuffer.wrap(data), start, ctx);
        assertTrue(ctx.extracted().stream().anyMatch(c -> Samples.sha256(c.data()).equals(Samples.CLAM_EXE_SHA256)));
        String debug = clamscanDebug(p);
        assumeTrue(debug != null, "clamscan not installed");
        List<String> listed = new ArrayList<>(), sizes = new ArrayList<>();
        Matcher m = Pattern.compile("ishield: @\\p{XDigit}+ found file (.*?) \\(").matcher(debug);
        while (m.find()) listed.add(m.group(1));
        List<String> ours = new ArrayList<>();
        ctx.children().forEach(c -> ours.add(c.info().name()));
        assertEquals(listed, ours.subList(0, listed.size()), "files listed in the overlay");
        // the header's files that clamscan decoded: a "file … (size: N" line directly followed by "extracted"
        Matcher s = Pattern.compile("is_parse_hdr: file [^\\n]*\\(size: (\\d+) csize[^\\n]*\\n(?:LibClamAV debug: *\\n)*"
                + "LibClamAV debug: is_extract_cab: extracted").matcher(debug);
        while (s.find()) sizes.add(s.group(1));
        List<String> ourSizes = new ArrayList<>();
        ctx.children().subList(listed.size(), ctx.children().size()).forEach(c -> ourSizes.add(Integer.toString(c.data().length)));
        assertEquals(sizes, ourSizes, "files decoded from the data cabinets");
    }

    static String clamscanDebug(Path file) throws Exception {
        if (!Files.isExecutable(Path.of("/usr/bin/clamscan"))) return null;
        Path db = Files.createTempFile("ishield", ".ndb");
        try {
            Files.writeString(db, "Nothing.Matches:0:*:0011223344556677889900aabbccddeeff\n");
            Process pr = new ProcessBuilder("clamscan", "--debug", "--no-summary", "-d", db.toString(), file.toString())
                    .redirectErrorStream(true).start();
            String out = new String(pr.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            pr.waitFor();
            return out;
        } finally {
            Files.deleteIfExists(db);
        }
    }

    @Test
    void contract() {
        Contract.all(AS_EXTRACTOR, FileType.MSEXE, sample(true));
    }
}
