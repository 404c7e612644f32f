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

    private Overlay() {}

    private static boolean at(ByteBuffer b, int off, byte[] p) {
        if (off + p.length > b.limit()) return false;
        for (int j = 1; j < p.length; j++) if (b.get(off + j) != p[j]) return false;
        return true;
    }

    static boolean emit(ByteBuffer b, PeHeaders h, ExtractContext ctx) {
        int from = Math.min(b.limit(), h.sectionTable() + h.sections() * PeHeaders.SECTION_HEADER);
        int nsis = -1, au = -1;
        // one pass for both magics (their first bytes differ), stopping once both are found
        for (int i = from, end = b.limit() - AUTOIT_GUID.length; i <= end && (nsis < 0 || au < 0); i++) {
            byte c = b.get(i);
            if (c == NSIS_MAGIC[0] && nsis < 0 && at(b, i, NSIS_MAGIC)) nsis = i;
            else if (c == AUTOIT_GUID[0] && au < 0 && at(b, i, AUTOIT_GUID)) au = i;
        }
        if (nsis < 0) { // the NSIS magic is shorter than the AutoIt one: it may sit in the last bytes
            int tail = Math.max(from, b.limit() - AUTOIT_GUID.length + 1);
            int n = Bytes.indexOf(b, NSIS_MAGIC, tail, b.limit());
            if (n >= 0) nsis = n;
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
