package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.archivecommon.Emit;
import java.nio.ByteBuffer;

/**
 * Decompresses the members of one archive, keeping the codec state between members of a solid
 * archive. The window never grows past the dictionary size nor past the scan size limit (rounded down to
 * a power of two, at most 1 GiB), and the whole stream decodes at most MaxScanSize bytes, so lying
 * dictionary or unpacked sizes cost nothing beyond the limits.
 */
final class Unpacker {
    /** Largest window array (Java arrays are int-indexed; RAR 5 dictionaries may claim 4 GiB). */
    private static final long MAX_WINDOW = 1L << 30;
    /** Smallest window (RAR 4's smallest dictionary). */
    private static final long MIN_WINDOW = 1L << 16;

    private final ExtractContext ctx;
    private final Codec.Factory factory;
    private final int maxFilter;
    private final boolean chainFilters;
    private Window window;
    private Codec codec;
    private MemberStream previous;
    /** The codec holds the state of the previous member, so a solid member can follow. */
    private boolean chain;

    Unpacker(ExtractContext ctx, Codec.Factory factory, int maxFilter, boolean chainFilters) {
        this.ctx = ctx;
        this.factory = factory;
        this.maxFilter = maxFilter;
        this.chainFilters = chainFilters;
    }

    /** Encrypted members (or headers, with their placeholder member) seen so far. */
    private int encrypted;

    /** An encrypted member or header block: announced (when given) and counted; it also breaks the solid chain. */
    boolean encrypted(ChildInfo info) {
        encrypted++;
        chain = false;
        return info == null || ctx.announce(info) && !ctx.stopped();
    }

    /**
     * After the walk: like ClamAV's RAR scanner, one {@code Heuristics.Encrypted.RAR} for the whole
     * archive, only when the user asked and the scan found nothing else (it has not stopped).
     */
    void finish() {
        if (encrypted > 0 && !ctx.stopped() && ctx.options().alert(dev.bulwark.engine.ScanOptions.Alert.ENCRYPTED_ARCHIVE)) {
            ctx.heuristic(RarExtractor.ENCRYPTED);
        }
    }

    /** A member that is not decoded (encrypted, unsupported method) breaks the solid chain. */
    void skipped() { chain = false; }

    /**
     * Decodes and scans one member.
     *
     * @param dictionary the dictionary size the header claims
     * @return false when the extractor must stop
     */
    boolean member(ByteBuffer b, ChildInfo info, long data, long packed, long dictionary, boolean solid) {
        String what = "rar: member " + info.position() + " (" + info.name() + ")";
        if (solid && !chain) {
            ctx.note(what + " continues a solid stream that was not decoded: not extracted");
            return ctx.announce(info) && !ctx.stopped();
        }
        chain = false;
        try {
            if (solid && previous != null) previous.skipRest();
            previous = null;
            int size = windowSize(dictionary);
            if (window == null || (!solid && window.maxSize() != size)) {
                long maxTotal = ctx.limits().maxScanSize();
                window = new Window(size, maxTotal, maxFilter, chainFilters);
                codec = factory.create(window, codec);
            } else if (size > window.maxSize()) {
                window.raiseMax(size);
            }
            codec.startMember(b, data, packed, info.declaredSize(), solid);
        } catch (RuntimeException e) {
            ctx.note(what + ": " + e.getMessage() + ": not extracted");
            return ctx.announce(info) && !ctx.stopped();
        }
        MemberStream s = new MemberStream(window, codec, codec.runner(), info.declaredSize());
        boolean go = Emit.stream(ctx, "rar", info, s, packed);
        s.check(ctx, info.position(), info.name(), info.crc32());
        previous = s;
        chain = !s.failed();
        return go;
    }

    /**
     * The dictionary rounded up to a power of two, but never above MaxScanSize rounded down to one:
     * the window array never exceeds the scan budget, whatever the header claims.
     */
    private int windowSize(long dictionary) {
        long cap = Math.min(MAX_WINDOW, Long.highestOneBit(Math.max(MIN_WINDOW, ctx.limits().maxScanSize())));
        long want = Math.max(dictionary, MIN_WINDOW);
        long p = Long.highestOneBit(want);
        if (p < want) p <<= 1;
        return (int) Math.min(p, cap);
    }
}
