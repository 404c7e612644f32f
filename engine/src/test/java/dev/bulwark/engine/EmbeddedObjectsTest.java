package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Objects hidden inside other data (SFX archives after junk or text, archives after an executable, too
 * many objects, a ZIP whose comment holds an executable, a PDF after junk, an ISO image) scanned by
 * clamscan and by Bulwark in all-match mode: the signatures found per file must be the same. The
 * payload signature is anchored at offset 0, so only an extracted member can match it.
 */
class EmbeddedObjectsTest {
    private static final Path TESTFILES = Path.of("/usr/share/clamav-testfiles");

    @Test
    void embeddedObjectsAgreeWithClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        assumeTrue(Files.exists(TESTFILES.resolve("clam.exe")), "clamav-testfiles not installed");
        byte[] exe = Files.readAllBytes(TESTFILES.resolve("clam.exe"));
        byte[] payload = new byte[3000];
        new Random(7).nextBytes(payload);
        Path files = Files.createDirectories(tmp.resolve("files")), work = Files.createDirectories(tmp.resolve("work"));
        Files.write(work.resolve("payload.bin"), payload);
        byte[] junk = new byte[777];
        for (int i = 0; i < junk.length; i++) junk[i] = (byte) (1 + i % 200);
        byte[] text = "just some text here\n".repeat(30).getBytes(StandardCharsets.US_ASCII);
        byte[] zip = zip("a.txt", "hello".getBytes(StandardCharsets.US_ASCII), "payload.bin", payload);

        Files.write(files.resolve("junk-zip.bin"), cat(junk, zip));
        Files.write(files.resolve("junk-storedzip.bin"), cat(junk, storedZip("a.txt", "hello".getBytes(StandardCharsets.US_ASCII), "payload.bin", payload)));
        Files.write(files.resolve("text-zip.txt"), cat(text, zip));
        Files.write(files.resolve("exe-zip.exe"), cat(exe, zip));
        Files.write(files.resolve("zip-comment.zip"), zipWithComment(cat(exe, payload)));
        Files.write(files.resolve("junk-pdf.bin"), cat(junk, pdf(payload)));
        Files.write(files.resolve("exe-exe.exe"), cat(exe, junk, exe, payload));
        Files.write(files.resolve("junk-exe.bin"), cat(java.util.Arrays.copyOf(junk, 100), exe, payload));
        Files.write(files.resolve("junk-pdf-far.bin"), cat(junk, junk, pdf(payload)));
        if (tool("gcab")) {
            run(work, "gcab", "-c", "-z", "p.cab", "payload.bin");
            byte[] cab = Files.readAllBytes(work.resolve("p.cab"));
            Files.write(files.resolve("exe-cab.exe"), cat(exe, cab));
            Files.write(files.resolve("text-cab.txt"), cat(text, cab));
            byte[] many = new byte[0];
            for (int i = 0; i < 10; i++) many = cat(many, "xxMSCF\0\0\0\0".getBytes(StandardCharsets.ISO_8859_1));
            Files.write(files.resolve("eleventh-cab.bin"), cat(many, junk, cab));
        }
        if (tool("7z")) {
            run(work, "7z", "a", "-bd", "p.7z", "payload.bin");
            Files.write(files.resolve("exe-7z.exe"), cat(exe, Files.readAllBytes(work.resolve("p.7z"))));
        }
        if (tool("arj")) {
            run(work, "arj", "a", "-y", "p.arj", "payload.bin");
            Files.write(files.resolve("exe-arj.exe"), cat(exe, Files.readAllBytes(work.resolve("p.arj"))));
        }
        if (tool("genisoimage")) {
            run(work, "genisoimage", "-quiet", "-o", "p.iso", "payload.bin");
            Files.write(files.resolve("image.iso"), Files.readAllBytes(work.resolve("p.iso")));
            Files.write(files.resolve("junk-iso.bin"), cat(new byte[4096], Files.readAllBytes(work.resolve("p.iso"))));
        }
        Path db = tmp.resolve("t.ndb");
        Files.writeString(db, "Payload:0:0:" + HexFormat.of().formatHex(payload, 0, 16) + "\n"
                + "ExeStart:0:0:" + HexFormat.of().formatHex(exe, 0, 16) + "\n");

        Map<String, Set<String>> clam = clamscan(db, files), ours = new TreeMap<>();
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        try (var s = Files.list(files)) {
            for (Path f : s.toList()) {
                Set<String> names = new TreeSet<>();
                engine.scan(f, ScanOptions.defaults().withAllMatch(true)).detections().forEach(d -> names.add(d.name().replace(".UNOFFICIAL", "")));
                ours.put(f.getFileName().toString(), names);
            }
        }
        assertEquals(clam, ours);
    }

    private static Map<String, Set<String>> clamscan(Path db, Path dir) throws Exception {
        return AllMatchDiff.clamscan(db, dir);
    }

    private static boolean tool(String name) {
        return Files.isExecutable(Path.of("/usr/bin", name));
    }

    private static void run(Path dir, String... cmd) throws Exception {
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) throw new IllegalStateException(String.join(" ", cmd));
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] b : parts) o.writeBytes(b);
        return o.toByteArray();
    }

    private static byte[] zip(Object... namesAndData) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(o)) {
            for (int i = 0; i < namesAndData.length; i += 2) {
                z.putNextEntry(new ZipEntry((String) namesAndData[i]));
                z.write((byte[]) namesAndData[i + 1]);
                z.closeEntry();
            }
        }
        return o.toByteArray();
    }

    /** Stored members carry their sizes in the local header (no data descriptor), as SFX stubs need. */
    private static byte[] storedZip(Object... namesAndData) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(o)) {
            for (int i = 0; i < namesAndData.length; i += 2) {
                byte[] data = (byte[]) namesAndData[i + 1];
                ZipEntry e = new ZipEntry((String) namesAndData[i]);
                java.util.zip.CRC32 crc = new java.util.zip.CRC32();
                crc.update(data);
                e.setMethod(ZipEntry.STORED);
                e.setSize(data.length);
                e.setCompressedSize(data.length);
                e.setCrc(crc.getValue());
                z.putNextEntry(e);
                z.write(data);
                z.closeEntry();
            }
        }
        return o.toByteArray();
    }

    private static byte[] zipWithComment(byte[] comment) throws Exception {
        byte[] z = zip("a.txt", "hello world hello world".getBytes(StandardCharsets.US_ASCII));
        z[z.length - 2] = (byte) comment.length;
        z[z.length - 1] = (byte) (comment.length >>> 8);
        return cat(z, comment);
    }

    private static byte[] pdf(byte[] content) {
        Deflater d = new Deflater();
        d.setInput(content);
        d.finish();
        byte[] z = new byte[content.length + 1024];
        int n = d.deflate(z);
        d.end();
        byte[] head = ("%PDF-1.4\n1 0 obj\n<< /Length " + n + " /Filter /FlateDecode >>\nstream\n").getBytes(StandardCharsets.ISO_8859_1);
        byte[] tail = "\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".getBytes(StandardCharsets.ISO_8859_1);
        return cat(head, java.util.Arrays.copyOf(z, n), tail);
    }
}
