package dev.bulwark.engine;

import dev.bulwark.engine.exe.ExeInfo;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.ChildInfo;
import java.nio.ByteBuffer;

/**
 * ClamAV's embedded-executable carving (clamav-notes §5.1): inside MSEXE, ZIP and OLE2 layers, the
 * first later "MZ" whose PE header parses starts a child layer that runs to the end of the parent;
 * further executables are found by the same step in that child (bounded by the recursion limit).
 */
final class EmbeddedPe {
    /** "MZ" candidates examined per layer: a file full of "MZ" bytes must not cost a parse each. */
    private static final int MAX_CANDIDATES = 4096;
    /** Smallest DOS header that can point at a PE header. */
    private static final int MIN_HEADER = 0x40;

    private EmbeddedPe() {}

    static boolean applies(FileType t) {
        return t == FileType.MSEXE || t == FileType.ZIP || t == FileType.MSOLE2;
    }

    /** Carves and scans embedded executables of {@code l}; returns false when the scan must stop. */
    static boolean carve(ScanJob job, LayerImpl l) {
        ByteBuffer d = l.data;
        int n = d.limit();
        if (n - 1 > job.lim.maxEmbeddedPe() + 1 || n < MIN_HEADER * 2) return true;
        LayerContext ctx = new LayerContext(job, l);
        int candidates = 0;
        for (int i = 1; i + MIN_HEADER <= n; i++) {
            if (d.get(i) != 'M' || d.get(i + 1) != 'Z') continue;
            if (++candidates > MAX_CANDIDATES) break;
            long lfanew = d.getInt(i + 0x3C) & 0xFFFFFFFFL;
            if (lfanew < MIN_HEADER || i + lfanew + 4 > n) continue;
            int pe = (int) (i + lfanew);
            if (d.get(pe) != 'P' || d.get(pe + 1) != 'E' || d.get(pe + 2) != 0 || d.get(pe + 3) != 0) continue;
            ByteBuffer tail = d.slice(i, n - i);
            if (ExeInfo.parsePe(tail) == null) continue;
            return ctx.child(new ChildInfo("", FileType.MSEXE, -1, -1, false, 1, -1).withCarved(), tail);
        }
        return true;
    }
}
