package dev.bulwark.engine.formats.bzip2;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.bulwark.engine.Engine;
import dev.bulwark.engine.LoadOptions;
import dev.bulwark.engine.ScanOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.XZOutputStream;

/**
 * (compat17) Concatenated and damaged .bz2 / .xz / .gz as libclamav 1.4.6 decodes them. cli_scanbzip reads only the
 * first bzip2 stream and writes its output in 8 KiB pieces, dropping the piece being filled when decoding fails;
 * cli_scanxz reads every stream but scans nothing when a block's data is damaged or the input ends early, and
 * everything when the damage comes after a block's end mark (index, footer, garbage); cli_scangzip reads every member.
 * Verdicts recorded with clamscan 1.4.6 (2026-11-27) and compared again with it when it is installed.
 */
class ConcatenatedStreamsClamscanTest {
    private static final byte[] EICAR = "X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!$H+H*"
            .getBytes(StandardCharsets.US_ASCII);

    interface Codec { OutputStream wrap(OutputStream o) throws IOException; }

    private static byte[] c(Codec codec, byte[]... parts) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            ByteArrayOutputStream one = new ByteArrayOutputStream();
            try (OutputStream o = codec.wrap(one)) { o.write(p); }
            all.writeBytes(one.toByteArray());
        }
        return all.toByteArray();
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (byte[] p : parts) all.writeBytes(p);
        return all.toByteArray();
    }

    private static byte[] flip(byte[] b, int at) {
        byte[] x = b.clone();
        x[at] ^= 0x55;
        return x;
    }

    @Test
    void verdictsAsClamscan(@TempDir Path tmp) throws Exception {
        Codec bz = o -> new BZip2CompressorOutputStream(o, 9);
        Codec xz = o -> new XZOutputStream(o, new LZMA2Options());
        Codec gz = GZIPOutputStream::new;
        byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII), empty = new byte[0];
        byte[] rnd = new byte[20_000];
        new Random(17).nextBytes(rnd);
        byte[] small = cat("a".repeat(100).getBytes(StandardCharsets.US_ASCII), EICAR);
        byte[] big = cat(rnd, EICAR, rnd); // EICAR at 20,000: in the third 8 KiB piece of 40,068 bytes
        byte[] garbage = "garbage!".repeat(10).getBytes(StandardCharsets.US_ASCII);
        Map<String, byte[]> files = new LinkedHashMap<>();
        Map<String, Boolean> found = new LinkedHashMap<>();
        // bzip2: the first stream only
        put(files, found, "bz-empty-eicar.bz2", c(bz, empty, EICAR), false);
        put(files, found, "bz-hello-eicar.bz2", c(bz, hello, EICAR), false);
        put(files, found, "bz-hello-hello-eicar.bz2", c(bz, hello, hello, EICAR), false);
        put(files, found, "bz-hello-bigeicar.bz2", c(bz, hello, big), false);
        put(files, found, "bz-eicar-hello.bz2", c(bz, EICAR, hello), true);
        put(files, found, "bz-eicar-garbage.bz2", cat(c(bz, EICAR), garbage), true);
        put(files, found, "bz-eicar-zeros.bz2", cat(c(bz, EICAR), new byte[100]), true);
        // bzip2: a failure drops the 8 KiB piece being filled, not what was written before
        byte[] bigBz = c(bz, big), smallBz = c(bz, small);
        put(files, found, "bz-big-trunc1.bz2", Arrays.copyOf(bigBz, bigBz.length - 1), true);
        put(files, found, "bz-big-streamcrc.bz2", flip(bigBz, bigBz.length - 3), true);
        put(files, found, "bz-small-trunc1.bz2", Arrays.copyOf(smallBz, smallBz.length - 1), false);
        put(files, found, "bz-small-streamcrc.bz2", flip(smallBz, smallBz.length - 3), false);
        // xz: every stream; damage inside a block or an early end scans nothing; damage after the blocks scans all
        byte[] bigXz = c(xz, cat(EICAR, rnd, rnd)), smallXz = c(xz, small);
        put(files, found, "xz-hello-eicar.xz", c(xz, hello, EICAR), true);
        put(files, found, "xz-empty-empty-eicar.xz", c(xz, empty, empty, EICAR), true);
        put(files, found, "xz-eicar-garbage.xz", cat(c(xz, EICAR), garbage), true);
        put(files, found, "xz-big-half.xz", Arrays.copyOf(bigXz, bigXz.length / 2), false);
        put(files, found, "xz-small-trunc1.xz", Arrays.copyOf(smallXz, smallXz.length - 1), false);
        put(files, found, "xz-small-index.xz", flip(smallXz, smallXz.length - 16), true);
        put(files, found, "xz-small-footer.xz", flip(smallXz, smallXz.length - 5), true);
        put(files, found, "xz-small-blockend.xz", flip(smallXz, smallXz.length - 37), false);
        // gzip: every member (unchanged)
        put(files, found, "gz-hello-eicar.gz", c(gz, hello, EICAR), true);
        put(files, found, "gz-empty-empty-eicar.gz", c(gz, empty, empty, EICAR), true);
        Path db = Files.createDirectories(tmp.resolve("db"));
        Files.writeString(db.resolve("e.ndb"), "Eicar.Sig:0:*:" + java.util.HexFormat.of().formatHex(EICAR) + "\n");
        Engine engine = Engine.load(List.of(db), LoadOptions.defaults());
        List<Path> paths = new ArrayList<>();
        Map<String, Boolean> ours = new LinkedHashMap<>();
        for (var e : files.entrySet()) {
            Path p = Files.write(tmp.resolve(e.getKey()), e.getValue());
            paths.add(p);
            ours.put(e.getKey(), !engine.scan(p, ScanOptions.defaults()).detections().isEmpty());
        }
        assertEquals(found, ours);
        if (Files.isExecutable(Path.of("/usr/bin/clamscan"))) assertEquals(found, clamscan(db, paths), "clamscan changed");
    }

    private static void put(Map<String, byte[]> files, Map<String, Boolean> found, String name, byte[] b, boolean f) {
        files.put(name, b);
        found.put(name, f);
    }

    private static Map<String, Boolean> clamscan(Path db, List<Path> paths) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("clamscan", "--no-summary", "-d", db.toString()));
        for (Path p : paths) cmd.add(p.toString());
        Process proc = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String out = new String(proc.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        proc.waitFor();
        Map<String, Boolean> r = new LinkedHashMap<>();
        for (Path p : paths) r.put(p.getFileName().toString(), null);
        for (String line : out.split("\n")) {
            int k = line.lastIndexOf(": ");
            if (k < 0) continue;
            r.put(Path.of(line.substring(0, k)).getFileName().toString(), line.endsWith(" FOUND"));
        }
        return r;
    }
}
