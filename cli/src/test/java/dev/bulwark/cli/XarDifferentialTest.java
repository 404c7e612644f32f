package dev.bulwark.cli;

import static dev.bulwark.cli.ClamscanCases.EICAR;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.tukaani.xz.LZMA2Options;
import org.tukaani.xz.LZMAOutputStream;
import org.tukaani.xz.XZOutputStream;

/**
 * (types17) XAR archives as clamscan 1.4.6 unpacks them (cli_scanxar): 300 seeded random archives (0-5 extents,
 * each gzip, bzip2, LZMA, xz, stored or unknown-encoded, <data> or <ea>; offsets, lengths and sizes sometimes
 * wrong; a member sometimes cut or damaged; a <subdoc> before the TOC; whitespace or none between elements; the
 * decompressed TOC size sometimes wrong; the file sometimes cut), scanned with EICAR, member, subdocument and
 * Container:CL_TYPE_XAR signatures: clamscan and bulwark scan --allmatch print the same lines. (Truncated xz
 * members are left out: XzExtractor scans what decoded before a premature end, ClamAV's cli_scanxz nothing; a
 * known difference outside XAR.)
 */
class XarDifferentialTest {
    private static final HexFormat HEX = HexFormat.of();
    private static final String[] ENC = {"application/x-gzip", "application/x-bzip2", "application/x-lzma", "application/x-xz",
            "application/octet-stream", "text/plain", null};

    @Test
    void sameLinesAsClamscan(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        Random r = new Random(17);
        for (int i = 0; i < 300; i++) Files.write(dir.resolve(String.format("r%03d.xar", i)), archive(r));
        Path db = Files.createDirectories(tmp.resolve("db"));
        Files.writeString(db.resolve("t.ndb"), "Eicar:0:*:" + hex(EICAR) + "\nMember:0:*:" + hex("MEMBERMARK") + "\nSubdoc:0:*:"
                + hex("SUBDOCMARK") + "\nMz:1:0:4d5a000000\n");
        Files.writeString(db.resolve("t.ldb"), "InXar;Engine:81-255,Container:CL_TYPE_XAR,Target:0;0;" + hex("MEMBERMARK")
                + "\nXarToc;Engine:81-255,Container:CL_TYPE_XAR,Target:0;0;" + hex("<toc>") + "\n");
        for (boolean all : new boolean[] {true, false}) {
            List<String> args = new ArrayList<>(List.of("--no-summary", "-d", db.toString(), dir.toString()));
            if (all) args.add(0, "--allmatch");
            String[] a = args.toArray(new String[0]);
            ScanCommandTest.Run c = ScanCommandTest.clamscan(a), b = ScanCommandTest.bulwark(a);
            assertEquals(ClamscanCases.lines(c.out()), ClamscanCases.lines(b.out()), "allmatch " + all);
            if (all) assertTrue(c.out().contains("InXar.UNOFFICIAL FOUND") && c.out().contains("Eicar.UNOFFICIAL FOUND"), c.out());
            assertEquals(c.rc(), b.rc());
        }
    }

