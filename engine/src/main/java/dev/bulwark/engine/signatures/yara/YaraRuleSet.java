package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.signatures.yara.Ast.*;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A compiled set of YARA rules. Immutable and safe to share between threads; each scan uses its own scratch.
 */
public final class YaraRuleSet {
    /**
     * One string match: offset, length and (up to {@link #MAX_MATCH_DATA} bytes of) the matched data; hex tells
     * whether the string was a hex string (yara prints those as hex bytes).
     */
    public record StringMatch(String id, long offset, int length, byte[] data, boolean hex) {}

    /** The result of one rule for one input. meta values are String, Long or Boolean. */
    public record RuleResult(String name, String namespace, List<String> tags, List<Map.Entry<String, Object>> meta,
            boolean matched, List<StringMatch> strings) {}

    public static final int MAX_MATCH_DATA = 512; // YARA's DEFAULT_MAX_MATCH_DATA

    private final List<Compiler.RuleDef> rules;
    private final List<Compiler.StringDef> strings;
    private final StringMatcher matcher;
    private final int slots;
    private final int maxSlots;
    private final List<Diagnostic> warnings;
    /** Per rule: true if the rule cannot match unless one of its own strings matched. */
    private final boolean[] needsMatch;

    /** True when a source included another file (its text is not among the sources compiled). */
    private final boolean includes;
    /** (yara10) A cached set's conditions, decoded on first use by {@link #lazy}; null for a compiled set. */
    private final LazyRuleSet lazy;
    private final Expr[] conditions;
    private static final java.lang.invoke.VarHandle COND = java.lang.invoke.MethodHandles.arrayElementVarHandle(Expr[].class);
    /** Compiles the rules again when a lazily decoded part of a cached set is damaged (null: throw instead). */
    private final java.util.function.Supplier<YaraRuleSet> recompile;
    /** The set compiled again after damage was found; every later call answers from it. */
    private volatile YaraRuleSet replacement;

    private YaraRuleSet(Compiler c, List<Diagnostic> warnings) {
        this(c.rules, c.strings, c.maxSlots, warnings, false);
    }

    private YaraRuleSet(List<Compiler.RuleDef> ruleList, List<Compiler.StringDef> stringList, int maxSlots,
            List<Diagnostic> warnings, boolean includes) {
        this.rules = List.copyOf(ruleList);
        this.strings = List.copyOf(stringList);
        this.includes = includes;
        this.lazy = null;
        this.conditions = null;
        this.recompile = null;
        List<Variant> vs = new ArrayList<>();
        for (Compiler.StringDef s : strings) vs.addAll(s.variants());
        this.matcher = new StringMatcher(vs, strings.size());
        this.maxSlots = maxSlots;
        this.slots = maxSlots + 1;
        this.warnings = List.copyOf(warnings);
        this.needsMatch = new boolean[rules.size()];
        for (int i = 0; i < rules.size(); i++) needsMatch[i] = Prefilter.needsOwnMatch(rules.get(i).condition());
    }

    /** (yara10) A cached set: its matcher and needs-a-string flags as stored, variants and conditions decoded on use. */
    private YaraRuleSet(RuleSetCodec.Parts p, java.util.function.Supplier<YaraRuleSet> recompile) {
        this.rules = List.copyOf(p.rules());
        this.strings = List.copyOf(p.strings());
        this.includes = false;
        this.lazy = p.lazy();
        this.conditions = new Expr[rules.size()];
        this.recompile = recompile;
        this.matcher = p.matcher();
        this.maxSlots = p.maxSlots();
        this.slots = maxSlots + 1;
        this.warnings = List.copyOf(p.warnings());
        this.needsMatch = p.needsMatch();
    }

    /** Rule i's condition (a cached set's decoded on first use; DamagedRuleSetException when it does not decode). */
    private Expr condition(int i) {
        if (lazy == null) return rules.get(i).condition();
        Expr e = (Expr) COND.getAcquire(conditions, i);
        if (e != null) return e;
        synchronized (conditions) {
            e = conditions[i];
            if (e == null) {
                e = lazy.condition(i);
                COND.setRelease(conditions, i, e);
            }
        }
        return e;
    }

    /** The set to answer from after damage: the recompiled one (compiled once), or the exception again. */
    private YaraRuleSet replaced(DamagedRuleSetException e) {
        if (recompile == null) throw e;
        synchronized (this) {
            if (replacement == null) replacement = java.util.Objects.requireNonNull(recompile.get());
            return replacement;
        }
    }

    /** Strict compile for {@code bulwark yara}; throws with every diagnostic when any source has an error. */
    public static YaraRuleSet compile(List<YaraSource> sources, Map<String, Object> externals) {
        return compile(sources, externals, null, new ArrayList<>());
    }

