package dev.bulwark.engine.signatures.yara;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.signatures.yara.modules.Modules;
import dev.bulwark.engine.signatures.yara.modules.ScanInput;
import dev.bulwark.engine.signatures.yara.modules.YaraFunction;
import java.util.List;
import java.util.Map;

/**
 * Jazzer fuzz tests of the macho, dex, dotnet and magic module parsers (and pe's Authenticode reader through the
 * pe module). Seeds in FormatModulesFuzzTestInputs/&lt;method&gt;/ (crafted by seeds/make_module_seeds.py) replay in
 * the normal build. A module must never throw on any input: every field it cannot read is left out. (Functions
 * called with arguments of the wrong number or type may throw ClassCastException / IndexOutOfBoundsException,
 * which the evaluator turns into undefined; nothing else.)
 */
class FormatModulesFuzzTest {
    private static final Object[][] CALLS = {{}, {7L}, {7L, 3L}, {0x01000007L}, {"<init>".getBytes()}, {"a".getBytes(), "b".getBytes()}};

    /** Loads the module and walks everything it produced, calling every function with a few argument lists. */
    static int exercise(String module, byte[] data) {
        Map<String, Object> m = Modules.get(module).load(new ScanInput(data, 0, data.length));
        return walk(m, new ScanInput(data, 0, data.length), 0);
    }

    private static int walk(Object v, ScanInput in, int depth) {
        int n = 1;
        if (v instanceof Map<?, ?> m) {
            for (Object o : m.values()) n += walk(o, in, depth + 1);
        } else if (v instanceof List<?> l) {
            for (Object o : l) n += walk(o, in, depth + 1);
        } else if (v instanceof YaraFunction f) {
            for (Object[] a : CALLS) {
                Object r;
                try {
                    r = f.call(in, a);
                } catch (ClassCastException | IndexOutOfBoundsException e) {
                    continue; // arguments of the wrong number or type: the evaluator makes the call undefined
                }
                walk(r, in, depth + 1);
            }
        }
        return n;
    }

    @FuzzTest(maxDuration = "60s")
    void macho(byte[] data) {
        exercise("macho", data);
    }

    @FuzzTest(maxDuration = "60s")
    void dex(byte[] data) {
        exercise("dex", data);
    }

    @FuzzTest(maxDuration = "60s")
    void dotnet(byte[] data) {
        exercise("dotnet", data);
    }

    @FuzzTest(maxDuration = "60s")
    void magic(byte[] data) {
        exercise("magic", data);
    }

    @FuzzTest(maxDuration = "60s")
    void signatures(byte[] data) {
        exercise("pe", data);
    }
}
