package dev.bulwark.server.rest;

import dev.bulwark.server.Spool;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A Kaspersky {@code scanmemory} request ({@code {"object":"<base64>", ...}}) read in one pass: the base64 of
 * {@code object} is decoded as it arrives into a {@link Spool} (memory up to {@link Spool#MEMORY_LIMIT}, then a
 * temporary file), so a request of StreamMaxLength costs a few KiB of heap, not the body, its String, the parsed
 * String and the decoded array. Other members are small: they are parsed with {@link Json} from at most
 * {@link RestServer#MAX_JSON_SMALL} bytes in all. JSON syntax, the last-one-wins rule for a repeated key and the
 * base64 rules ({@code Base64.getMimeDecoder().decode(String)}: characters outside the alphabet ignored, the
 * same padding checks) are those the whole-body parser applied.
 */
final class KavMemoryRequest implements AutoCloseable {
    /** A request the caller answers with {@code status} and {@code message}. */
    static final class Rejected extends Exception {
        final int status;
        final boolean badBase64;

        Rejected(int status, String message, boolean badBase64) {
            super(message, null, false, false);
            this.status = status;
            this.badBase64 = badBase64;
        }
    }

    /** Members other than {@code object} (e.g. {@code omitCleanSubobjectResults}, {@code timeout}). */
    final Map<String, Object> fields = new LinkedHashMap<>();
    /** The decoded object; null when the request had no {@code object} string. */
    Spool object;

    private final InputStream in;
    private final long maxBody;
    private final Path tempDir;
    private long read;
    private int small;
    /** One byte pushed back, or -2 for none. */
    private int pushed = -2;

    private KavMemoryRequest(InputStream in, long maxBody, Path tempDir) {
        this.in = in;
        this.maxBody = maxBody;
        this.tempDir = tempDir;
    }

    /**
     * Reads the request; 413 when the body exceeds {@code maxBody} bytes, 400 for malformed JSON, a missing or
     * non-string {@code object}, or invalid base64 ({@link Rejected#badBase64}).
     */
    static KavMemoryRequest read(InputStream body, long maxBody, Path tempDir) throws IOException, Rejected {
        KavMemoryRequest r = new KavMemoryRequest(new BufferedInputStream(body, 16 * 1024), maxBody, tempDir);
        boolean ok = false;
        try {
            r.parse();
            ok = true;
            return r;
        } finally {
            if (!ok) r.close();
        }
    }

    private void parse() throws IOException, Rejected {
        ws();
        expect('{');
        ws();
        int c = next();
        boolean objectIsString = false;
        if (c != '}') {
            unread(c);
            while (true) {
                ws();
                if (peekByte() != '"') throw bad("object key expected");
                String key = (String) smallValue();
                ws();
                expect(':');
                ws();
                if (key.equals("object") && peekByte() == '"') {
                    next();
                    if (object != null) object.close();
                    object = new Spool(tempDir);
                    decodeBase64String(object);
                    objectIsString = true;
                    fields.remove("object");
                } else {
                    Object v = smallValue();
                    if (key.equals("object")) {
                        objectIsString = false;
                        if (object != null) {
                            object.close();
                            object = null;
                        }
                    }
                    fields.put(key, v);
                }
                ws();
                c = next();
                if (c == '}') break;
                if (c != ',') throw bad("',' expected");
            }
        }
        ws();
        if (next() != -1) throw bad("trailing characters");
        if (!objectIsString) throw new Rejected(400, "request must be a JSON object with an 'object' string", false);
    }

    // --- bytes ---

    private int next() throws IOException, Rejected {
        if (pushed != -2) {
            int c = pushed;
            pushed = -2;
            return c;
        }
        int c = in.read();
        if (c >= 0 && ++read > maxBody) throw new Rejected(413, "request larger than StreamMaxLength", false);
        return c;
    }

    private void unread(int c) {
        pushed = c;
    }

    private int peekByte() throws IOException, Rejected {
        int c = next();
        unread(c);
        return c;
    }

    private void ws() throws IOException, Rejected {
        int c;
        do c = next(); while (c >= 0 && c < 0x80 && Character.isWhitespace(c));
        unread(c);
    }

    private void expect(char e) throws IOException, Rejected {
        if (next() != e) throw bad("'" + e + "' expected");
    }

    private Rejected bad(String msg) {
        return new Rejected(400, "invalid JSON at offset " + Math.max(0, read - 1) + ": " + msg, false);
    }

    // --- a small value: its JSON text collected (strings, nesting), then parsed by Json ---

    private Object smallValue() throws IOException, Rejected {
        ByteArrayOutputStream text = new ByteArrayOutputStream(32);
        int depth = 0;
        boolean inString = false;
        boolean escaped = false;
        while (true) {
            int c = next();
            if (c < 0) throw bad("unexpected end");
            if (!inString && depth == 0 && text.size() > 0 && (c == ',' || c == '}' || c == ']'
                    || (c < 0x80 && Character.isWhitespace(c)))) {
                unread(c);
                break;
            }
            if (++small > RestServer.MAX_JSON_SMALL) throw new Rejected(413, "request members other than 'object' too large", false);
            text.write(c);
            if (inString) {
                if (escaped) escaped = false;
                else if (c == '\\') escaped = true;
                else if (c == '"') {
                    inString = false;
                    if (depth == 0) break;
                }
            } else if (c == '"') inString = true;
            else if (c == '{' || c == '[') depth++;
            else if (c == '}' || c == ']') {
                if (--depth < 0) throw bad("value expected");
                if (depth == 0) break;
            }
        }
        try {
            return Json.parse(text.toString(StandardCharsets.UTF_8));
        } catch (Json.ParseException e) {
            throw bad(e.getMessage());
        }
    }

    // --- the object string: JSON escapes undone, base64 decoded as Base64.getMimeDecoder().decode(String) does ---

    private static final int[] B64 = new int[256];

    static {
        java.util.Arrays.fill(B64, -1);
        String a = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        for (int i = 0; i < a.length(); i++) B64[a.charAt(i)] = i;
        B64['='] = -2;
    }

    /** The next character of the string as decode(String) sees it (ISO-8859-1, '?' beyond), -1 at its end. */
    private int stringChar() throws IOException, Rejected {
        int c = next();
        if (c < 0) throw bad("unterminated string");
        if (c == '"') return -1;
        if (c != '\\') return c; // a UTF-8 byte >= 0x80 is, like the char it is part of, outside the alphabet
        int e = next();
        switch (e) {
            case '"', '\\', '/' -> { return e; }
            case 'n' -> { return '\n'; }
            case 'r' -> { return '\r'; }
            case 't' -> { return '\t'; }
            case 'b' -> { return '\b'; }
            case 'f' -> { return '\f'; }
            case 'u' -> {
                int v = 0;
                for (int k = 0; k < 4; k++) {
                    int h = Character.digit(next(), 16);
                    if (h < 0) throw bad("bad \\u escape");
                    v = v << 4 | h;
                }
                return v <= 0xff ? v : '?';
            }
            default -> throw bad("bad escape");
        }
    }

    private void decodeBase64String(Spool out) throws IOException, Rejected {
        byte[] buf = new byte[8192];
        int n = 0;
        int bits = 0;
        int shiftto = 18;
        boolean padded = false;
        int c;
        while ((c = stringChar()) >= 0) {
            if (padded) {
                // after the padding only characters outside the alphabet (and '=') may follow
                if (B64[c] >= 0) {
                    drain();
                    throw badBase64();
                }
                continue;
            }
            int b = B64[c];
            if (b < 0) {
                if (b == -2) {
                    if (shiftto == 6) {
                        int d = stringChar();
                        if (d != '=') {
                            if (d >= 0) drain();
                            throw badBase64();
                        }
                    } else if (shiftto == 18) {
                        drain();
                        throw badBase64();
                    }
                    padded = true;
                }
                continue;
            }
            bits |= b << shiftto;
            shiftto -= 6;
            if (shiftto < 0) {
                if (n + 3 > buf.length) {
                    out.write(buf, 0, n);
                    n = 0;
                }
                buf[n++] = (byte) (bits >> 16);
                buf[n++] = (byte) (bits >> 8);
                buf[n++] = (byte) bits;
                shiftto = 18;
                bits = 0;
            }
        }
        if (shiftto == 12) throw badBase64();
        if (n + 2 > buf.length) {
            out.write(buf, 0, n);
            n = 0;
        }
        if (shiftto == 6) buf[n++] = (byte) (bits >> 16);
        else if (shiftto == 0) {
            buf[n++] = (byte) (bits >> 16);
            buf[n++] = (byte) (bits >> 8);
        }
        out.write(buf, 0, n);
    }

    /** The rest of the string read (so the error is a base64 one only when the JSON is well formed up to there). */
    private void drain() throws IOException, Rejected {
        while (stringChar() >= 0) {
            // skip
        }
    }

    private static Rejected badBase64() {
        return new Rejected(400, "object is not valid base64", true);
    }

    @Override
    public void close() throws IOException {
        if (object != null) object.close();
    }
}
