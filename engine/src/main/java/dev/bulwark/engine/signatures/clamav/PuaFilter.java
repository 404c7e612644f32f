package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.LoadOptions;
import java.util.List;

/**
 * ClamAV's PUA category filter ({@code --exclude-pua}/{@code --include-pua}, {@code ExcludePUA}/{@code IncludePUA}),
 * applied while loading the PUA databases ({@code .hdu .hsu .mdu .msu .ndu .ldu}, also inside containers).
 *
 * <p>The categories given are joined into one key {@code .A.B.} and a signature's category part is the text
 * of its name from the dot after {@code PUA} up to and including the last dot ({@code PUA.Win.Packer.X-1}
 * has {@code .Win.Packer.}). A signature matches when the whole key occurs in that part, so several
 * categories match only names that carry them consecutively, exactly as libclamav does. In a PUA database
 * under a filter, names without the {@code PUA.} prefix, without a second dot, or with a category part
 * too long for ClamAV's 32-byte buffer are skipped in both modes.
 */
final class PuaFilter {
    /** ClamAV copies the category part into a 32-byte buffer and skips names whose part would not fit. */
    private static final int CATEGORY_BUFFER = 32;

    private final String key;
    private final boolean include;

    private PuaFilter(String key, boolean include) {
        this.key = key;
        this.include = include;
    }

    /** The filter the options ask for, or null when PUA databases are loaded whole (or not at all). */
    static PuaFilter of(LoadOptions o) {
        if (!o.detectPua()) return null;
        if (!o.includePua().isEmpty()) return new PuaFilter(key(o.includePua()), true);
        if (!o.excludePua().isEmpty()) return new PuaFilter(key(o.excludePua()), false);
        return null;
    }

    private static String key(List<String> cats) {
        StringBuilder sb = new StringBuilder();
        for (String c : cats) sb.append('.').append(c);
        return sb.append('.').toString();
    }

    /** True when the signature called {@code name} is not loaded. */
    boolean skip(String name) {
        if (!name.startsWith("PUA.")) return true;
        // positions below are relative to the dot after "PUA", as in libclamav
        int first = name.indexOf('.', 4);
        if (first < 0) return true;
        int last = name.lastIndexOf('.');
        if (first - 3 + 2 > CATEGORY_BUFFER || last - 3 + 2 > CATEGORY_BUFFER) return true;
        boolean found = name.substring(3, last + 1).contains(key);
        return include != found;
    }
}
