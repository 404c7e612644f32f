package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.Ast.*;

/**
 * Decides, once per rule at compile time, whether the condition can only be true if at least one of the rule's
 * own strings matched. Such rules are skipped without evaluation on inputs where none of their strings matched,
 * which is most rules on most files.
 */
final class Prefilter {
    private Prefilter() {}

    static boolean needsOwnMatch(Expr e) {
        return switch (e) {
            case StrMatch m -> m.idx() >= 0;
            case Of o -> !o.set().rules() && o.set().resolved().length > 0 && atLeastOne(o.q());
            case Binary b when b.op().equals("and") -> needsOwnMatch(b.l()) || needsOwnMatch(b.r());
            case Binary b when b.op().equals("or") -> needsOwnMatch(b.l()) && needsOwnMatch(b.r());
            default -> false;
        };
    }

    private static boolean atLeastOne(Quant q) {
        return switch (q.kind()) {
            case ANY, ALL -> true;
            case NONE -> false;
            case EXPR, PERCENT -> q.n() instanceof IntLit i && i.v() >= 1;
        };
    }
}
