package dev.bulwark.engine.formats.archivetest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.arj.ArjExtractor;
import dev.bulwark.engine.formats.cab.CabExtractor;
import dev.bulwark.engine.formats.chm.ChmExtractor;
import dev.bulwark.engine.formats.cpio.CpioExtractor;
import dev.bulwark.engine.formats.iso9660.Iso9660Extractor;
import dev.bulwark.engine.formats.sevenzip.SevenZipExtractor;
import dev.bulwark.engine.formats.tar.TarExtractor;
import dev.bulwark.engine.formats.zip.ZipExtractor;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Differential test against clamscan: the metadata ClamAV hands to {@code .cdb} rules (its debug
 * line {@code CDBNAME:type:…:name:csize:rsize:encrypted:pos:crc}) must equal our ChildInfo for every
 * member, as a set of {@code name:csize:rsize:encrypted:pos}.
 */
@Timeout(600) // hang guard only
class ClamAvMetadataTest {
    /** ClamAV's view of one container file: the member tuples of lines whose type is {@code type}. */
    static Set<String> clamav(Path file, FileType type, Path db) throws IOException, InterruptedException {
        Tools.requireTool("clamscan");
        Process p = new ProcessBuilder("clamscan", "--debug", "--no-summary", "-d", db.toString(), file.toString())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String err = new String(p.getErrorStream().readAllBytes());
        p.waitFor(120, TimeUnit.SECONDS);
        Set<String> out = new TreeSet<>();
        String prefix = "CDBNAME:" + type.clamName() + ":";
        for (String line : err.split("\n")) {
            int i = line.indexOf(prefix);
            if (i < 0) continue;
            String[] f = line.substring(i + prefix.length()).split(":");
            // f: [size?, name, csize, rsize, enc, pos, crc]; names containing ':' do not occur in these samples
            out.add(f[1] + ":" + f[2] + ":" + f[3] + ":" + f[4] + ":" + f[5]);
        }
        return out;
    }

    static Set<String> ours(Extractor x, FileType type, byte[] data) {
        RecordingContext ctx = RecordingContext.defaults();
        try {
            x.extract(TestLayer.of(data, type), ctx);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
        Set<String> out = new TreeSet<>();
        for (RecordingContext.Child c : ctx.children()) {
            var i = c.info();
            out.add(i.name() + ":" + Math.max(0, i.compressedSize()) + ":" + Math.max(0, i.declaredSize()) + ":"
                    + (i.encrypted() ? 1 : 0) + ":" + i.position());
        }
        return out;
    }

    void check(Path dir, Path file, Extractor x, FileType type, byte[] ourInput) throws Exception {
        Path db = dir.resolve("dummy.hdb");
        if (!Files.exists(db)) Files.writeString(db, "0123456789abcdef0123456789abcdef:1:Bulwark.Dummy\n");
        Set<String> ref = clamav(file, type, db);
        assertFalse(ref.isEmpty(), "clamscan reported no metadata for " + file);
        assertEquals(ref, ours(x, type, ourInput), file.toString());
    }

    void check(Path dir, Path file, Extractor x, FileType type) throws Exception {
        check(dir, file, x, type, Files.readAllBytes(file));
    }

    @Test
    void clamavTestFiles(@TempDir Path dir) throws Exception {
        Path tf = Samples.DIR;
        Samples.read("clam.zip");
        for (String z : List.of("clam.zip", "clam.bz2.zip", "clam.d64.zip", "clam.impl.zip")) check(dir, tf.resolve(z), new ZipExtractor(), FileType.ZIP);
        check(dir, tf.resolve("clam.7z"), new SevenZipExtractor(), FileType.SEVENZIP);
        check(dir, tf.resolve("clam.cab"), new CabExtractor(), FileType.MSCAB);
        check(dir, tf.resolve("clam.arj"), new ArjExtractor(), FileType.ARJ);
        check(dir, tf.resolve("clam.chm"), new ChmExtractor(), FileType.MSCHM);
        check(dir, tf.resolve("clam.bin-le.cpio"), new CpioExtractor(), FileType.CPIO_OLD);
        check(dir, tf.resolve("clam.bin-be.cpio"), new CpioExtractor(), FileType.CPIO_OLD);
        check(dir, tf.resolve("clam.odc.cpio"), new CpioExtractor(), FileType.CPIO_ODC);
        check(dir, tf.resolve("clam.newc.cpio"), new CpioExtractor(), FileType.CPIO_NEWC);
        byte[] tar;
        try (GZIPInputStream in = new GZIPInputStream(Files.newInputStream(tf.resolve("clam.tar.gz")))) {
            tar = in.readAllBytes();
        }
        check(dir, tf.resolve("clam.tar.gz"), new TarExtractor(), FileType.POSIX_TAR, tar);
    }

    @Test
    void archivesWithSeveralMembersFromRealTools(@TempDir Path dir) throws Exception {
        Path src = Files.createDirectories(dir.resolve("src/sub"));
        Files.write(src.resolve("clam.exe"), Samples.read("clam.exe"));
        Files.write(dir.resolve("src/a.txt"), Samples.wordSoup(70_000, 1));
        Files.write(dir.resolve("src/empty"), new byte[0]);
        Path s = dir.resolve("src");
        Tools.run(s, null, "7z", "a", "-bd", "../x.7z", "a.txt", "empty", "sub");
        check(dir, dir.resolve("x.7z"), new SevenZipExtractor(), FileType.SEVENZIP);
        Tools.run(s, null, "zip", "-q", "-r", "../x.zip", "a.txt", "empty", "sub");
        check(dir, dir.resolve("x.zip"), new ZipExtractor(), FileType.ZIP);
        Tools.run(s, null, "gcab", "-c", "-z", "../x.cab", "a.txt", "sub/clam.exe");
        check(dir, dir.resolve("x.cab"), new CabExtractor(), FileType.MSCAB);
        Tools.run(s, null, "arj", "a", "-y", "../x.arj", "a.txt", "sub/clam.exe");
        check(dir, dir.resolve("x.arj"), new ArjExtractor(), FileType.ARJ);
        Tools.run(s, null, "genisoimage", "-quiet", "-J", "-o", "../x.iso", ".");
        check(dir, dir.resolve("x.iso"), new Iso9660Extractor(), FileType.ISO9660);
        Tools.run(s, null, "genisoimage", "-quiet", "-o", "../y.iso", ".");
        check(dir, dir.resolve("y.iso"), new Iso9660Extractor(), FileType.ISO9660);
    }
}
