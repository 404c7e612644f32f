package dev.bulwark.cli;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * The small files of varied types that {@link AotTraining} scans, so that the classes, linked call sites
 * and method profiles of a typical scan of many small objects end up in the JDK's ahead-of-time cache:
 * text of several kinds (shell, C, HTML with script, XML, JSON, RTF, a MIME mail with a base64 part and an
 * encoded-word header, uuencoded text), containers (gzip, zip, tar, a raw zstd frame, a PDF with a
 * deflated stream), image and document headers (PNG, GIF, JPEG, OLE2), each in a few sizes, plus the
 * small files of the running JDK's own installation (manual pages, Markdown, properties, headers, ELF
 * executables and libraries), which every machine that runs Bulwark has.
 */
final class AotSamples {
    /** JDK files above this size are left out: the point is many small objects, not bytes. */
    private static final long JDK_FILE_MAX = 64 * 1024;
    /** At most this many JDK files (the JDK has about 150 below JDK_FILE_MAX). */
    private static final int JDK_FILES_MAX = 300;
    /** Each generated sample is written with its body repeated this many times (1, 4, 16, ...). */
    private static final int SIZES = 4;

    private AotSamples() {}

    /** Writes the generated samples into {@code dir} and returns them with the JDK's small files, sorted. */
    static List<Path> write(Path dir) throws IOException {
        List<Path> out = new ArrayList<>();
        for (int s = 0, rep = 1; s < SIZES; s++, rep *= 4) {
            String script = "#!/bin/sh\n# sample " + s + "\nfor f in *; do echo \"$f\"; done\nexit 0\n";
            String c = "#include <stdio.h>\nint main(void) {\n    printf(\"%d\\n\", " + s + ");\n    return 0;\n}\n";
            String html = "<html><head><title>s</title><script type=\"text/javascript\">var a = unescape('%41');"
                    + "document.write(a);</script></head><body><p>sample</p><a href=\"http://example.com/\">x</a>"
                    + "<iframe src=\"http://example.org/\"></iframe></body></html>\n";
            String xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<root><item id=\"" + s + "\">text</item></root>\n";
            String json = "{\"id\": " + s + ", \"name\": \"sample\", \"values\": [1, 2, 3]}\n";
            String rtf = "{\\rtf1\\ansi\\deff0 {\\fonttbl {\\f0 Times;}} \\f0 sample " + s + " \\par}\n";
            byte[] text = script.repeat(rep).getBytes(StandardCharsets.US_ASCII);
            out.add(put(dir, "script" + s + ".sh", text));
            out.add(put(dir, "source" + s + ".c", c.repeat(rep).getBytes(StandardCharsets.US_ASCII)));
            out.add(put(dir, "page" + s + ".html", html.repeat(rep).getBytes(StandardCharsets.US_ASCII)));
            out.add(put(dir, "doc" + s + ".xml", xml.getBytes(StandardCharsets.US_ASCII)));
            out.add(put(dir, "data" + s + ".json", json.repeat(rep).getBytes(StandardCharsets.US_ASCII)));
            out.add(put(dir, "doc" + s + ".rtf", rtf.getBytes(StandardCharsets.US_ASCII)));
            out.add(put(dir, "mail" + s + ".eml", mail(text)));
            out.add(put(dir, "text" + s + ".uu", uuencode(text)));
            out.add(put(dir, "text" + s + ".gz", gzip(text)));
            out.add(put(dir, "archive" + s + ".zip", zip(text, html.getBytes(StandardCharsets.US_ASCII))));
            out.add(put(dir, "archive" + s + ".tar", tar("a.sh", text)));
            out.add(put(dir, "text" + s + ".zst", zstdRaw(script.getBytes(StandardCharsets.US_ASCII))));
            out.add(put(dir, "doc" + s + ".pdf", pdf(text)));
            out.add(put(dir, "image" + s + ".png", header(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n',
                    0, 0, 0, 13, 'I', 'H', 'D', 'R'}, 64 * rep)));
            out.add(put(dir, "image" + s + ".gif", header("GIF89a".getBytes(StandardCharsets.US_ASCII), 64 * rep)));
            out.add(put(dir, "image" + s + ".jpg", header(new byte[] {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xe0,
                    0, 16, 'J', 'F', 'I', 'F', 0}, 64 * rep)));
            out.add(put(dir, "doc" + s + ".doc", header(new byte[] {(byte) 0xd0, (byte) 0xcf, 0x11, (byte) 0xe0,
                    (byte) 0xa1, (byte) 0xb1, 0x1a, (byte) 0xe1}, 512 * rep)));
        }
        out.addAll(jdkFiles());
        out.sort(null);
        return out;
    }

    private static Path put(Path dir, String name, byte[] data) throws IOException {
        return Files.write(dir.resolve(name), data);
    }

    /** The JDK installation's regular files up to JDK_FILE_MAX bytes, sorted by path, at most JDK_FILES_MAX. */
    private static List<Path> jdkFiles() throws IOException {
        Path home = Path.of(System.getProperty("java.home"));
        try (Stream<Path> s = Files.walk(home)) {
            return s.filter(p -> {
                try {
                    return Files.isRegularFile(p) && Files.isReadable(p) && Files.size(p) <= JDK_FILE_MAX;
                } catch (IOException e) {
                    return false;
                }
            }).sorted().limit(JDK_FILES_MAX).toList();
        } catch (UncheckedIOException e) {
            return List.of(); // an unreadable directory: train on the generated samples alone
        }
    }

    /** A two-part MIME message: an encoded-word subject, a text part and a base64 attachment. */
    private static byte[] mail(byte[] attachment) {
        String b64 = Base64.getMimeEncoder().encodeToString(attachment);
        return ("From: Sample <sample@example.com>\r\nTo: user@example.com\r\nSubject: =?UTF-8?B?c2FtcGxl?=\r\n"
                + "MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"b0\"\r\n\r\n"
                + "--b0\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\nSee the attachment.\r\n"
                + "--b0\r\nContent-Type: application/octet-stream; name=\"a.sh\"\r\n"
                + "Content-Transfer-Encoding: base64\r\nContent-Disposition: attachment; filename=\"a.sh\"\r\n\r\n"
                + b64 + "\r\n--b0--\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** Traditional uuencoding: 45 bytes per line, each 3 bytes as 4 characters of 6 bits plus 32. */
    private static byte[] uuencode(byte[] b) {
        StringBuilder sb = new StringBuilder("begin 644 a.sh\n");
        for (int off = 0; off < b.length; off += 45) {
            int n = Math.min(45, b.length - off);
            sb.append((char) (32 + n));
            for (int i = 0; i < n; i += 3) {
                int v = (b[off + i] & 0xff) << 16 | (i + 1 < n ? (b[off + i + 1] & 0xff) << 8 : 0) | (i + 2 < n ? b[off + i + 2] & 0xff : 0);
                for (int k = 18; k >= 0; k -= 6) {
                    int c = v >> k & 0x3f;
                    sb.append(c == 0 ? '`' : (char) (32 + c));
                }
            }
            sb.append('\n');
        }
        return sb.append("`\nend\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] gzip(byte[] b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (GZIPOutputStream g = new GZIPOutputStream(bo)) {
            g.write(b);
        }
        return bo.toByteArray();
    }

    static byte[] zip(byte[] a, byte[] b) throws IOException {
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        try (ZipOutputStream z = new ZipOutputStream(bo)) {
            z.putNextEntry(new ZipEntry("a.sh"));
            z.write(a);
            z.putNextEntry(new ZipEntry("b.html"));
            z.write(b);
        }
        return bo.toByteArray();
    }

    /** A ustar archive with one member: a 512-byte header (octal fields, checksum), the data, two zero blocks. */
    private static byte[] tar(String name, byte[] data) {
        byte[] h = new byte[512];
        field(h, 0, name);
        field(h, 100, "0000644");
        field(h, 108, "0000000");
        field(h, 116, "0000000");
        field(h, 124, String.format("%011o", data.length));
        field(h, 136, "00000000000");
        h[156] = '0';
        field(h, 257, "ustar");
        field(h, 263, "00");
        java.util.Arrays.fill(h, 148, 156, (byte) ' ');
        int sum = 0;
        for (byte x : h) sum += x & 0xff;
        field(h, 148, String.format("%06o", sum));
        h[155] = ' ';
        int padded = (data.length + 511) / 512 * 512;
        byte[] out = new byte[512 + padded + 1024];
        System.arraycopy(h, 0, out, 0, 512);
        System.arraycopy(data, 0, out, 512, data.length);
        return out;
    }

    private static void field(byte[] h, int at, String v) {
        byte[] b = v.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, h, at, b.length);
    }

    /** A zstd frame holding one raw (stored) block: single segment, one-byte content size, no checksum. */
    private static byte[] zstdRaw(byte[] data) {
        int n = Math.min(data.length, 255);
        byte[] f = new byte[4 + 2 + 3 + n];
        f[0] = 0x28; f[1] = (byte) 0xb5; f[2] = 0x2f; f[3] = (byte) 0xfd;
        f[4] = 0x20;           // frame header descriptor: single segment, content size field of one byte
        f[5] = (byte) n;       // content size
        int block = n << 3 | 1; // last block, type raw, size n
        f[6] = (byte) block; f[7] = (byte) (block >> 8); f[8] = (byte) (block >> 16);
        System.arraycopy(data, 0, f, 9, n);
        return f;
    }

    /** A one-page PDF whose content stream is deflated (the /FlateDecode path). */
    private static byte[] pdf(byte[] content) {
        Deflater d = new Deflater();
        d.setInput(content);
        d.finish();
        byte[] buf = new byte[content.length + 64];
        int n = d.deflate(buf);
        d.end();
        ByteArrayOutputStream bo = new ByteArrayOutputStream();
        bo.writeBytes(("%PDF-1.4\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
                + "2 0 obj\n<< /Type /Pages /Kids [3 0 R] /Count 1 >>\nendobj\n"
                + "3 0 obj\n<< /Type /Page /Parent 2 0 R /Contents 4 0 R >>\nendobj\n"
                + "4 0 obj\n<< /Length " + n + " /Filter /FlateDecode >>\nstream\n").getBytes(StandardCharsets.US_ASCII));
        bo.write(buf, 0, n);
        bo.writeBytes("\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n".getBytes(StandardCharsets.US_ASCII));
        return bo.toByteArray();
    }

    /** {@code magic} followed by a deterministic filler up to {@code size} bytes. */
    private static byte[] header(byte[] magic, int size) {
        byte[] b = new byte[Math.max(size, magic.length)];
        for (int i = magic.length; i < b.length; i++) b[i] = (byte) (i * 31 + 7);
        System.arraycopy(magic, 0, b, 0, magic.length);
        return b;
    }
}
