package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.archivecommon.BulkInputStream;
import java.util.zip.CRC32;

/**
 * One member's decoded bytes, pulled from a codec through its window. Keeps the CRC32 of what it
 * handed out so a complete member can be checked against the header (a mismatch is a note).
 */
final class MemberStream extends BulkInputStream {
    private final Window w;
    private final Window.Source src;
    private final Window.FilterRunner runner;
    private final long declared;
    private final CRC32 crc = new CRC32();
    private long produced;
    private boolean done;
    private boolean failed;

    MemberStream(Window w, Window.Source src, Window.FilterRunner runner, long declared) {
        this.w = w;
        this.src = src;
        this.runner = runner;
        this.declared = declared;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (done || len == 0) return done ? -1 : 0;
        int n;
        try {
            n = w.read(b, off, len, src, runner);
        } catch (RuntimeException e) {
            failed = true;
            throw e;
        }
        if (n < 0) {
            done = true;
            return -1;
        }
        crc.update(b, off, n);
        produced += n;
        return n;
    }

    /** True when decoding failed: the codec state cannot carry a solid stream further. */
    boolean failed() { return failed; }

    /** Decodes what the scan did not read, so the next member of a solid stream starts in the right state. */
    void skipRest() { w.skipRest(src, runner); }

    /** Notes a short member or a CRC mismatch once the member was read to its end. */
    void check(ExtractContext ctx, int position, String name, long expectedCrc) {
        if (!done) return;
        if (declared >= 0 && produced < declared) {
            ctx.note("rar: member " + position + " (" + name + ") ends after " + produced + " of " + declared + " bytes");
        } else if (expectedCrc >= 0 && crc.getValue() != expectedCrc) {
            ctx.note("rar: member " + position + " (" + name + ") CRC mismatch");
        }
    }
}
