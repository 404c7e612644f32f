package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.Ast.*;
import java.util.List;
import java.util.Map;

/** {@code of}, {@code for..of} and {@code for..in}: count how many items satisfy a condition, then apply the quantifier. */
final class Loops {
    private Loops() {}

    /** Returns the required count for a quantifier over total items, or null if undefined; -1 means "none". */
    private static Long need(Quant q, long total, ScanContext c) {
        return switch (q.kind()) {
            case ALL -> total;
            case ANY -> 1L;
            case NONE -> -1L;
            case EXPR -> {
                Object n = Evaluator.eval(q.n(), c);
                if (!(n instanceof Long l)) yield null;
                yield l == 0 ? -1L : l;
            }
            case PERCENT -> {
                Object n = Evaluator.eval(q.n(), c);
                if (!(n instanceof Long l)) yield null;
                // at least pct% of the items, rounding up
                yield (l * total + 99) / 100 == 0 ? -1L : (l * total + 99) / 100;
            }
        };
    }

    private static boolean satisfied(long need, long hits, long total) {
        if (need < 0) return hits == 0;
        return hits >= need && (total > 0 || need == 0);
    }

    /**
     * (compat15) A {@code for} loop's quantifier as yara 4.2.3 applies it: "none" and 0 ask for at least zero items,
     * so the loop holds whatever its body gives (yara 4.3 made them "exactly zero", as {@code none of} already was).
     * Rules that yara 4.2.3 accepts must get its verdicts: {@code for none of them : ($)} matches a file holding
     * {@code $} under yara 4.2.3.
     */
    private static boolean satisfiedFor(long need, long hits, long total) {
        if (need < 0) return true;
        return satisfied(need, hits, total);
    }

    static Object of(Of o, ScanContext c) {
        int[] set = o.set().resolved();
        Long need = need(o.q(), set.length, c);
        if (need == null) return null;
        Long lo = null, hi = null, at = null;
        if (o.lo() != null) {
            Object a = Evaluator.eval(o.lo(), c), b = Evaluator.eval(o.hi(), c);
            if (a == null || b == null) return null;
            lo = (Long) a;
            hi = (Long) b;
        }
        if (o.atExpr() != null) {
            Object a = Evaluator.eval(o.atExpr(), c);
            if (a == null) return null;
            at = (Long) a;
        }
        long hits = 0;
        for (int i : set) {
            boolean hit;
            if (o.set().rules()) {
                hit = c.ruleResult(i);
            } else {
                hit = matchedIn(c, i, lo, hi, at);
            }
            if (hit) hits++;
        }
        return satisfied(need, hits, set.length);
    }

    private static boolean matchedIn(ScanContext c, int s, Long lo, Long hi, Long at) {
        int n = c.matches.count[s];
        if (lo == null && at == null) return n > 0;
        int[] offs = c.matches.offsets[s];
        for (int i = 0; i < n; i++) {
            if (at != null ? offs[i] == at : offs[i] >= lo && offs[i] <= hi) return true;
        }
        return false;
    }

    static Object forOf(ForOf f, ScanContext c) {
        int[] set = f.set().resolved();
        Long need = need(f.q(), set.length, c);
        if (need == null) return null;
        long hits = 0;
        Object save = c.vars[f.slot()];
        for (int s : set) {
            c.vars[f.slot()] = (long) s;
            if (Evaluator.truthy(Evaluator.eval(f.body(), c))) hits++;
        }
        c.vars[f.slot()] = save;
        return satisfiedFor(need, hits, set.length);
    }

    static Object forIn(ForIn f, ScanContext c) {
        int slot = f.slot();
        long hits = 0, total;
        switch (f.iter()) {
            case Range r -> {
                Object a = Evaluator.eval(r.lo(), c), b = Evaluator.eval(r.hi(), c);
                if (!(a instanceof Long lo) || !(b instanceof Long hi)) return null;
                if (hi < lo) return null;
                if (hi - lo >= YaraLimits.MAX_RANGE_ITERATIONS || hi - lo < 0) return null;
                total = hi - lo + 1;
                Long need = need(f.q(), total, c);
                if (need == null) return null;
                for (long i = lo; i <= hi; i++) {
                    c.vars[slot] = i;
                    if (Evaluator.truthy(Evaluator.eval(f.body(), c))) {
                        hits++;
                        if (need > 0 && hits >= need && f.q().kind() != QKind.ALL) break;
                    } else if (f.q().kind() == QKind.ALL) {
                        return false;
                    }
                }
                return satisfiedFor(need, hits, total);
            }
            case ListIter l -> {
                total = l.items().size();
                Long need = need(f.q(), total, c);
                if (need == null) return null;
                for (Expr e : l.items()) {
                    c.vars[slot] = Evaluator.eval(e, c);
                    if (Evaluator.truthy(Evaluator.eval(f.body(), c))) hits++;
                }
                return satisfiedFor(need, hits, total);
            }
            case ExprIter ei -> {
                Object v = Evaluator.eval(ei.e(), c);
                if (v instanceof List<?> list) {
                    if (f.vars().size() != 1) return null;
                    total = list.size();
                    Long need = need(f.q(), total, c);
                    if (need == null) return null;
                    for (Object x : list) {
                        c.vars[slot] = x;
                        if (Evaluator.truthy(Evaluator.eval(f.body(), c))) hits++;
                    }
                    return satisfiedFor(need, hits, total);
                }
                if (v instanceof Map<?, ?> map) {
                    if (f.vars().size() != 2) return null;
                    total = map.size();
                    Long need = need(f.q(), total, c);
                    if (need == null) return null;
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        c.vars[slot] = e.getKey().toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                        c.vars[slot + 1] = e.getValue();
                        if (Evaluator.truthy(Evaluator.eval(f.body(), c))) hits++;
                    }
                    return satisfiedFor(need, hits, total);
                }
                return null;
            }
        }
    }
}
