package dev.bulwark.engine.formats.pdf;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.Deflater;

/** Writes small, valid PDFs for tests (objects in order, a correct cross-reference table). */
final class PdfWriter {
    private final List<byte[]> objects = new ArrayList<>();

    /** Adds an object whose body is {@code dict} (and a stream when {@code stream} is not null); returns its number. */
    int add(String dict, byte[] stream) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int num = objects.size() + 1;
        if (stream != null) {
            String d = dict.substring(0, dict.lastIndexOf(">>")) + " /Length " + stream.length + " >>";
            o.writeBytes((num + " 0 obj\n" + d + "\nstream\n").getBytes(StandardCharsets.ISO_8859_1));
            o.writeBytes(stream);
            o.writeBytes("\nendstream\nendobj\n".getBytes(StandardCharsets.ISO_8859_1));
        } else {
            o.writeBytes((num + " 0 obj\n" + dict + "\nendobj\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        objects.add(o.toByteArray());
        return num;
    }

    /** A document whose catalog is object 1 and page tree object 2 (added by the caller first). */
    byte[] build(int root) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("%PDF-1.5\n%\u00e2\u00e3\u00cf\u00d3\n".getBytes(StandardCharsets.ISO_8859_1));
        long[] offsets = new long[objects.size()];
        for (int i = 0; i < objects.size(); i++) {
            offsets[i] = out.size();
            out.writeBytes(objects.get(i));
        }
        long xref = out.size();
        StringBuilder sb = new StringBuilder("xref\n0 " + (objects.size() + 1) + "\n0000000000 65535 f \n");
        for (long off : offsets) sb.append(String.format("%010d 00000 n \n", off));
        sb.append("trailer\n<< /Size ").append(objects.size() + 1).append(" /Root ").append(root)
                .append(" 0 R >>\nstartxref\n").append(xref).append("\n%%EOF\n");
        out.writeBytes(sb.toString().getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    static PdfWriter withPage() {
        return withPage("");
    }

    /** Objects 1-3 are catalog, pages and page; {@code catalogExtra} may reference later objects (qpdf drops orphans). */
    static PdfWriter withPage(String catalogExtra) {
        PdfWriter w = new PdfWriter();
        w.add("<< /Type /Catalog /Pages 2 0 R " + catalogExtra + " >>", null);
        w.add("<< /Type /Pages /Kids [3 0 R] /Count 1 >>", null);
        w.add("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] >>", null);
        return w;
    }

    static byte[] deflate(byte[] data) {
        Deflater d = new Deflater();
        d.setInput(data);
        d.finish();
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!d.finished()) o.write(buf, 0, d.deflate(buf));
        d.end();
        return o.toByteArray();
    }

    static byte[] asciiHex(byte[] data) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < data.length; i++) {
            sb.append(String.format("%02X", data[i] & 0xff));
            if (i % 32 == 31) sb.append('\n');
        }
        return sb.append('>').toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] ascii85(byte[] data) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < data.length; i += 4) {
            int n = Math.min(4, data.length - i);
            long v = 0;
            for (int k = 0; k < 4; k++) v = v << 8 | (k < n ? data[i + k] & 0xff : 0);
            if (v == 0 && n == 4) { sb.append('z'); continue; }
            char[] c = new char[5];
            for (int k = 4; k >= 0; k--) { c[k] = (char) ('!' + v % 85); v /= 85; }
            sb.append(c, 0, n + 1);
        }
        return sb.append("~>").toString().getBytes(StandardCharsets.US_ASCII);
    }

    static byte[] runLength(byte[] data) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int i = 0;
        while (i < data.length) {
            int r = 1;
            while (i + r < data.length && data[i + r] == data[i] && r < 128) r++;
            if (r >= 2) {
                o.write(257 - r);
                o.write(data[i]);
                i += r;
            } else {
                int n = Math.min(128, data.length - i);
                o.write(n - 1);
                o.write(data, i, n);
                i += n;
            }
        }
        o.write(128);
        return o.toByteArray();
    }

    /** PDF LZW with EarlyChange 1; resets the table when it fills. */
    static byte[] lzw(byte[] data) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        java.util.Map<String, Integer> dict = new java.util.HashMap<>();
        int[] acc = {0, 0};
        int width = 9, next = 258;
        java.util.function.IntConsumer put = null;
        emit(o, acc, 256, width);
        String w = "";
        for (byte b : data) {
            String wc = w + (char) (b & 0xff);
            if (wc.length() == 1 || dict.containsKey(wc)) { w = wc; continue; }
            emit(o, acc, w.length() == 1 ? w.charAt(0) : dict.get(w), width);
            dict.put(wc, next++);
            if (next + 1 > (1 << width) && width < 12) width++;
            if (next >= 4094) {
                emit(o, acc, 256, width);
                dict.clear();
                next = 258;
                width = 9;
            }
            w = String.valueOf((char) (b & 0xff));
        }
        if (!w.isEmpty()) emit(o, acc, w.length() == 1 ? w.charAt(0) : dict.get(w), width);
        emit(o, acc, 257, width);
        if (acc[1] > 0) o.write(acc[0] << (8 - acc[1]));
        return o.toByteArray();
    }

    private static void emit(ByteArrayOutputStream o, int[] acc, int code, int width) {
        for (int i = width - 1; i >= 0; i--) {
            acc[0] = acc[0] << 1 | ((code >> i) & 1);
            if (++acc[1] == 8) { o.write(acc[0] & 0xff); acc[0] = 0; acc[1] = 0; }
        }
    }

    /** PNG "Up" predictor rows (Columns = {@code columns}). */
    static byte[] pngUp(byte[] data, int columns) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        byte[] prev = new byte[columns];
        for (int i = 0; i < data.length; i += columns) {
            o.write(2);
            for (int k = 0; k < columns; k++) {
                byte v = i + k < data.length ? data[i + k] : 0;
                o.write((v - prev[k]) & 0xff);
                prev[k] = v;
            }
        }
        return o.toByteArray();
    }
}
