package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.Ast.*;
import java.util.List;

/**
 * The rule filter ClamAV 1.4 applies when it loads a .yar file: rules without strings, with a string shorter
 * than two bytes, or whose condition references another rule are skipped (with a warning).
 */
final class ClamAvCompat {
    private static final int MIN_STRING_LENGTH = 2; // ClamAV rejects shorter YARA strings

    private ClamAvCompat() {}

    static boolean usable(Rule r, List<String> ruleNames, Problems pr) {
        if (r.strings().isEmpty()) {
            pr.warning(r.at().line(), r.at().col(), "rule \"" + r.name() + "\" skipped: ClamAV needs at least one string");
            return false;
        }
        for (StringDecl s : r.strings()) {
            if (length(s) < MIN_STRING_LENGTH) {
                pr.warning(s.at().line(), s.at().col(), "rule \"" + r.name() + "\" skipped: string " + s.id() + " is shorter than 2 bytes");
                return false;
            }
            String why = unsupported(s);
            if (why != null) {
                pr.warning(s.at().line(), s.at().col(), "rule \"" + r.name() + "\" skipped: string " + s.id() + " " + why);
                return false;
            }
        }
        if (referencesRule(r.condition(), ruleNames)) {
            pr.warning(r.at().line(), r.at().col(), "rule \"" + r.name() + "\" skipped: ClamAV does not support rules that reference other rules");
            return false;
        }
        return true;
    }

    /**
     * Why ClamAV cannot load the string, or null: its YARA grammar knows only the ascii, wide, nocase and
     * fullword string modifiers (a rule with xor, base64, base64wide or private fails to parse), and its
     * matcher needs every jump-separated part of a hex string to be at least two bytes long and the string
     * to hold two consecutive fixed bytes (clamscan 1.4.6: "Single byte subpatterns unsupported", "Can't
     * find a static subpattern of length 2").
     */
    private static String unsupported(StringDecl s) {
        Modifiers m = s.mods();
        if (m != null && (m.xor() || m.base64() || m.base64wide() || m.isPrivate())) {
            return "uses a modifier ClamAV's YARA grammar does not have";
        }
        if (s.type() != StrType.HEX) return null;
        int part = 0, run = 0, depth = 0;
        boolean twoFixed = false;
        String src = s.source();
        for (int i = 0; i < src.length(); i++) {
            char c = src.charAt(i);
            if (c == '[') { // a jump ends a part
                if (depth == 0 && part == 1) return "has a single-byte part between jumps";
                part = 0;
                run = 0;
                i = Math.max(i, src.indexOf(']', i));
            } else if (c == '(') {
                if (depth++ == 0) part++;
                run = 0;
            } else if (c == ')') {
                depth--;
            } else if (c == '~') {
                // (review17) ClamAV 1.4.6's YARA grammar has no '~' (YARA 4.3's "not" byte): clamscan fails the rule
                // with a syntax error wherever it stands ({ 68 65 ~6b 6c 6f }; fuzz16: at the end it also threw
                // StringIndexOutOfBoundsException here). Bulwark loaded such a rule and reported what clamscan does not
                return "is not a valid hex string for ClamAV (its YARA grammar has no '~')";
            } else if (depth == 0 && (Character.digit(c, 16) >= 0 || c == '?')) {
                char d = i + 1 < src.length() ? src.charAt(i + 1) : '?';
                i++;
                part++;
                boolean fixed = Character.digit(c, 16) >= 0 && Character.digit(d, 16) >= 0;
                run = fixed ? run + 1 : 0;
                twoFixed |= run >= 2;
            }
        }
        if (part == 1) return "has a single-byte part between jumps";
        return twoFixed ? null : "has no two consecutive fixed bytes";
    }

    private static int length(StringDecl s) {
        return switch (s.type()) {
            case TEXT -> s.text().length;
            case HEX -> {
                int n = 0;
                for (char c : s.source().toCharArray()) if (Character.digit(c, 16) >= 0 || c == '?') n++;
                yield n / 2;
            }
            case REGEX -> s.source().length() - s.source().indexOf('/') - 1;
        };
    }

    private static boolean referencesRule(Expr e, List<String> names) {
        if (e == null) return false;
        return switch (e) {
            case Ident id -> names.contains(id.name());
            case Of o -> o.set().rules() || referencesRule(o.lo(), names) || referencesRule(o.hi(), names) || referencesRule(o.atExpr(), names);
            case Unary u -> referencesRule(u.e(), names);
            case Binary b -> referencesRule(b.l(), names) || referencesRule(b.r(), names);
            case StrMatch m -> referencesRule(m.atExpr(), names) || referencesRule(m.lo(), names) || referencesRule(m.hi(), names);
            case ForOf f -> referencesRule(f.body(), names);
            case ForIn f -> referencesRule(f.body(), names);
            case IntRead ir -> referencesRule(ir.offset(), names);
            default -> false;
        };
    }
}
