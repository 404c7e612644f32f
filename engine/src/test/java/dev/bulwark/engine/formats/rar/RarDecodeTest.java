package dev.bulwark.engine.formats.rar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.Limits;
import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import dev.bulwark.engine.formats.archivetest.Samples;
import dev.bulwark.engine.formats.archivetest.Tools;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Decompression checked against bsdtar (libarchive) on libarchive's own RAR test archives. */
@Timeout(600) // hang guard only
class RarDecodeTest {
    /** Archives whose compressed members must decode exactly as bsdtar decodes them (RAR 4 and RAR 5, solid, filters). */
    private static final List<String> MUST_MATCH = List.of("test_read_format_rar5_compressed.rar", "test_read_format_rar5_solid.rar",
            "test_read_format_rar5_multiple_files_solid.rar", "test_read_format_rar5_arm.rar", "test_read_format_rar5_win32.rar",
            "test_read_format_rar_compress_normal.rar", "test_read_format_rar_filter.rar", "test_read_format_rar_binary_data.rar",
            "test_read_format_rar_windows.rar", "test_read_format_rar_unicode.rar", "test_read_format_rar_sfx.exe",
            "test_read_format_rar_compress_best.rar");

    /** bsdtar -tv: mode, links, uid, gid, size, month, day, year or time, then the name. */
    private static final java.util.regex.Pattern LISTING = java.util.regex.Pattern.compile("^(?:\\S+\\s+){8}(.*)$");

    /** Where bsdtar 3.6 extracts and we deliberately do not (newer libarchive agrees with us). */
    private static final java.util.Map<String, String> BSDTAR_DIFFERS = java.util.Map.of(
            "test_read_format_rar5_only_crypt_exfld.rar", "member carries an encryption record: announced as encrypted, not extracted",
            "test_read_format_rar5_zip_in_rar.rar", "bsdtar 3.6 misdetects it as the ZIP stored inside (libarchive issue 2249)",
            "test_read_format_rar_unbound_staticdata.rar", "DELTA filter with 0 channels: bsdtar 3.6 outputs zeros, we report the member damaged");

    private record Reference(boolean ok, List<String> digests, Set<String> links) {}

    /** bsdtar's extraction: sha256 and size of each regular file; link names, which bsdtar makes links and we scan as members. */
    private static Reference bsdtar(Path archive, Path out) throws IOException, InterruptedException {
        Files.createDirectories(out);
        Process p = new ProcessBuilder("bsdtar", "-xf", archive.toString()).directory(out.toFile())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        boolean ok = p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
        if (!ok) p.destroyForcibly();
        Set<String> links = new HashSet<>();
        if (!ok) return new Reference(false, List.of(), links);
        Path listing = out.resolveSibling(out.getFileName() + ".list");
        Process l = new ProcessBuilder("bsdtar", "-tvf", archive.toString()).redirectError(ProcessBuilder.Redirect.DISCARD)
                .redirectOutput(listing.toFile()).start();
        if (!l.waitFor(30, TimeUnit.SECONDS)) {
            l.destroyForcibly();
            return new Reference(false, List.of(), links);
        }
        for (String line : Files.readString(listing).split("\n")) {
            java.util.regex.Matcher m = LISTING.matcher(line);
            if (m.matches() && (line.startsWith("l") || line.contains(" link to "))) {
                links.add(m.group(1).replaceAll(" (->|link to) .*$", ""));
            }
        }
        List<String> digests = new ArrayList<>();
        try (Stream<Path> s = Files.walk(out)) {
            for (Path f : s.filter(f -> Files.isRegularFile(f, java.nio.file.LinkOption.NOFOLLOW_LINKS)).sorted().toList()) {
                if (links.contains(out.relativize(f).toString())) continue;
                byte[] b = Files.readAllBytes(f);
                if (b.length == 0) continue; // empty members are announced, not extracted
                digests.add(Samples.sha256(b) + " " + b.length);
            }
        }
        return new Reference(ok, digests, links);
    }