    /**
     * Strict compile with a namespace per source (null entries or a null list mean "default") and warnings
     * (slow strings...) appended to warningsOut.
     */
    public static YaraRuleSet compile(List<YaraSource> sources, Map<String, Object> externals, List<String> namespaces,
            List<Diagnostic> warningsOut) {
        List<Diagnostic> diags = new ArrayList<>();
        Compiler c = new Compiler(externals);
        boolean[] included = {false};
        Parser.IncludeResolver resolver = (including, path, problems, at) -> {
            included[0] = true;
            return resolveInclude(including, path, problems, at);
        };
        for (int i = 0; i < sources.size(); i++) {
            YaraSource src = sources.get(i);
            String ns = namespaces == null || namespaces.get(i) == null ? "default" : namespaces.get(i);
            List<Problems> includedProblems = new ArrayList<>();
            Problems pr = new Problems(src.name(), src.text(), diags);
            SourceFile f = new Parser(new Lexer(src.text(), pr).tokenize(), pr, resolver, 0, includedProblems).parseFile();
            boolean broken = pr.errorCount() > 0;
            for (Problems ip : includedProblems) {
                ip.attributeRules();
                diags.addAll(includedDiagnostics(ip));
                broken |= ip.errorCount() > 0;
            }
            // also after syntax errors: report the other rules' semantic errors in the same pass
            try {
                c.add(f, ns, pr);
            } catch (RuntimeException e) {
                if (!broken) throw e; // the file is already rejected; rules around a syntax error may be odd
            }
            pr.attributeRules();
        }
        List<Diagnostic> errors = diags.stream().filter(Diagnostic::isError).toList();
        if (!errors.isEmpty()) throw new DatabaseLoadException(byPosition(diags));
        warningsOut.addAll(diags);
        return new YaraRuleSet(c.rules, c.strings, c.maxSlots, diags, included[0]);
    }

    /**
     * This rule set as bytes that {@link #fromBytes} turns back into an equal rule set (same verdicts, matches
     * and warnings) without compiling: a cache of compiled rules. Not a stable format across builds.
     */
    public byte[] toBytes() {
        if (replacement != null) return replacement.toBytes();
        List<Compiler.RuleDef> rs = rules;
        List<Compiler.StringDef> ss = strings;
        if (lazy != null) { // every part decoded (a damaged one throws DamagedRuleSetException)
            rs = new ArrayList<>(rules.size());
            for (int i = 0; i < rules.size(); i++) {
                Compiler.RuleDef r = rules.get(i);
                Expr c = condition(i);
                rs.add(new Compiler.RuleDef(r.name(), r.namespace(), r.isPrivate(), r.isGlobal(), r.tags(), r.meta(),
                        r.firstString(), r.stringCount(), c, r.source()));
            }
            Variant[] all = matcher.variants();
            ss = new ArrayList<>(strings.size());
            int v = 0;
            for (Compiler.StringDef s : strings) {
                int from = v;
                while (v < all.length && all[v].string == ss.size()) v++;
                ss.add(new Compiler.StringDef(s.id(), s.rule(), s.isPrivate(), s.hex(), List.of(all).subList(from, v)));
            }
        }
        return RuleSetCodec.write(rs, ss, maxSlots, warnings, matcher.indexBytes(), matcher, needsMatch);
    }

    /** A rule set from {@link #toBytes}; IOException when the bytes are damaged or from another format. */
    public static YaraRuleSet fromBytes(byte[] data) throws java.io.IOException {
        return fromBytes(data, 0, data.length);
    }

    /** Like {@link #fromBytes(byte[])} over data[off, off + len) (a cache entry read whole, without a copy). */
    public static YaraRuleSet fromBytes(byte[] data, int off, int len) throws java.io.IOException {
        return fromBytes(data, off, len, null);
    }

    /**
     * Like {@link #fromBytes(byte[], int, int)}. (yara10) The strings' variants and the rules' conditions stay encoded
     * in data (which must not change) until a scan needs them; if one of them then turns out damaged (the checksum
     * held: a crafted entry or a writer bug), every scan answers from {@code recompile}'s rule set (called once)
     * instead; without it, the scan throws.
     */
    public static YaraRuleSet fromBytes(byte[] data, int off, int len, java.util.function.Supplier<YaraRuleSet> recompile)
            throws java.io.IOException {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        RuleSetCodec.Parts p = RuleSetCodec.read(data, off, len);
        YaraRuleSet rs = new YaraRuleSet(p, recompile);
        // (yara9) the stored kernel index saves building it (Elastic's 3,021 rules: ~20 -> ~9 ms cold)
        if (!rs.matcher.useIndex(p.index())) throw new java.io.IOException("kernel index does not fit the strings");
        return rs;
    }

