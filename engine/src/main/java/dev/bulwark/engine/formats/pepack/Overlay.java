package dev.bulwark.engine.formats.pepack;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import java.nio.ByteBuffer;
import java.util.HexFormat;

/**
 * Finds the payload of an NSIS or AutoIt installer inside a PE and hands it on as a NULSFT or AUTOIT
 * layer, at the offsets ClamAV's embedded-type table gives them: NSIS from the flags word 4 bytes
 * before its first-header magic, AutoIt from its 16-byte GUID. This stands in for the scanner's
 * generic embedded-type discovery; once that creates these layers for MSEXE, this class goes.
 */
final class Overlay {
    private static final byte[] NSIS_MAGIC = HexFormat.of().parseHex("efbeadde4e756c6c736f6674496e7374");
    private static final byte[] AUTOIT_GUID = HexFormat.of().parseHex("a3484bbe986c4aa9994c530a86d6487d41553321454130");
    /** The NSIS layer starts at the header's flags word, before the magic. */
    private static final int NSIS_FLAGS = 4;
    /** Bytes searched per bulk copy. */
    private static final int CHUNK = 64 << 10;

    private Overlay() {}

    private static boolean at(byte[] b, int n, int off, byte[] p) {
        if (off + p.length > n) return false;
        for (int j = 1; j < p.length; j++) if (b[off + j] != p[j]) return false;
        return true;
    }

    static boolean emit(ByteBuffer b, PeHeaders h, ExtractContext ctx) {
        int from = Math.min(b.limit(), h.sectionTable() + h.sections() * PeHeaders.SECTION_HEADER);
        int nsis = -1, au = -1;
        // one pass for both magics, over bulk-copied chunks (a per-byte buffer read costs several times more)
        byte[] chunk = new byte[CHUNK + AUTOIT_GUID.length];
        for (int base = from; base < b.limit() && (nsis < 0 || au < 0); base += CHUNK) {
            int n = Math.min(chunk.length, b.limit() - base);
            b.get(base, chunk, 0, n);
            for (int i = 0, end = Math.min(n, CHUNK); i < end; i++) {
                byte c = chunk[i];
                if (c == NSIS_MAGIC[0] && nsis < 0 && at(chunk, n, i, NSIS_MAGIC)) nsis = base + i;
                else if (c == AUTOIT_GUID[0] && au < 0 && at(chunk, n, i, AUTOIT_GUID)) au = base + i;
            }
        }
        if (nsis >= NSIS_FLAGS + 1) {
            int start = nsis - NSIS_FLAGS;
            if (!ctx.child(new ChildInfo("", FileType.NULSFT, -1, -1, false, 1, -1), Bytes.slice(b, start, b.limit() - start))) {
                return false;
            }
        }
        if (au >= 0 && au + AUTOIT_GUID.length < b.limit()) {
            byte v = b.get(au + AUTOIT_GUID.length);
            if (v == '5' || v == '6') {
                return ctx.child(new ChildInfo("", FileType.AUTOIT, -1, -1, false, 1, -1), Bytes.slice(b, au, b.limit() - au));
            }
        }
        return !ctx.stopped();
    }
}
