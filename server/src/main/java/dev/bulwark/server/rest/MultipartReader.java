package dev.bulwark.server.rest;

import dev.bulwark.server.Spool;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Locale;

/**
 * Streaming reader of a {@code multipart/form-data} body: each part's headers are read (bounded) and its
 * content is copied into a {@link Spool} without holding the body in memory.
 */
final class MultipartReader {
    /** Bound on one part's header block. */
    static final int MAX_PART_HEADERS = 16 * 1024;
    /** Parts per request: a form with many files is scanned file by file, but not without end. */
    static final int MAX_PARTS = 1000;
    private static final int BUF = 64 * 1024;

    private final InputStream in;
    private final byte[] delim;   // "\r\n--boundary"
    private final byte[] buf;
    private int start;
    private int end;
    private boolean eof;
    private boolean finished;
    private int parts;

    /** A part: its form field name and file name (either may be null). */
    record Part(String field, String filename, long size) {}

    MultipartReader(InputStream in, String boundary) {
        this.in = in;
        this.delim = ("\r\n--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        this.buf = new byte[BUF + delim.length + 4];
    }

    /** Extracts the boundary parameter of a multipart Content-Type, or null. */
    static String boundary(String contentType) {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/form-data")) return null;
        for (String p : contentType.split(";")) {
            String t = p.strip();
            if (t.toLowerCase(Locale.ROOT).startsWith("boundary=")) {
                String b = t.substring(9);
                if (b.startsWith("\"") && b.endsWith("\"") && b.length() >= 2) b = b.substring(1, b.length() - 1);
                return b.isEmpty() || b.length() > 200 ? null : b;
            }
        }
        return null;
    }

    /**
     * Reads the next part into {@code spool} (at most {@code max} bytes; more throws). Returns null after
     * the closing delimiter.
     */
    Part next(Spool spool, long max) throws IOException {
        if (finished) return null;
        if (parts == 0) {
            // preamble: skip up to the first delimiter (which has no leading CRLF)
            fill(delim.length);
            if (end - start >= delim.length - 2 && Arrays.equals(buf, start, start + delim.length - 2, delim, 2, delim.length)) {
                start += delim.length - 2;
            } else if (!skipTo()) {
                throw new IOException("multipart: no boundary");
            }
        }
        // after a delimiter: "--" ends the body, CRLF starts a part
        fill(2);
        if (end - start >= 2 && buf[start] == '-' && buf[start + 1] == '-') {
            finished = true;
            return null;
        }
        if (++parts > MAX_PARTS) throw new IOException("multipart: too many parts");
        skipLine();
        String headers = readHeaders();
        String field = param(headers, "name");
        String filename = param(headers, "filename");
        long n = 0;
        while (true) {
            fill(BUF);
            if (start == end && eof) throw new IOException("multipart: truncated body");
            int idx = indexOf(delim, start, end);
            int upto = idx >= 0 ? idx : Math.max(start, end - delim.length);
            if (upto > start) {
                n += upto - start;
                if (n > max) throw new TooLarge();
                spool.write(buf, start, upto - start);
                start = upto;
            }
            if (idx >= 0) {
                start = idx + delim.length;
                return new Part(field, filename, n);
            }
            if (eof && end - start <= delim.length) throw new IOException("multipart: truncated body");
        }
    }

    /** The declared upload exceeds the size limit. */
    static final class TooLarge extends IOException {
        TooLarge() {
            super("multipart part too large");
        }
    }

    private boolean skipTo() throws IOException {
        byte[] first = Arrays.copyOfRange(delim, 2, delim.length);
        long skipped = 0;
        while (true) {
            fill(BUF);
            int idx = indexOf(first, start, end);
            if (idx >= 0) {
                start = idx + first.length;
                return true;
            }
            if (eof) return false;
            int keep = Math.max(start, end - first.length);
            skipped += keep - start;
            if (skipped > MAX_PART_HEADERS) return false;
            start = keep;
        }
    }

    private void skipLine() throws IOException {
        for (int i = 0; i < 1024; i++) {
            fill(1);
            if (start == end) return;
            if (buf[start++] == '\n') return;
        }
        throw new IOException("multipart: bad delimiter line");
    }

    private String readHeaders() throws IOException {
        StringBuilder sb = new StringBuilder();
        while (sb.length() < MAX_PART_HEADERS) {
            fill(1);
            if (start == end) throw new IOException("multipart: truncated headers");
            char c = (char) (buf[start++] & 0xff);
            sb.append(c);
            int l = sb.length();
            if (l >= 4 && sb.charAt(l - 1) == '\n' && sb.charAt(l - 2) == '\r' && sb.charAt(l - 3) == '\n') return sb.toString();
            if (l >= 2 && sb.charAt(l - 1) == '\n' && sb.charAt(l - 2) == '\n') return sb.toString();
            if (l == 2 && sb.charAt(0) == '\r' && sb.charAt(1) == '\n') return "";
        }
        throw new IOException("multipart: part headers too large");
    }

    private static String param(String headers, String name) {
        for (String line : headers.split("\r?\n")) {
            if (!line.toLowerCase(Locale.ROOT).startsWith("content-disposition:")) continue;
            for (String p : line.split(";")) {
                String t = p.strip();
                if (t.toLowerCase(Locale.ROOT).startsWith(name + "=")) {
                    String v = t.substring(name.length() + 1);
                    if (v.startsWith("\"") && v.endsWith("\"") && v.length() >= 2) v = v.substring(1, v.length() - 1);
                    return v;
                }
            }
        }
        return null;
    }

    /** Ensures at least {@code want} bytes are buffered (fewer at EOF). */
    private void fill(int want) throws IOException {
        if (end - start >= want || eof) return;
        if (start > 0) {
            System.arraycopy(buf, start, buf, 0, end - start);
            end -= start;
            start = 0;
        }
        while (end - start < want && end < buf.length) {
            int n = in.read(buf, end, buf.length - end);
            if (n < 0) {
                eof = true;
                return;
            }
            end += n;
        }
    }

    private int indexOf(byte[] pat, int from, int to) {
        outer:
        for (int i = from; i <= to - pat.length; i++) {
            for (int j = 0; j < pat.length; j++) if (buf[i + j] != pat[j]) continue outer;
            return i;
        }
        return -1;
    }
}
