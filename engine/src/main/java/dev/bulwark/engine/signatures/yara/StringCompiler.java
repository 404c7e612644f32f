package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.Ast.Modifiers;
import dev.bulwark.engine.signatures.yara.Ast.StringDecl;
import dev.bulwark.engine.signatures.yara.re.AtomQuality;
import dev.bulwark.engine.signatures.yara.re.Regex;
import dev.bulwark.engine.signatures.yara.re.RegexException;
import java.util.ArrayList;
import java.util.List;

/** Turns one string declaration into its searchable {@link Variant}s, choosing atoms for each. */
final class StringCompiler {
    private static final String STD_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private StringCompiler() {}

    /** Returns the variants, or null after reporting an error. */
    static List<Variant> compile(StringDecl s, int index, Problems problems, String ruleName) {
        Modifiers m = s.mods();
        List<Variant> out = new ArrayList<>();
        int textQuality = Integer.MAX_VALUE; // yara's own figure for plain text strings (see AtomQuality.ofText)
        switch (s.type()) {
            case TEXT -> {
                byte[] t = s.text();
                if (t.length == 0) {
                    problems.error(s.at(), "empty string \"" + s.id() + "\"");
                    return null;
                }
                boolean ascii = m.ascii() || !m.wide();
                if (m.xor() && (m.xorLo() < 0 || m.xorHi() > 255 || m.xorHi() < m.xorLo())) return null; // reported
                if (m.alphabet() != null && m.alphabet().length() != 64) return null; // reported by the parser
                if (m.base64() || m.base64wide()) {
                    String alpha = m.alphabet() == null ? STD_ALPHABET : m.alphabet();
                    List<byte[]> plain = new ArrayList<>();
                    if (ascii) plain.add(t);
                    if (m.wide()) plain.add(widen(t));
                    for (byte[] p : plain) {
                        for (byte[] enc : base64Forms(p, alpha)) {
                            if (m.base64()) add(out, index, enc, false, false, m);
                            if (m.base64wide()) add(out, index, widen(enc), false, true, m);
                        }
                    }
                } else {
                    textQuality = AtomQuality.ofText(t, ascii, m.wide(), m.nocase(), m.xor(), m.xorLo(), m.xorHi());
                    List<byte[]> forms = new ArrayList<>();
                    List<Boolean> wide = new ArrayList<>();
                    if (ascii) {
                        forms.add(t);
                        wide.add(false);
                    }
                    if (m.wide()) {
                        forms.add(widen(t));
                        wide.add(true);
                    }
                    for (int f = 0; f < forms.size(); f++) {
                        if (m.xor()) {
                            for (int k = m.xorLo(); k <= m.xorHi(); k++) {
                                byte[] x = forms.get(f).clone();
                                for (int i = 0; i < x.length; i++) x[i] ^= (byte) k;
                                add(out, index, x, false, wide.get(f), m);
                            }
                        } else {
                            add(out, index, forms.get(f), m.nocase(), wide.get(f), m);
                        }
                    }
                }
            }
            case HEX, REGEX -> {
                byte[] plain = s.type() == Ast.StrType.HEX ? plainHex(s.source()) : null;
                if (plain != null) {
                    // only literal bytes: compared like a text string, without building a regex program
                    add(out, index, plain, false, false, m);
                    break;
                }
                try {
                    boolean ascii = m.ascii() || !m.wide();
                    List<Regex> forms = new ArrayList<>();
                    List<Boolean> wide = new ArrayList<>();
                    if (s.type() == Ast.StrType.HEX) {
                        forms.add(Regex.compileHex(s.source()));
                        wide.add(false);
                    } else {
                        int slash = s.source().indexOf('/');
                        String flags = s.source().substring(0, slash), body = s.source().substring(slash + 1);
                        boolean nocase = m.nocase() || flags.contains("i"), dotAll = flags.contains("s");
                        if (ascii) {
                            forms.add(Regex.compile(body, nocase, dotAll, false));
                            wide.add(false);
                        }
                        if (m.wide()) {
                            forms.add(Regex.compile(body, nocase, dotAll, true));
                            wide.add(true);
                        }
                        if (forms.get(0).unboundedDot()) {
                            problems.warning(s.at().line(), s.at().col(), s.id() + " contains .*, .+ or .{x,} consider using"
                                    + " .{,N}, .{1,N} or {x,N} with a reasonable value for N (rule \"" + ruleName + "\")");
                        }
                    }
                    for (int f = 0; f < forms.size(); f++) {
                        Regex r = forms.get(f);
                        int window = s.type() == Ast.StrType.HEX
                                ? (r.maxLength() >= 0 ? Math.max(r.maxLength(), YaraLimits.REGEX_SCAN_LIMIT) : YaraLimits.HEX_SCAN_LIMIT)
                                : YaraLimits.REGEX_SCAN_LIMIT;
                        Variant v = new Variant(index, null, false, r.program(), window, r.anchoredStart(), wide.get(f), m.fullword());
                        v.chooseAtomsFromRuns(r.runs(), r.alternatives());
                        v.firstBytes = r.program().firstBytes();
                        v.setPrefixCheck(r.prefix());
                        v.yaraQuality = r.atomQuality();
                        out.add(v);
                    }
                } catch (RegexException e) {
                    String msg = e.getMessage();
                    if (s.type() == Ast.StrType.HEX) {
                        // (compat15) yara's wording: invalid hex string "$a": <reason>; an empty one is its syntax error
                        String why = msg.startsWith("invalid hex string: ") ? msg.substring(20) : msg;
                        if (why.equals("empty")) why = "syntax error";
                        problems.error(s.at(), "invalid hex string \"" + s.id() + "\": " + why);
                    } else {
                        problems.error(s.at(), "invalid regular expression \"" + s.id() + "\": " + msg);
                    }
                    return null;
                }
            }
        }
        int worst = textQuality;
        if (worst == Integer.MAX_VALUE) for (Variant v : out) worst = Math.min(worst, v.yaraQuality);
        if (worst < AtomQuality.WARNING_THRESHOLD) {
            problems.warning(s.at().line(), s.at().col(), "string \"" + s.id() + "\" may slow down scanning (rule \"" + ruleName + "\")");
        }
        return out;
    }