    /** True when compiling read files named by {@code include} (a cache keyed by the sources alone would miss them). */
    public boolean usesIncludes() {
        return includes;
    }

    /** Diagnostics grouped by source (in order of first appearance), then by line and column. */
    private static List<Diagnostic> byPosition(List<Diagnostic> diags) {
        List<String> order = new ArrayList<>();
        for (Diagnostic d : diags) if (!order.contains(d.source())) order.add(d.source());
        List<Diagnostic> out = new ArrayList<>(diags);
        out.sort(java.util.Comparator.comparingInt((Diagnostic d) -> order.indexOf(d.source()))
                .thenComparingInt(Diagnostic::line).thenComparingInt(Diagnostic::column));
        return out;
    }

    private static List<Diagnostic> includedDiagnostics(Problems p) {
        return p.diagnostics();
    }

    private static final long MAX_INCLUDE_SIZE = 64L << 20; // an included rule file larger than this is refused

    private static YaraSource resolveInclude(String including, String path, Problems problems, Token at) {
        try {
            Path base = Path.of(including).toAbsolutePath().getParent();
            Path p = base == null ? Path.of(path) : base.resolve(path);
            if (!Files.isRegularFile(p) || Files.size(p) > MAX_INCLUDE_SIZE) {
                problems.error(at, "can't open include file: " + path);
                return null;
            }
            return new YaraSource(p.toString(), Files.readString(p, java.nio.charset.StandardCharsets.UTF_8));
        } catch (java.io.IOException | RuntimeException e) {
            problems.error(at, "can't open include file: " + path);
            return null;
        }
    }

    /**
     * ClamAV-compatible load of one .yar file: never throws on syntax errors (returns an empty set and adds
     * warnings); skips rules without strings, with a string shorter than 2 bytes, or referencing other rules.
     */
    public static YaraRuleSet compileClamAvCompat(String text, String sourceName, List<Diagnostic> warningsOut) {
        List<Diagnostic> diags = new ArrayList<>();
        Problems pr = new Problems(sourceName, text, diags);
        Compiler c = new Compiler(Map.of());
        SourceFile f = new Parser(new Lexer(text, pr).tokenize(), pr, null, 0, new ArrayList<>()).parseFile();
        if (pr.errorCount() == 0) {
            List<String> names = new ArrayList<>();
            for (Rule r : f.rules()) names.add(r.name());
            List<Rule> kept = new ArrayList<>();
            for (Rule r : f.rules()) {
                if (ClamAvCompat.usable(r, names, pr)) kept.add(r);
            }
            c.add(new SourceFile(f.imports(), f.importTokens(), kept), "default", pr);
        }
        for (Diagnostic d : diags) {
            warningsOut.add(d.isError() ? new Diagnostic(Diagnostic.Severity.WARNING, d.source(), d.line(), d.column(), d.message()) : d);
        }
        if (pr.errorCount() > 0) return new YaraRuleSet(new Compiler(Map.of()), List.of());
        return new YaraRuleSet(c, diags);
    }

    /** True when this set was read from bytes and decodes its variants and conditions on first use. */
    boolean isLazy() {
        return lazy != null;
    }

    public int ruleCount() {
        return rules.size();
    }

    public List<Diagnostic> warnings() {
        return warnings;
    }

    /** Names of matching non-private rules, in declaration order. */
    public List<String> matchingRules(ByteBuffer data) {
        YaraRuleSet r = replacement;
        if (r != null) return r.matchingRules(data);
        try {
            return matchingRulesHere(data);
        } catch (DamagedRuleSetException e) {
            return replaced(e).matchingRules(data);
        }
    }

    private List<String> matchingRulesHere(ByteBuffer data) {
        List<String> out = new ArrayList<>();
        boolean[] m = evaluate(data, null);
        for (int i = 0; i < rules.size(); i++) {
            if (m[i] && !rules.get(i).isPrivate()) out.add(rules.get(i).name());
        }
        return out;
    }

    /** Every non-private rule with its verdict and (non-private) string matches, in declaration order. */
    public List<RuleResult> scan(ByteBuffer data) {
        return scan(data, true);
    }

    /** Like {@link #scan(ByteBuffer)}; with includeNonMatching false only the matching rules are returned. */
    public List<RuleResult> scan(ByteBuffer data, boolean includeNonMatching) {
        return scan(data, includeNonMatching, true);
    }

    /**
     * Like {@link #scan(ByteBuffer, boolean)}; with withStrings false every result's string list is empty (no
     * match data is copied: for callers that print only rule names).
     */
    public List<RuleResult> scan(ByteBuffer data, boolean includeNonMatching, boolean withStrings) {
        YaraRuleSet r = replacement;
        if (r != null) return r.scan(data, includeNonMatching, withStrings);
        try {
            return scanHere(data, includeNonMatching, withStrings);
        } catch (DamagedRuleSetException e) {
            return replaced(e).scan(data, includeNonMatching, withStrings);
        }
    }