    @Test
    void compressedMembersAreByteIdenticalToBsdtar(@TempDir Path tmp) throws Exception {
        Tools.requireTool("bsdtar");
        int archives = 0, members = 0;
        List<String> matched = new ArrayList<>();
        for (Path f : RarFixtures.all()) {
            Reference ref = bsdtar(f, tmp.resolve(f.getFileName().toString()));
            if (!ref.ok() || BSDTAR_DIFFERS.containsKey(f.getFileName().toString())) continue; // bsdtar itself rejects it (broken on purpose, or a feature it lacks)
            RecordingContext ctx = RarFixtures.extract(Files.readAllBytes(f), ScanOptions.defaults());
            List<String> ours = new ArrayList<>();
            for (RecordingContext.Child c : ctx.extracted()) {
                if (!ref.links().contains(c.info().name().replace('\\', '/'))) ours.add(Samples.sha256(c.data()) + " " + c.data().length);
            }
            List<String> want = new ArrayList<>(ref.digests());
            java.util.Collections.sort(ours);
            java.util.Collections.sort(want);
            assertEquals(want, ours, f.getFileName() + " " + ctx.notes());
            assertFalse(ctx.notes().stream().anyMatch(n -> n.contains("CRC mismatch")), ctx.notes().toString());
            archives++;
            members += want.size();
            matched.add(f.getFileName().toString());
        }
        assertTrue(matched.containsAll(MUST_MATCH), "matched only " + matched);
        System.out.println("RAR differential: " + members + " members of " + archives + " archives identical to bsdtar");
        assertTrue(members >= 60, "only " + members + " members compared");
    }

    @Test
    void headerCrcConfirmsOutputWhereBsdtarFails() {
        // bsdtar 3.6 reports CRC errors on these; the archives' own CRC32 agrees with our output
        for (String name : List.of("test_read_format_rar_multi_lzss_blocks.rar", "test_read_format_rar3_lowdist_reset.rar")) {
            RecordingContext ctx = RarFixtures.extract(RarFixtures.read(name), ScanOptions.defaults());
            assertEquals(1, ctx.extracted().size(), name + " " + ctx.notes());
            assertEquals(ctx.extracted().get(0).info().declaredSize(), ctx.extracted().get(0).data().length);
            assertTrue(ctx.notes().isEmpty(), name + " " + ctx.notes());
        }
    }

    @Test
    void wrongCrcIsANoteNotAFailure() {
        byte[] a = RarFixtures.read("test_read_format_rar_compress_normal.rar");
        List<String> good = RarFixtures.digests(RarFixtures.extract(a, ScanOptions.defaults()));
        int file = RarFixtures.firstRar4File(a);
        a[file + 16] ^= 1; // FILE_CRC
        RarFixtures.fixRar4Crcs(a);
        RecordingContext ctx = RarFixtures.extract(a, ScanOptions.defaults());
        assertEquals(good, RarFixtures.digests(ctx));
        assertTrue(ctx.notes().stream().anyMatch(n -> n.contains("CRC mismatch")), ctx.notes().toString());
    }

    @Test
    void lyingDictionarySizeAllocatesWithinTheLimits() {
        // RAR 4: dictionary bits 5-7 of the file flags raised to 4 MiB (7 would mean "directory")
        byte[] a = RarFixtures.read("test_read_format_rar_compress_normal.rar");
        List<String> good = RarFixtures.digests(RarFixtures.extract(a, ScanOptions.defaults()));
        int file = RarFixtures.firstRar4File(a);
        a[file + 3] = (byte) ((a[file + 3] & 0x1f) | 6 << 5);
        RarFixtures.fixRar4Crcs(a);
        assertEquals(good, RarFixtures.digests(RarFixtures.extract(a, ScanOptions.defaults())));
        // RAR 5: the 4-bit dictionary field at its maximum (4 GiB claimed); still decodes, window bounded by the limits
        byte[] b = RarFixtures.read("test_read_format_rar5_compressed.rar");
        List<String> good5 = RarFixtures.digests(RarFixtures.extract(b, ScanOptions.defaults()));
        assertEquals(good5, RarFixtures.digests(Rar5Patch.maxDictionary(b, ScanOptions.defaults())));
        var ctx = dev.bulwark.engine.formats.archivetest.Contract.run(new RarExtractor(), dev.bulwark.engine.filetype.FileType.RAR,
                Rar5Patch.patchedDictionary(b));
        assertEquals(1, ctx.extracted().size(), ctx.notes().toString());
    }

