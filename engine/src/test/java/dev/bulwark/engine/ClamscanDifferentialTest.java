package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random body and logical signatures (wildcards, nibbles, alternatives, gaps, offsets,
 * counts) over random files with planted matches, scanned by clamscan and by Bulwark in all-match
 * mode: the set of signatures found per file must be identical.
 */
class ClamscanDifferentialTest {
    private static final int FILES = 30, NDB = 160, LDB = 40;

    @Test
    void randomSignaturesAgreeWithClamscan(@TempDir Path tmp) throws Exception {
        assumeTrue(Files.isExecutable(Path.of("/usr/bin/clamscan")), "clamscan not installed");
        for (long seed : new long[] {1, 2, 3}) run(Path.of(System.getProperty("difftest.dir", tmp.toString())).resolve("s" + seed), seed);
    }

    private void run(Path dir, long seed) throws Exception {
        Random r = new Random(seed);
        Path files = Files.createDirectories(dir.resolve("files")), db = Files.createDirectories(dir.resolve("db"));
        List<byte[]> data = new ArrayList<>();
        for (int i = 0; i < FILES; i++) {
            byte[] b = new byte[200 + r.nextInt(3000)];
            for (int j = 0; j < b.length; j++) b[j] = (byte) (r.nextInt(4) == 0 ? r.nextInt(256) : 'a' + r.nextInt(26));
            // plant a UTF-16LE copy of an ASCII run so that ::w subsignatures have something to find
            int at = r.nextInt(b.length - 40);
            for (int j = 0; j < 8; j++) { b[at + 2 * j] = (byte) ('a' + r.nextInt(26)); b[at + 2 * j + 1] = 0; }
            data.add(b);
            Files.write(files.resolve(String.format("f%02d.bin", i)), b);
        }
        StringBuilder ndb = new StringBuilder(), ldb = new StringBuilder();
        for (int i = 0; i < NDB; i++) {
            byte[] src = data.get(r.nextInt(FILES));
            int off = r.nextInt(src.length - 40);
            String offset = "*";
            int k = r.nextInt(10);
            if (k == 0) offset = Integer.toString(off);
            else if (k == 1) offset = (off > 2 ? off - 2 : off) + ",4";
            else if (k == 2) offset = "EOF-" + (src.length - off);
            boolean anchor = r.nextInt(8) == 0;
            String pat = anchor ? anchored(r, src, off) : pattern(r, src, off);
            if (r.nextInt(10) == 0) pat = "(W)" + pat;
            if (!anchor && r.nextInt(10) == 0) pat = pat + (r.nextBoolean() ? "(B)" : "(L)");
            ndb.append("N").append(i).append(":0:").append(offset).append(':').append(pat).append('\n');
        }
        StringBuilder hdb = new StringBuilder();
        for (int i = 0; i < 5; i++) {
            byte[] src = data.get(r.nextInt(FILES));
            String md5 = HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5").digest(src));
            hdb.append(md5).append(':').append(src.length + (i == 4 ? 1 : 0)).append(":H").append(i).append('\n');
        }
        Files.writeString(db.resolve("t.hdb"), hdb);
        for (int i = 0; i < LDB; i++) {
            byte[] src = data.get(r.nextInt(FILES));
            String a = pattern(r, src, r.nextInt(src.length - 40));
            String b = pattern(r, src, r.nextInt(src.length - 40));
            String logic = switch (r.nextInt(4)) {
                case 0 -> "0&1";
                case 1 -> "0|1";
                case 2 -> "0>1|1";
                default -> "(0|1)=2";
            };
            String mods = switch (r.nextInt(8)) {
                case 0 -> "::i";
                case 1 -> "::w";
                case 2 -> "::wa";
                case 3 -> "::f";
                case 4 -> "::a";
                case 5 -> "::wi";
                default -> "";
            };
            if (!mods.isEmpty() && a.contains("!(")) mods = ""; // ClamAV rejects negations with ::modifiers (tested elsewhere)
            String third = "";
            if (r.nextInt(3) == 0) {
                // a PCRE subsignature triggered by subsignature 0, from a literal run with '.' wildcards
                int po = r.nextInt(src.length - 40);
                StringBuilder re = new StringBuilder();
                for (int j = 0; j < 6; j++) {
                    int c = src[po + j] & 0xFF;
                    re.append(j % 3 == 2 ? "." : (c >= 'a' && c <= 'z') ? String.valueOf((char) c) : String.format("\\x%02x", c));
                }
                third = ";0/" + re + "/" + (r.nextBoolean() ? "i" : "");
                logic = "(" + logic + ")|2";
            }
            ldb.append("L").append(i).append(";Engine:81-255,Target:0;").append(logic).append(';').append(a).append(mods)
                    .append(';').append(b).append(third).append('\n');
        }
        Files.writeString(db.resolve("t.ndb"), ndb);
        Files.writeString(db.resolve("t.ldb"), ldb);

        Map<String, Set<String>> ref = new TreeMap<>();
        Process p = new ProcessBuilder("clamscan", "--no-summary", "--allmatch", "-d", db.toString(), files.toString())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        p.waitFor();
        for (String line : out.split("\n")) {
            if (!line.endsWith(" FOUND")) continue;
            int c = line.indexOf(": ");
            ref.computeIfAbsent(Path.of(line.substring(0, c)).getFileName().toString(), x -> new TreeSet<>())
                    .add(line.substring(c + 2, line.length() - 6));
        }
        if (out.contains("Malformed database")) {
            // the generator hit a construct ClamAV rejects: we must reject it as well
            org.junit.jupiter.api.Assertions.assertThrows(DatabaseLoadException.class,
                    () -> Engine.load(List.of(db), LoadOptions.defaults()), "seed " + seed + ": clamscan rejected the database\n" + out);
            return;
        }
        Engine e = Engine.load(List.of(db), LoadOptions.defaults());
        Map<String, Set<String>> got = new TreeMap<>();
        try (var s = Files.list(files)) {
            for (Path f : s.toList()) {
                ScanResult res = e.scan(f, ScanOptions.defaults().withAllMatch(true));
                for (Detection d : res.detections()) got.computeIfAbsent(f.getFileName().toString(), x -> new TreeSet<>()).add(d.name());
            }
        }
        assertEquals(ref, got, "seed " + seed + "\n" + out);
    }

