package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.Ast.*;
import dev.bulwark.engine.signatures.yara.modules.Modules;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Checks parsed rules (names, strings, types) and builds the immutable {@link CompiledRules}. */
final class Compiler {
    /** One string of a compiled rule. */
    record StringDef(String id, int rule, boolean isPrivate, boolean hex, List<Variant> variants) {}

    /** One compiled rule; firstString/stringCount index {@link CompiledRules#strings}. */
    record RuleDef(String name, String namespace, boolean isPrivate, boolean isGlobal, List<String> tags,
            List<Meta> meta, int firstString, int stringCount, Expr condition, String source) {}

    final List<RuleDef> rules = new ArrayList<>();
    final List<StringDef> strings = new ArrayList<>();
    final Map<String, Object> externals;
    private final Map<String, Map<String, Integer>> ruleNames = new HashMap<>();
    private final Map<String, Set<String>> imports = new HashMap<>();
    private final Map<String, List<String>> wildcards = new HashMap<>();
    int maxSlots;

    Compiler(Map<String, Object> externals) {
        this.externals = externals == null ? Map.of() : externals;
    }

    /** Compiles one parsed file into namespace ns; errors go to problems. */
    void add(SourceFile f, String ns, Problems problems) {
        Set<String> imp = imports.computeIfAbsent(ns, k -> new HashSet<>());
        for (int i = 0; i < f.imports().size(); i++) {
            String m = f.imports().get(i);
            Token at = f.importTokens().get(i);
            if (m.isEmpty() || m.indexOf('\0') >= 0) problems.error(at, "invalid module name \"" + m.replace("\0", "\\x00") + "\"");
            else if (Modules.get(m) == null) problems.error(at, "unknown module \"" + m + "\" (modules available: " + Modules.names() + ")");
            else imp.add(m);
        }
        Map<String, Integer> names = ruleNames.computeIfAbsent(ns, k -> new HashMap<>());
        for (Rule r : f.rules()) {
            if (names.containsKey(r.name())) {
                problems.error(r.at(), "duplicated identifier \"" + r.name() + "\"");
                continue;
            }
            for (String w : wildcards.getOrDefault(ns, List.of())) {
                if (r.name().startsWith(w)) problems.error(r.at(), "rule identifier \"" + r.name() + "\" matches previously used wildcard rule set");
            }
            int before = problems.errorCount();
            int first = strings.size();
            Map<String, Integer> local = new HashMap<>();
            if (r.strings().size() > YaraLimits.MAX_STRINGS_PER_RULE) {
                problems.error(r.at(), "too many strings in rule \"" + r.name() + "\" (limit " + YaraLimits.MAX_STRINGS_PER_RULE + ")");
            }
            for (StringDecl s : r.strings()) {
                String id = s.id();
                if (!id.equals("$") && local.containsKey(id)) {
                    problems.error(s.at(), "duplicated string identifier \"" + id + "\"");
                    continue;
                }
                List<Variant> vs = StringCompiler.compile(s, strings.size(), problems, r.name());
                if (vs == null) continue;
                if (!id.equals("$")) local.put(id, strings.size());
                strings.add(new StringDef(id, rules.size(), s.mods().isPrivate(), s.type() == StrType.HEX, vs));
            }
            Scope scope = new Scope(ns, r, first, strings.size() - first, names, imp, problems);
            Expr cond = new Resolver(this, scope).resolveBool(r.condition());
            for (int i = first; i < strings.size(); i++) {
                if (!scope.used.contains(i) && !strings.get(i).id().startsWith("$_")) {
                    problems.error(r.at(), "unreferenced string \"" + strings.get(i).id() + "\"" + Problems.RULE_MARK + r.name() + "\")");
                    break;
                }
            }
            if (problems.errorCount() > before) {
                strings.subList(first, strings.size()).clear();
                continue;
            }
            maxSlots = Math.max(maxSlots, scope.maxSlot);
            names.put(r.name(), rules.size());
            rules.add(new RuleDef(r.name(), ns, r.isPrivate(), r.isGlobal(), r.tags(), r.meta(), first,
                    strings.size() - first, cond, problems.source()));
        }
    }

    void useWildcard(String ns, String prefix) {
        wildcards.computeIfAbsent(ns, k -> new ArrayList<>()).add(prefix);
    }

    /** Per-rule name resolution state. */
    static final class Scope {
        final String ns;
        final Rule rule;
        final int first;
        final int count;
        final Map<String, Integer> ruleNames;
        final Set<String> imports;
        final Problems problems;
        final Set<Integer> used = new HashSet<>();
        final List<String> loopNames = new ArrayList<>();
        final List<Integer> loopSlots = new ArrayList<>();
        final List<Resolver.Ty> loopTypes = new ArrayList<>();
        /** (yara17) A loop variable's module declaration (an item of a module array or dictionary), or null. */
        final List<dev.bulwark.engine.signatures.yara.modules.ModuleSchema.Node> loopNodes = new ArrayList<>();
        int forOfSlot = -1;
        int nextSlot;
        int maxSlot;
        int loopDepth;

        Scope(String ns, Rule rule, int first, int count, Map<String, Integer> ruleNames, Set<String> imports, Problems problems) {
            this.ns = ns;
            this.rule = rule;
            this.first = first;
            this.count = count;
            this.ruleNames = ruleNames;
            this.imports = imports;
            this.problems = problems;
        }

        int allocSlot() {
            int s = nextSlot++;
            maxSlot = Math.max(maxSlot, nextSlot);
            return s;
        }
    }
}
