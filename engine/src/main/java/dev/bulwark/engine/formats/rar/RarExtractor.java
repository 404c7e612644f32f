package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.nio.ByteBuffer;

/**
 * RAR 1.5-4.x and RAR 5 archives: every member is reported with ClamAV's metadata (name, packed and
 * unpacked size, encrypted flag, CRC); stored members are extracted, compressed ones decoded by our
 * own decoders (RAR 5; RAR 2.9-4.x LZ and PPMd H with the standard filters; not RAR 1.5/2.0).
 * Encrypted members or headers are not decrypted; as ClamAV does, one {@code Heuristics.Encrypted.RAR}
 * is raised at the end when asked and nothing else was found.
 */
public final class RarExtractor implements Extractor {
    static final String ENCRYPTED = "Heuristics.Encrypted.RAR";
    /** Headers walked per archive: each is at least 7 bytes, this only bounds pathological files. */
    static final int MAX_HEADERS = 1 << 20;
    private static final byte[] SIG = {'R', 'a', 'r', '!', 0x1a, 0x07};

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        int start = Bytes.indexOf(b, SIG, 0, b.limit()); // 0 unless an SFX stub precedes the archive
        if (start < 0 || !Bytes.has(b, start, 8)) {
            ctx.note("rar: no signature");
            return;
        }
        Unpacker unpacker = null;
        try {
            if (b.get(start + 6) == 0) {
                unpacker = new Unpacker(ctx, Rar3Decoder::new, Rar3Filters.VM_MEMORY, true);
                Rar4.walk(b, start + 7, ctx, unpacker);
            } else if (b.get(start + 6) == 1 && b.get(start + 7) == 0) {
                unpacker = new Unpacker(ctx, (w, previous) -> new Rar5Decoder(w), Rar5Decoder.MAX_FILTER, false);
                Rar5.walk(b, start + 8, ctx, unpacker);
            } else {
                ctx.note("rar: unknown version");
            }
        } catch (MalformedException e) {
            ctx.note("rar: " + e.getMessage());
        }
        if (unpacker != null) unpacker.finish();
    }

    /** Reports one member: stored and unencrypted ones are extracted, the rest announced. */
    static boolean member(ByteBuffer b, ExtractContext ctx, ChildInfo info, long data, long packed, boolean stored, boolean directory) {
        if (directory) return !ctx.stopped();
        if (info.encrypted()) return ctx.announce(info) && !ctx.stopped();
        if (!stored || packed <= 0) {
            if (!stored) ctx.note("rar: member " + info.position() + " (" + info.name() + ") is compressed: not extracted");
            return ctx.announce(info) && !ctx.stopped();
        }
        ByteBuffer slice = Bytes.slice(b, data, Math.min(packed, info.declaredSize() >= 0 ? info.declaredSize() : packed));
        if (slice.remaining() < Math.min(packed, info.declaredSize())) ctx.note("rar: member " + info.position() + " truncated");
        return ctx.child(info, slice) && !ctx.stopped();
    }
}
