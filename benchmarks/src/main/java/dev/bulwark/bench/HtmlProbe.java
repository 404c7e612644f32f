package dev.bulwark.bench;

import dev.bulwark.engine.normalize.HtmlNormalizer;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * The HTML normaliser alone, in MB of input per CPU-second of the thread, over a directory of documents (e.g.
 * the HTML layers of a corpus). Also prints one SHA-256 over every document's three views, so two builds can
 * be checked to write the same bytes. Usage: HtmlProbe DIR [ROUNDS] [--per-file] (per-file digests to stdout).
 */
public final class HtmlProbe {
    private HtmlProbe() {}

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 8;
        boolean perFile = args.length > 2 && args[2].equals("--per-file");
        List<Path> files = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            s.filter(Files::isRegularFile).sorted().forEach(files::add);
        }
        List<byte[]> docs = new ArrayList<>();
        long total = 0;
        for (Path p : files) {
            byte[] b = read(p);
            docs.add(b);
            total += b.length;
        }
        MessageDigest all = MessageDigest.getInstance("SHA-256");
        for (int i = 0; i < docs.size(); i++) {
            HtmlNormalizer.Result r = HtmlNormalizer.normalize(ByteBuffer.wrap(docs.get(i)), Long.MAX_VALUE);
            MessageDigest one = MessageDigest.getInstance("SHA-256");
            for (byte[] v : new byte[][] {r.noComment(), r.noTags(), r.scripts()}) {
                byte[] len = ByteBuffer.allocate(4).putInt(v.length).array();
                all.update(len);
                all.update(v);
                one.update(len);
                one.update(v);
            }
            if (perFile) System.out.println(HexFormat.of().formatHex(one.digest()) + " " + files.get(i).getFileName());
        }
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        double best = 0;
        List<String> each = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            long c0 = mx.getCurrentThreadCpuTime();
            long out = 0;
            for (byte[] d : docs) out += HtmlNormalizer.normalize(ByteBuffer.wrap(d), Long.MAX_VALUE).noComment().length;
            long cpu = mx.getCurrentThreadCpuTime() - c0;
            double mbs = total / 1e6 / (cpu / 1e9);
            each.add(String.format("%.0f", mbs));
            if (r >= rounds / 3) best = Math.max(best, mbs);
            if (out == 42) System.out.print("");
        }
        System.err.printf("docs=%d bytes=%.1f MB views-sha256=%s best=%.1f MB/cpu-s rounds=%s%n", docs.size(), total / 1e6,
                HexFormat.of().formatHex(all.digest()), best, each);
    }

    private static byte[] read(Path p) throws IOException {
        return Files.readAllBytes(p);
    }
}
