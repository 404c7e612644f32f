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
        }
        if (referencesRule(r.condition(), ruleNames)) {
            pr.warning(r.at().line(), r.at().col(), "rule \"" + r.name() + "\" skipped: ClamAV does not support rules that reference other rules");
            return false;
        }
        return true;
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