    /** A single-byte anchor pattern: three static bytes, then one byte x..y bytes later. */
    private static String anchored(Random r, byte[] src, int off) {
        HexFormat hex = HexFormat.of();
        int k = r.nextInt(5);
        int lo = Math.max(0, k - r.nextInt(2)), hi = k + r.nextInt(3);
        return hex.formatHex(src, off, off + 3) + "[" + lo + "-" + hi + "]" + hex.toHexDigits(src[off + 3 + k]);
    }

    /** A hex pattern drawn from src at off, with random wildcards, nibbles, alternatives and gaps. */
    private static String pattern(Random r, byte[] src, int off) {
        HexFormat hex = HexFormat.of();
        StringBuilder sb = new StringBuilder();
        int pos = off;
        int parts = 1 + (r.nextInt(3) == 0 ? 1 : 0);
        for (int p = 0; p < parts; p++) {
            if (p > 0) {
                int gap = r.nextInt(4);
                switch (r.nextInt(5)) {
                    case 0 -> sb.append('*');
                    case 1 -> sb.append("{-").append(gap + r.nextInt(2)).append('}');
                    case 2 -> sb.append('{').append(Math.max(0, gap - r.nextInt(2))).append("-}");
                    case 3 -> sb.append('{').append(gap).append('}');
                    default -> sb.append('{').append(gap).append('-').append(gap + r.nextInt(3)).append('}');
                }
                pos += gap;
            }
            sb.append(hex.toHexDigits(src[pos])).append(hex.toHexDigits(src[pos + 1])).append(hex.toHexDigits(src[pos + 2]));
            pos += 3;
            int len = 2 + r.nextInt(8);
            for (int i = 0; i < len; i++, pos++) {
                String h = hex.toHexDigits(src[pos]);
                switch (r.nextInt(12)) {
                    case 0 -> sb.append("??");
                    case 1 -> sb.append(h.charAt(0)).append('?');
                    case 2 -> sb.append('?').append(h.charAt(1));
                    case 3 -> sb.append('(').append(h).append('|').append(hex.toHexDigits((byte) (src[pos] + 1))).append(')');
                    case 4 -> sb.append("!(").append(hex.toHexDigits((byte) (src[pos] + 1 + r.nextInt(2)))).append('|')
                            .append(hex.toHexDigits((byte) (src[pos] + 3))).append(')');
                    case 5 -> {
                        sb.append('(').append(h).append(hex.toHexDigits(src[pos + 1])).append("|7a7a)");
                        pos++;
                        i++;
                    }
                    default -> sb.append(h);
                }
            }
        }
        return sb.toString();
    }
}