    @Test
    void solidStreamContinuesPastAMemberTheScanDidNotRead() {
        byte[] a = RarFixtures.read("test_read_format_rar5_solid.rar");
        List<String> all = RarFixtures.digests(RarFixtures.extract(a, ScanOptions.defaults()));
        // members over MaxFileSize are not read by the scan, yet the solid stream must still reach the later ones
        ScanOptions small = ScanOptions.defaults().withLimits(Limits.DEFAULTS.withMaxFileSize(2000));
        RecordingContext ctx = RarFixtures.extract(a, small);
        assertEquals(all.get(0), RarFixtures.digests(ctx).get(0));
        assertTrue(ctx.children().stream().filter(RecordingContext.Child::skipped).count() >= 6);
        // and a member read only partly by the scanner (a reader that stops early) leaves the next ones intact
        PartialReader partial = new PartialReader(ScanOptions.defaults(), "test2.bin");
        new RarExtractor().extract(dev.bulwark.engine.formats.archivetest.TestLayer.of(a, dev.bulwark.engine.filetype.FileType.RAR), partial);
        List<String> got = RarFixtures.digests(partial.inner());
        List<String> expected = new ArrayList<>(all);
        expected.remove(2); // test2.bin is the third member
        assertEquals(expected, got, partial.inner().notes().toString());
    }

    @Test
    void ppmdAndLzBlocksInOneMemberMatchTheArchiveCrc() {
        // 230 MiB from a 173 KiB archive that switches between PPMd and LZ blocks; bsdtar 3.6 gets it wrong
        // (CRC error), the archive's own CRC32 agrees with us. Streamed, not held: a draining context.
        byte[] a = RarFixtures.read("test_read_format_rar_ppmd_lzss_conversion.rar");
        PartialReader drain = new PartialReader(ScanOptions.defaults().withLimits(Limits.DEFAULTS.withMaxScanSize(1L << 30)), null);
        new RarExtractor().extract(dev.bulwark.engine.formats.archivetest.TestLayer.of(a, dev.bulwark.engine.filetype.FileType.RAR), drain);
        assertEquals(List.of(241647978L), drain.drained());
        assertTrue(drain.inner().notes().isEmpty(), drain.inner().notes().toString());
        // with the default 400 MiB scan budget halved, the PPMd stream stops at the budget with a note
        PartialReader small = new PartialReader(ScanOptions.defaults().withLimits(Limits.DEFAULTS.withMaxScanSize(100L << 20)), null);
        new RarExtractor().extract(dev.bulwark.engine.formats.archivetest.TestLayer.of(a, dev.bulwark.engine.filetype.FileType.RAR), small);
        assertTrue(small.drained().get(0) < 241647978L && small.drained().get(0) >= 100L << 20, small.drained().toString());
        assertTrue(small.inner().notes().stream().anyMatch(n -> n.contains("scan size")), small.inner().notes().toString());
    }

    @Test
    void encryptedMembersRaiseOneHeuristicAfterTheRestIsScanned() {
        // ClamAV's RAR scanner counts encrypted files and headers and alerts once, at the end, when asked
        ScanOptions alert = ScanOptions.defaults().withAlert(ScanOptions.Alert.ENCRYPTED_ARCHIVE, true);
        for (String name : List.of("test_read_format_rar4_encrypted.rar", "test_read_format_rar5_encrypted.rar")) {
            RecordingContext ctx = RarFixtures.extract(RarFixtures.read(name), alert);
            assertEquals(List.of("Heuristics.Encrypted.RAR"), ctx.heuristics(), name);
            assertEquals(List.of("a.txt", "c.txt"), ctx.extracted().stream().map(c -> c.info().name()).toList(), name);
            assertEquals(2, ctx.children().stream().filter(c -> c.announced() && c.info().encrypted()).count(), name);
            assertTrue(RarFixtures.extract(RarFixtures.read(name), ScanOptions.defaults()).heuristics().isEmpty());
        }
        for (String name : List.of("test_read_format_rar4_encrypted_filenames.rar", "test_read_format_rar5_encrypted_filenames.rar",
                "test_read_format_rar5_solid_encrypted.rar")) {
            assertEquals(List.of("Heuristics.Encrypted.RAR"), RarFixtures.extract(RarFixtures.read(name), alert).heuristics(), name);
        }
    }
}