    private static String hex(String s) {
        return HEX.formatHex(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static byte[] encode(byte[] data, String e) throws Exception {
        if (e == null) return data;
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        switch (e) {
            case "application/x-gzip" -> {
                Deflater d = new Deflater();
                d.setInput(data);
                d.finish();
                byte[] buf = new byte[data.length + 64];
                int n = d.deflate(buf);
                d.end();
                o.write(buf, 0, n);
            }
            case "application/x-bzip2" -> { try (OutputStream z = new BZip2CompressorOutputStream(o)) { z.write(data); } }
            case "application/x-lzma" -> { try (OutputStream z = new LZMAOutputStream(o, new LZMA2Options(), -1)) { z.write(data); } }
            case "application/x-xz" -> { try (OutputStream z = new XZOutputStream(o, new LZMA2Options())) { z.write(data); } }
            default -> o.write(data);
        }
        return o.toByteArray();
    }

    private static byte[] archive(Random r) throws Exception {
        ByteArrayOutputStream heap = new ByteArrayOutputStream();
        heap.write(new byte[20]);
        StringBuilder files = new StringBuilder();
        String ws = new String[] {"", "\n", " "}[r.nextInt(3)];
        ByteArrayOutputStream gz = new ByteArrayOutputStream();
        try (OutputStream z = new GZIPOutputStream(gz)) { z.write(("in gz " + EICAR).getBytes(StandardCharsets.ISO_8859_1)); }
        int members = r.nextInt(6);
        for (int i = 0; i < members; i++) {
            String e = ENC[r.nextInt(ENC.length)];
            byte[] data = switch (r.nextInt(5)) {
                case 0 -> "hello MEMBERMARK world\n".repeat(1 + r.nextInt(4)).getBytes(StandardCharsets.ISO_8859_1);
                case 1 -> ("pre " + EICAR + " post").getBytes(StandardCharsets.ISO_8859_1);
                case 2 -> gz.toByteArray();
                case 3 -> {
                    byte[] mz = new byte[102];
                    mz[0] = 'M';
                    mz[1] = 'Z';
                    yield mz;
                }
                default -> new byte[0];
            };
            byte[] arch = encode(data, e);
            boolean xz = "application/x-xz".equals(e);
            if (!xz && r.nextInt(7) == 0) arch = java.util.Arrays.copyOf(arch, arch.length / 2);
            if (r.nextInt(10) == 0 && arch.length > 0) arch[0] ^= (byte) 0xff;
            int off = heap.size() + new int[] {0, 0, 0, 1, -1, 5000}[r.nextInt(6)];
            heap.write(arch);
            int length = arch.length + (xz ? 0 : new int[] {0, 0, 0, 3, -3, 100000}[r.nextInt(6)]);
            int size = data.length + new int[] {0, 0, 7}[r.nextInt(3)];
            String tag = r.nextInt(4) == 0 ? "ea" : "data";
            String enc = e == null ? "" : r.nextInt(5) > 0 ? "<encoding style=\"" + e + "\"/>" : "<encoding style=\"" + e + "\"></encoding>";
            List<String> fields = new ArrayList<>(List.of("<length>" + Math.max(length, 0) + "</length>",
                    "<offset>" + Math.max(off, 0) + "</offset>", "<size>" + size + "</size>", enc));
            if (r.nextInt(10) == 0) fields.remove(r.nextInt(3));
            java.util.Collections.shuffle(fields, r);
            files.append("<file id=\"").append(i + 1).append("\">").append(ws).append('<').append(tag).append('>').append(ws)
                    .append(String.join(ws, fields)).append(ws).append("</").append(tag).append('>').append(ws)
                    .append("<name>n").append(i).append("</name></file>").append(ws);
        }
        String sd = r.nextInt(10) < 3 ? "<subdoc subdoc_name=\"x\">SUBDOCMARK " + (r.nextBoolean() ? EICAR : "") + "</subdoc>"
                + (r.nextBoolean() ? "\n" : "") : "";
        String toc = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<xar>" + ws + sd + "<toc>" + ws
                + "<checksum style=\"sha1\"><offset>0</offset><size>20</size></checksum>" + ws + files + "</toc>\n</xar>\n";
        byte[] raw = toc.getBytes(StandardCharsets.ISO_8859_1);
        byte[] z = encode(raw, "application/x-gzip");
        int hsize = r.nextInt(4) == 0 ? 32 : 28;
        int tocU = raw.length + new int[] {0, 0, 0, -20, 50}[r.nextInt(5)];
        ByteBuffer h = ByteBuffer.allocate(hsize);
        h.putInt(0x78617221).putShort((short) hsize).putShort((short) 1).putLong(z.length).putLong(tocU).putInt(1);
        ByteArrayOutputStream f = new ByteArrayOutputStream();
        f.write(h.array());
        f.write(z);
        f.write(heap.toByteArray());
        byte[] out = f.toByteArray();
        if (r.nextInt(10) == 0 && !toc.contains("x-xz")) out = java.util.Arrays.copyOf(out, r.nextInt(out.length));
        return out;
    }
}
