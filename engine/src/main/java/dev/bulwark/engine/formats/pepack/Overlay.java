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

    static boolean emit(ByteBuffer b, PeHeaders h, ExtractContext ctx) {
        int from = Math.min(b.limit(), h.sectionTable() + h.sections() * PeHeaders.SECTION_HEADER);
        int nsis = Bytes.indexOf(b, NSIS_MAGIC, from, b.limit());
        if (nsis >= NSIS_FLAGS + 1) {
            int start = nsis - NSIS_FLAGS;
            if (!ctx.child(new ChildInfo("", FileType.NULSFT, -1, -1, false, 1, -1), Bytes.slice(b, start, b.limit() - start))) {
                return false;
            }
        }
        int au = Bytes.indexOf(b, AUTOIT_GUID, from, b.limit());
        if (au >= 0 && au + AUTOIT_GUID.length < b.limit()) {
            byte v = b.get(au + AUTOIT_GUID.length);
            if (v == '5' || v == '6') {
                return ctx.child(new ChildInfo("", FileType.AUTOIT, -1, -1, false, 1, -1), Bytes.slice(b, au, b.limit() - au));
            }
        }
        return !ctx.stopped();
    }
}
