package dev.bulwark.engine;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * File names that are not UTF-8, carried losslessly in Strings. Linux names are bytes; a name such as
 * {@code lat\xE9.com} (ISO-8859-1) decodes to no UTF-8 text, and a String made of it with the usual replacement
 * names another file (U+FFFD is EF BF BD), so a path received as bytes could not be opened at all: clamd's
 * SCAN of such a file found nothing to scan. Here each byte of an invalid sequence becomes one lone low surrogate
 * U+DC80..U+DCFF (Python's "surrogateescape"; valid UTF-8 never decodes to a lone surrogate), {@link #bytes}
 * gives the exact bytes back, and {@link #path} makes a Path of exactly those bytes through a {@code file:} URI
 * (percent escapes are decoded to raw bytes by the JDK), a public API only.
 */
public final class RawNames {
    private RawNames() {}

    /** {@code b[off, off+len)} as a String: UTF-8, with each byte of an invalid sequence escaped. */
    public static String decode(byte[] b, int off, int len) {
        boolean ascii = true;
        for (int i = off; i < off + len && ascii; i++) ascii = b[i] >= 0;
        if (ascii) return new String(b, off, len, StandardCharsets.ISO_8859_1);
        CharsetDecoder d = StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
        ByteBuffer in = ByteBuffer.wrap(b, off, len);
        CharBuffer out = CharBuffer.allocate(len);
        while (true) {
            CoderResult r = d.decode(in, out, true);
            if (r.isUnderflow()) break;
            if (r.isError()) {
                for (int i = 0; i < r.length(); i++) out.put((char) (0xDC00 | (in.get() & 0xFF)));
                continue;
            }
            throw new IllegalStateException(r.toString()); // overflow: one char per byte at most
        }
        d.flush(out);
        out.flip();
        return out.toString();
    }

    /** Whether {@code s} holds an escaped byte. */
    public static boolean escaped(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0xDC80 && c <= 0xDCFF && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) return true;
        }
        return false;
    }

    /** The bytes {@code s} stands for: UTF-8, escaped bytes as themselves. */
    public static byte[] bytes(String s) {
        if (!escaped(s)) return s.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream o = new ByteArrayOutputStream(s.length() + 8);
        int start = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 0xDC80 && c <= 0xDCFF && (i == 0 || !Character.isHighSurrogate(s.charAt(i - 1)))) {
                o.writeBytes(s.substring(start, i).getBytes(StandardCharsets.UTF_8));
                o.write(c & 0xFF);
                start = i + 1;
            }
        }
        o.writeBytes(s.substring(start).getBytes(StandardCharsets.UTF_8));
        return o.toByteArray();
    }

    /**
     * Whether the JDK encodes file names as UTF-8 ({@code sun.jnu.encoding}, from the locale): under LANG=C it is
     * ASCII, and Path.of of any non-ASCII name fails or names another file.
     */
    private static final boolean JNU_UTF8 = "UTF-8".equalsIgnoreCase(System.getProperty("sun.jnu.encoding"));

    /** Whether {@code s} holds a character outside ASCII. */
    public static boolean nonAscii(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) >= 0x80) return true;
        return false;
    }

    /**
     * The path {@code s} names, byte for byte (a relative one against the working directory).
     *
     * @throws java.nio.file.InvalidPathException for a NUL, as {@link Path#of(String, String...)} (Path.of of a
     *     {@code file:} URI throws a plain IllegalArgumentException for it, which callers do not expect)
     */
    public static Path path(String s) {
        if (!escaped(s) && (JNU_UTF8 || !nonAscii(s))) return Path.of(s);
        int nul = s.indexOf('\0');
        if (nul >= 0) throw new java.nio.file.InvalidPathException(s, "Nul character not allowed", nul);
        byte[] b = bytes(s);
        StringBuilder u = new StringBuilder("file://");
        if (b.length == 0 || b[0] != '/') {
            u.append(Path.of("").toAbsolutePath().toUri().getRawPath()); // (already escaped)
            if (u.charAt(u.length() - 1) != '/') u.append('/');
        }
        for (byte x : b) {
            int c = x & 0xFF;
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '/' || c == '.' || c == '-' || c == '_') u.append((char) c);
            else u.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
        }
        return Path.of(URI.create(u.toString()));
    }

    /**
     * Prints {@code s} and a newline: its bytes (see {@link #bytes}) when it holds a character outside ASCII, as a C
     * program prints a name it was given (a PrintStream would print a name that is not valid in the locale as '?'),
     * else as {@code println}.
     */
    public static void println(java.io.PrintStream stream, String s) {
        if (nonAscii(s)) stream.writeBytes(bytes(s + "\n"));
        else stream.println(s);
    }

    /** Prints {@code s} as {@link #println} does, without the newline. */
    public static void print(java.io.PrintStream stream, String s) {
        if (nonAscii(s)) stream.writeBytes(bytes(s));
        else stream.print(s);
    }

    /** {@code p}'s last name as {@link #decode} gives it (a name that is not UTF-8 keeps its bytes). */
    public static String fileName(Path p) {
        String n = p.getFileName().toString();
        if (n.indexOf('\uFFFD') < 0 && (JNU_UTF8 || !nonAscii(n))) return n;
        String raw = rawPath(p);
        return raw.substring(raw.lastIndexOf('/') + 1);
    }

    /** {@code p} as {@link #decode} gives its bytes: its toString unless that lost bytes (an absolute path stays absolute). */
    public static String string(Path p) {
        String n = p.toString();
        if (n.indexOf('\uFFFD') < 0 && (JNU_UTF8 || !nonAscii(n))) return n;
        String raw = rawPath(p);
        if (!p.isAbsolute()) {
            String cwd = rawPath(Path.of("").toAbsolutePath());
            if (raw.startsWith(cwd + "/")) raw = raw.substring(cwd.length() + 1);
        }
        return raw;
    }

    /** The absolute path of {@code p}, decoded from its {@code file:} URI (no trailing slash but for the root). */
    private static String rawPath(Path p) {
        byte[] b = uriPathBytes(p);
        return decode(b, 0, b.length);
    }

    /**
     * The bytes of {@code p}'s absolute path as the file system holds them, from its {@code file:} URI (percent escapes
     * decoded; no trailing slash but for the root): exact for a name that is not valid in the JVM's encoding.
     */
    public static byte[] uriPathBytes(Path p) {
        String raw = p.toAbsolutePath().toUri().getRawPath();
        if (raw.length() > 1 && raw.endsWith("/")) raw = raw.substring(0, raw.length() - 1); // (toUri marks a directory)
        ByteArrayOutputStream o = new ByteArrayOutputStream(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            if (c == '%' && i + 2 < raw.length()) {
                o.write(Integer.parseInt(raw.substring(i + 1, i + 3), 16));
                i += 2;
            } else {
                o.write(c);
            }
        }
        return o.toByteArray();
    }

    /**
     * The program's arguments as bytes, each decoded as {@link #decode} does, in place of the JVM's: the java launcher
     * decodes argv in the locale's encoding before main, so a name that is not valid there (a Latin-1 name under a
     * UTF-8 locale, any non-ASCII name under LANG=C) reaches main as U+FFFD or '?' and names no file. Only when some
     * argument holds such a character (an ASCII command line reads nothing) this reads /proc/self/cmdline, whose last
     * {@code args.length} entries are main's arguments (the launcher's options and the main class come first), and
     * takes them when their ASCII arguments agree with the JVM's; otherwise (no /proc, another layout) {@code args}.
     */
    public static String[] argv(String[] args) {
        boolean suspect = false;
        for (String a : args) {
            for (int i = 0; i < a.length() && !suspect; i++) suspect = a.charAt(i) >= 0x80 || a.charAt(i) == '?';
            if (suspect) break;
        }
        if (!suspect) return args;
        byte[] b;
        try {
            b = java.nio.file.Files.readAllBytes(Path.of("/proc/self/cmdline"));
        } catch (java.io.IOException | RuntimeException e) {
            return args;
        }
        int end = b.length;
        if (end > 0 && b[end - 1] == 0) end--;
        String[] raw = new String[args.length];
        for (int k = args.length - 1; k >= 0; k--) {
            int start = end;
            while (start > 0 && b[start - 1] != 0) start--;
            if (start == 0 && k > 0) return args; // fewer entries than arguments
            raw[k] = decode(b, start, end - start);
            if (!nonAscii(args[k]) && args[k].indexOf('?') < 0 && !args[k].equals(raw[k])) return args; // another layout
            if (args[k].length() > 0 && raw[k].isEmpty()) return args;
            end = start - 1;
        }
        return raw;
    }
}
