package dev.bulwark.cli;

import static dev.bulwark.cli.ClamscanCases.EICAR;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * (types17) libclamav's built-in file types (filetypes_int.h) that decide how a file is scanned: ignored types
 * (MP3, Ogg, SQLite, RealMedia, ...) are not scanned at all, BMP and JPEG 2000 are graphics (target 5, not the
 * binary-data target 14 and its second scan), GIF/PNG/TIFF by ClamAV's short magics, CryptFF is decoded, HWPOLE2
 * holds an OLE2 file, and fixed-offset type-1 rules (MBR, APM, LHA, Python 3.7+, HWPML, PDF image) re-type text and
 * binary data. Each sample carries a marker and EICAR; the database has a marker signature for each target, logical
 * ones for targets 0, 5, 12 and 14, and each sample's MD5: clamscan 1.4.6 and bulwark scan must print the same lines,
 * with and without --allmatch, and the same "Data scanned" for each sample padded to 300 KB.
 */
class BuiltinTypesDifferentialTest {
    private static final byte[] MARK = "TYPEMARKER-17-PAYLOAD".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] EICAR_B = EICAR.getBytes(StandardCharsets.ISO_8859_1);
    private static final HexFormat HEX = HexFormat.of();

    @Test
    void sameLinesAsClamscan(@TempDir Path tmp) throws Exception {
        Path dir = ClamscanCases.casesDir(tmp);
        Map<String, byte[]> s = samples();
        StringBuilder db = new StringBuilder("Eicar-Body:0:*:" + HEX.formatHex(EICAR_B) + "\n");
        String[] names = {"Any", "PE", "OLE2", "HTML", "Mail", "Gfx", "ELF", "Ascii", null, "Macho", "PDF", "SWF", "Java",
                "Internal", "Other"};
        for (int t = 0; t < names.length; t++) {
            if (names[t] != null) db.append("Mark-").append(names[t]).append(':').append(t).append(":*:").append(HEX.formatHex(MARK)).append('\n');
        }
        StringBuilder ldb = new StringBuilder(), hdb = new StringBuilder();
        for (int t : new int[] {0, 5, 12, 14}) ldb.append("L-T").append(t).append(";Engine:81-255,Target:").append(t).append(";0;").append(HEX.formatHex(MARK)).append('\n');
        for (var e : s.entrySet()) {
            Files.write(dir.resolve(e.getKey() + ".bin"), e.getValue());
            hdb.append(HEX.formatHex(MessageDigest.getInstance("MD5").digest(e.getValue()))).append(':').append(e.getValue().length)
                    .append(":H-").append(e.getKey()).append('\n');
        }
        Path dbDir = Files.createDirectories(tmp.resolve("db"));
        Files.writeString(dbDir.resolve("t.ndb"), db);
        Files.writeString(dbDir.resolve("t.ldb"), ldb);
        Files.writeString(dbDir.resolve("t.hdb"), hdb);
        for (String mode : new String[] {"--no-summary", "--allmatch"}) {
            String[] args = mode.equals("--allmatch") ? new String[] {"--no-summary", "--allmatch", "-d", dbDir.toString(), dir.toString()}
                    : new String[] {"--no-summary", "-d", dbDir.toString(), dir.toString()};
            ScanCommandTest.Run c = ScanCommandTest.clamscan(args), b = ScanCommandTest.bulwark(args);
            assertEquals(sorted(c.out()), sorted(b.out()), mode);
            assertEquals(c.rc(), b.rc(), mode);
        }
        // "Data scanned": an ignored type counts nothing, a parsed one its child too
        Path nomatch = Files.writeString(tmp.resolve("n.ndb"), "Nomatch:0:*:6e6f6d617463686e6f6d61746368\n");
        byte[] pad = new byte[300_000];
        for (int i = 0; i < pad.length; i++) pad[i] = (byte) (i * 31);
        Path big = Files.createDirectories(tmp.resolve("big"));
        for (String k : new String[] {"id3", "sqlite", "bmp", "jp2", "cryptff-eicar", "hwpole2-real", "mbr", "pyc37text", "xar", "gif3"}) {
            Path f = big.resolve(k + ".bin");
            ByteArrayOutputStream o = new ByteArrayOutputStream();
            o.write(s.get(k));
            o.write(pad);
            Files.write(f, o.toByteArray());
            String[] args = {"-d", nomatch.toString(), f.toString()};
            assertEquals(dataScanned(ScanCommandTest.clamscan(args).out()), dataScanned(ScanCommandTest.bulwark(args).out()), k);
        }
    }

    private static String dataScanned(String out) {
        for (String l : out.split("\n")) if (l.startsWith("Data scanned:")) return l;
        return "";
    }

    private static List<String> sorted(String out) {
        List<String> l = new ArrayList<>(List.of(out.split("\n")));
        l.sort(null);
        return l;
    }

    /** A header, 64 filler bytes, the marker, EICAR and all 256 byte values (binary data unless the header types it). */
    private static byte[] body(String hexHead) {
        return body(HEX.parseHex(hexHead));
    }

    private static byte[] body(byte[] head) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        o.writeBytes(head);
        for (int i = 0; i < 64; i++) o.write(i * 7 + 3);
        o.writeBytes(MARK);
        o.write(0);
        o.writeBytes(EICAR_B);
        o.write(0);
        for (int i = 0; i < 256; i++) o.write(i);
        return o.toByteArray();
    }

    /** 1,200 filler bytes with {@code magic} at {@code off}, then the marker and EICAR. */
    private static byte[] at(int off, byte[] magic) {
        byte[] b = new byte[1200 + MARK.length + 2 + EICAR_B.length];
        for (int i = 0; i < 1200; i++) b[i] = (byte) (i * 13 + 5);
        System.arraycopy(magic, 0, b, off, magic.length);
        System.arraycopy(MARK, 0, b, 1200, MARK.length);
        System.arraycopy(EICAR_B, 0, b, 1201 + MARK.length, EICAR_B.length);
        return b;
    }

    private static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static byte[] cat(byte[]... parts) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        for (byte[] p : parts) o.writeBytes(p);
        return o.toByteArray();
    }

    private static Map<String, byte[]> samples() throws Exception {
        Map<String, byte[]> s = new LinkedHashMap<>();
        s.put("id3", body("49443303000000000000"));
        s.put("mp3", body("fffb9000"));
        s.put("ogg", body("4f6767530002"));
        s.put("sqlite", body("53514c69746520666f726d6174203300"));
        s.put("sqlwal", body("377f0682002de218"));
        s.put("sqljrnl", body("d9d505f920a163d7"));
        s.put("bmp", body("424d36000000"));
        s.put("jp2", body("0000000c6a5020200d0a870a"));
        s.put("mpegv", body("000001b3"));
        s.put("rmf", body("2e524d460000"));
        s.put("siplog", body(ascii("SIP-HIT (SIP/H")));
        s.put("symdat", body("53594d430100"));
        s.put("cryptff", body("b6b9acaefeffffff"));
        s.put("rifx", body("5249465810000000"));
        s.put("rar4", body("526172210000"));
        s.put("hwp3", body("48575020446f63756d656e742046696c652056332e3030201a0102030405"));
        s.put("onenote", body("e4525c7b8cd8a74daeb15378d02996d3"));
        s.put("egg", body("454747410001"));
        s.put("alz", body("414c5a01"));
        s.put("lha", body("20002d6c68352d"));
        s.put("internal", body(ascii("{\n  \"Magic\":\"CLAMJSONv0\"")));
        s.put("pyc38", body("550d0d0a00000000"));
        s.put("pyc27", body("03f30d0a00000000"));
        s.put("pyc10", body("0209990000000000"));
        s.put("xar", body(cat(ascii("xar!"), HEX.parseHex("001c0001"), new byte[20])));
        s.put("gpt", at(512, ascii("EFI PART")));
        s.put("mbr", at(510, HEX.parseHex("55aa")));
        byte[] apm = at(0, ascii("ER"));
        System.arraycopy(ascii("PM\0\0"), 0, apm, 512, 4);
        s.put("apm", apm);
        s.put("hwpole2", body("00000000d0cf11e0a1b11ae1"));
        s.put("pdfimg", body("2f5247420a49440affffffffffffffffffffffffffffffffffffffffffffffff"));
        s.put("tiffbe", body("4d4d002a"));
        s.put("tiffbe2", body("4d4d002b"));
        s.put("png4", body("89504e47"));
        s.put("gif3", body("474946"));
        s.put("xmlhwp", body(cat(HEX.parseHex("efbbbf"), ascii("<?xml version=\"1.0\" encoding=\"UTF-8\"?><HWPML>"))));
        byte[] plain = ascii("hello world\n".repeat(4) + EICAR + "\n");
        byte[] inv = new byte[plain.length];
        for (int i = 0; i < plain.length; i++) inv[i] = (byte) ~plain[i];
        s.put("cryptff-eicar", cat(HEX.parseHex("b6b9acaefeffffff"), new byte[8], inv));
        s.put("cryptff-short", HEX.parseHex("b6b9acaefeffffff0000"));
        for (String k : new String[] {"id3", "bmp", "sqlite", "xar", "mbr", "pyc38"}) s.put("zip-" + k, zip("member." + k, s.get(k)));
        s.put("pyc37text", cat(ascii("a\r\r\nThis is text "), MARK, ascii(" " + EICAR + "\n")));
        s.put("lhatext", cat(ascii("  -lh5-  text "), MARK, ascii(" " + EICAR + "\n")));
        s.put("mbrtext", cat(ascii("some text line\n".repeat(40).substring(0, 510)), HEX.parseHex("55aa"), MARK, ascii(" " + EICAR + "\n")));
        s.put("rmf-html", cat(ascii(".RMF<html><body>"), MARK, ascii("</body></html>" + EICAR)));
        s.put("html-pdfimg", cat(ascii("<html>/RGB\nID\n"), HEX.parseHex("ff".repeat(24)), MARK, EICAR_B));
        s.put("bmp-html", cat(ascii("BM<html><script>"), MARK, ascii("</script>" + EICAR)));
        byte[] tiffGpt = at(512, ascii("EFI PART"));
        tiffGpt[0] = 'M';
        tiffGpt[1] = 'M';
        s.put("tiff-gpt", tiffGpt);
        byte[] mzGpt = at(512, ascii("EFI PART"));
        mzGpt[0] = 'M';
        mzGpt[1] = 'Z';
        s.put("mz-gpt", mzGpt);
        // bzip2 as cli_scanbzip reads it: the first stream only (EICAR after junk is found, in a second stream is not)
        byte[] bz = bzip2(ascii("pre " + EICAR + " post"));
        s.put("bz2-junk", cat(bz, ascii("\u0001junkjunkjunk".repeat(4))));
        s.put("bz2-concat", cat(bzip2(ascii("first stream\n")), bz));
        s.put("hwpole2-real", cat(HEX.parseHex("d1010000d0cf11e0a1b11ae1"), new byte[100], MARK, EICAR_B));
        return s;
    }

    private static byte[] bzip2(byte[] data) throws Exception {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        try (var z = new org.apache.commons.compress.compressors.bzip2.BZip2CompressorOutputStream(o)) {
            z.write(data);
        }
        return o.toByteArray();
    }

    private static byte[] zip(String name, byte[] data) throws Exception {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bo)) {
            for (Object[] m : new Object[][] {{name, data}, {"plain.txt", ascii("just text\n".repeat(5))}}) {
                byte[] b = (byte[]) m[1];
                ZipEntry e = new ZipEntry((String) m[0]);
                e.setMethod(ZipEntry.STORED);
                e.setSize(b.length);
                CRC32 crc = new CRC32();
                crc.update(b);
                e.setCrc(crc.getValue());
                z.putNextEntry(e);
                z.write(b);
                z.closeEntry();
            }
        }
        return bo.toByteArray();
    }
}
