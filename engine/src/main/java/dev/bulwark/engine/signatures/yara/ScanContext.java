package dev.bulwark.engine.signatures.yara;

import dev.bulwark.engine.signatures.yara.modules.ExeEntry;
import dev.bulwark.engine.signatures.yara.modules.Modules;
import dev.bulwark.engine.signatures.yara.modules.ScanInput;
import dev.bulwark.engine.signatures.yara.modules.YaraModule;
import dev.bulwark.engine.signatures.yara.re.VmScratch;
import java.util.HashMap;
import java.util.Map;

/** Everything one scan needs that changes: the data, the match lists, loop variables, rule results, module data. */
final class ScanContext {
    final byte[] data;
    final int off;
    final int len;
    final Matches matches;
    final VmScratch vm;
    final Object[] vars;
    private final byte[] ruleState;
    private final Map<String, Object> modules = new HashMap<>();
    private ScanInput input;
    private Object entrypoint;
    private boolean entrypointDone;

    ScanContext(byte[] data, int off, int len, Matches matches, VmScratch vm, int slots, int rules) {
        this.data = data;
        this.off = off;
        this.len = len;
        this.matches = matches;
        this.vm = vm;
        this.vars = new Object[Math.max(1, slots)];
        this.ruleState = new byte[rules];
    }

    ScanInput input() {
        if (input == null) input = new ScanInput(data, off, len);
        return input;
    }

    void setRule(int i, boolean v) {
        ruleState[i] = (byte) (v ? 1 : 2);
    }

    boolean ruleResult(int i) {
        return ruleState[i] == 1;
    }

    Object module(String name) {
        if (!modules.containsKey(name)) {
            YaraModule m = Modules.get(name);
            Object v;
            try {
                v = m == null ? null : m.load(input());
            } catch (RuntimeException e) {
                v = null; // a module that cannot make sense of the data leaves everything undefined
            }
            modules.put(name, v);
        }
        return modules.get(name);
    }

    Object entrypoint() {
        if (!entrypointDone) {
            entrypointDone = true;
            long e = ExeEntry.fileOffset(input());
            entrypoint = e < 0 ? null : e;
        }
        return entrypoint;
    }
}
