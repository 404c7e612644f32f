package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.Ast.Expr;
import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * (yara10) The parts of a cached rule set that are decoded on first use: the strings' variants (atoms, windows,
 * regex programs) and the rules' conditions, each kept as a range of the entry's bytes. A bulwark yara run over a
 * large set reaches few of them (a variant when the kernel reports one of its atoms, a condition when the rule
 * has to be evaluated), so loading the set costs the eager parts only. The entry's checksum was checked when it
 * was read; a part that does not decode throws {@link DamagedRuleSetException}.
 */
final class LazyRuleSet {
    private final byte[] data;
    /** Per variant: start of its bytes in data, their end, and the string it belongs to. */
    private final int[] varStart, varEnd, varString;
    /** Per rule: start and end of its condition's bytes in data. */
    private final int[] condStart, condEnd;
    private final int strings, rules, slots;

    LazyRuleSet(byte[] data, int[] varStart, int[] varEnd, int[] varString, int[] condStart, int[] condEnd, int strings,
            int slots) {
        this.data = data;
        this.varStart = varStart;
        this.varEnd = varEnd;
        this.varString = varString;
        this.condStart = condStart;
        this.condEnd = condEnd;
        this.strings = strings;
        this.rules = condStart.length;
        this.slots = slots;
    }

    int variantCount() {
        return varStart.length;
    }

    /**
     * One reader for every part (its short-string and byte-set tables shared too: a new reader per part cost ~18 KB of
     * tables each, and a file that reaches thousands of parts then filled the young generation); callers hold this.
     */
    private RuleSetInput in;

    private RuleSetInput input(int from, int to) {
        if (in == null) {
            in = new RuleSetInput(ByteBuffer.wrap(data));
            in.slots = slots;
        }
        in.b.clear().limit(to).position(from);
        return in;
    }

    /** Variant i, checked like the eager reader checked it, and its program against the matcher's VM size. */
    synchronized Variant variant(int i, int maxProgram) {
        try {
            RuleSetInput in = input(varStart[i], varEnd[i]);
            Variant v = in.variant(strings);
            if (in.b.hasRemaining()) throw new IOException("trailing bytes in a variant");
            if (v.string != varString[i]) throw new IOException("variant of another string");
            if (v.program != null && v.program.size() > maxProgram) throw new IOException("program larger than the VM");
            if (v.firstBytes == null && (v.atoms == null || hasRange(v))) throw new IOException("variant without first bytes");
            return v;
        } catch (IOException | RuntimeException e) {
            throw new DamagedRuleSetException("damaged compiled rule set: variant " + i + ": " + e.getMessage(), e);
        }
    }

    private static boolean hasRange(Variant v) {
        if (v.atomMaxOffset != v.atomOffset) return true;
        for (Variant.Group g : v.extra) if (g.maxOffset() != g.minOffset()) return true;
        return false;
    }

    /** Rule i's resolved condition. */
    synchronized Expr condition(int i) {
        try {
            RuleSetInput in = input(condStart[i], condEnd[i]);
            Expr e = in.expr(0, strings, rules);
            if (e == null) throw new IOException("missing condition");
            if (in.b.hasRemaining()) throw new IOException("trailing bytes in a condition");
            return e;
        } catch (IOException | RuntimeException e) {
            throw new DamagedRuleSetException("damaged compiled rule set: condition of rule " + i + ": " + e.getMessage(), e);
        }
    }
}