    private List<RuleResult> scanHere(ByteBuffer data, boolean includeNonMatching, boolean withStrings) {
        List<RuleResult> out = new ArrayList<>();
        Matches[] mm = new Matches[1];
        boolean[] m = evaluate(data, mm);
        byte[][] arr = new byte[1][];
        int[] base = new int[1];
        bytes(data, arr, base);
        for (int i = 0; i < rules.size(); i++) {
            Compiler.RuleDef r = rules.get(i);
            if (r.isPrivate() || !m[i] && !includeNonMatching) continue;
            List<StringMatch> sm = withStrings ? new ArrayList<>() : List.of();
            for (int s = r.firstString(); withStrings && s < r.firstString() + r.stringCount(); s++) {
                Compiler.StringDef sd = strings.get(s);
                if (sd.isPrivate()) continue;
                for (int k = 0; k < mm[0].count[s]; k++) {
                    int o = mm[0].offsets[s][k], l = mm[0].lengths[s][k];
                    byte[] d = java.util.Arrays.copyOfRange(arr[0], base[0] + o, base[0] + o + Math.min(l, MAX_MATCH_DATA));
                    sm.add(new StringMatch(sd.id(), o, l, d, sd.hex()));
                }
            }
            out.add(new RuleResult(r.name(), r.namespace(), r.tags(), metaEntries(r), m[i], sm));
        }
        return out;
    }

    /** A rule's meta as entries (made per reported result rather than kept for every rule of a large set). */
    private static List<Map.Entry<String, Object>> metaEntries(Compiler.RuleDef r) {
        List<Meta> meta = r.meta();
        if (meta.isEmpty()) return List.of();
        @SuppressWarnings("unchecked")
        Map.Entry<String, Object>[] e = new Map.Entry[meta.size()];
        for (int k = 0; k < e.length; k++) e[k] = Map.entry(meta.get(k).key(), meta.get(k).value());
        return List.of(e);
    }

    private static int bytes(ByteBuffer data, byte[][] arr, int[] base) {
        int len = data.limit();
        if (data.hasArray()) {
            arr[0] = data.array();
            base[0] = data.arrayOffset();
        } else {
            byte[] copy = new byte[len];
            data.get(0, copy);
            arr[0] = copy;
            base[0] = 0;
        }
        return len;
    }

    private boolean[] evaluate(ByteBuffer data, Matches[] matchesOut) {
        byte[][] arr = new byte[1][];
        int[] base = new int[1];
        int len = bytes(data, arr, base);
        StringMatcher.Scratch scratch = new StringMatcher.Scratch(matcher);
        matcher.scan(arr[0], base[0], len, scratch);
        return evaluate(arr[0], base[0], len, scratch, matchesOut);
    }

    StringMatcher matcher() {
        return matcher;
    }

    /** Names of matching non-private rules after a pass that filled {@code scratch} (see {@link YaraGroup}). */
    List<String> matchingRules(byte[] d, int off, int len, StringMatcher.Scratch scratch) {
        List<String> out = new ArrayList<>();
        boolean[] m = evaluate(d, off, len, scratch, null);
        for (int i = 0; i < rules.size(); i++) {
            if (m[i] && !rules.get(i).isPrivate()) out.add(rules.get(i).name());
        }
        return out;
    }

    private boolean[] evaluate(byte[] d, int off, int len, StringMatcher.Scratch scratch, Matches[] matchesOut) {
        ScanContext c = new ScanContext(d, off, len, scratch.matches, scratch.vm, slots, rules.size());
        boolean[] res = new boolean[rules.size()];
        int[] count = scratch.matches.count;
        for (int i = 0; i < rules.size(); i++) {
            Compiler.RuleDef r = rules.get(i);
            boolean skip = false;
            if (needsMatch[i]) {
                skip = true;
                for (int s = r.firstString(); s < r.firstString() + r.stringCount(); s++) {
                    if (count[s] > 0) {
                        skip = false;
                        break;
                    }
                }
            }
            res[i] = !skip && Evaluator.truthy(Evaluator.eval(condition(i), c));
            c.setRule(i, res[i]);
        }
        // a false global rule makes every rule of its namespace false
        for (int i = 0; i < rules.size(); i++) {
            Compiler.RuleDef g = rules.get(i);
            if (g.isGlobal() && !res[i]) {
                for (int j = 0; j < rules.size(); j++) {
                    if (rules.get(j).namespace().equals(g.namespace())) res[j] = false;
                }
            }
        }
        if (matchesOut != null) matchesOut[0] = scratch.matches;
        return res;
    }
}