    private static void add(List<Variant> out, int index, byte[] lit, boolean nocase, boolean wide, Modifiers m) {
        Variant v = new Variant(index, lit, nocase, null, 0, false, wide, m.fullword());
        List<long[]> positions = Variant.literalPositions(lit, nocase);
        v.chooseAtoms(positions);
        v.yaraQuality = AtomQuality.ofPositions(positions);
        out.add(v);
    }

    /** The bytes of a hex string made of byte values and spaces only (no wildcards, jumps...), or null. */
    static byte[] plainHex(String body) {
        byte[] out = new byte[body.length() / 2];
        int n = 0, hi = -1;
        for (int i = 0; i < body.length(); i++) {
            char c = body.charAt(i);
            if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
                if (hi >= 0) return null; // a split byte: let the hex parser report it
                continue;
            }
            int v = Character.digit(c, 16);
            if (v < 0 || c > 'f') return null;
            if (hi < 0) {
                hi = v;
            } else {
                out[n++] = (byte) (hi << 4 | v);
                hi = -1;
            }
        }
        return hi >= 0 || n == 0 ? null : java.util.Arrays.copyOf(out, n);
    }

    static byte[] widen(byte[] t) {
        byte[] w = new byte[t.length * 2];
        for (int i = 0; i < t.length; i++) w[2 * i] = t[i];
        return w;
    }

    /** The three encodings of t (at input offsets 0, 1, 2) with the characters that depend on neighbours removed. */
    static List<byte[]> base64Forms(byte[] t, String alphabet) {
        List<byte[]> out = new ArrayList<>();
        for (int pad = 0; pad < 3; pad++) {
            byte[] in = new byte[t.length + pad];
            System.arraycopy(t, 0, in, pad, t.length);
            String enc = encode(in, alphabet);
            int lead = pad == 0 ? 0 : pad == 1 ? 2 : 3;
            int rem = in.length % 3;
            int trail = rem == 0 ? 0 : rem == 1 ? 3 : 2;
            if (enc.length() - trail <= lead) continue;
            String core = enc.substring(lead, enc.length() - trail);
            if (!core.isEmpty()) out.add(core.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
        }
        return out;
    }

    private static String encode(byte[] in, String alpha) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < in.length; i += 3) {
            int b0 = in[i] & 0xFF, b1 = i + 1 < in.length ? in[i + 1] & 0xFF : 0, b2 = i + 2 < in.length ? in[i + 2] & 0xFF : 0;
            int v = b0 << 16 | b1 << 8 | b2;
            sb.append(alpha.charAt(v >> 18 & 63)).append(alpha.charAt(v >> 12 & 63));
            sb.append(i + 1 < in.length ? alpha.charAt(v >> 6 & 63) : '=');
            sb.append(i + 2 < in.length ? alpha.charAt(v & 63) : '=');
        }
        return sb.toString();
    }
}
