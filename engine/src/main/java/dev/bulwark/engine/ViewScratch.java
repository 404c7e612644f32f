package dev.bulwark.engine;

/**
 * The array for the normalised text view of a scan (target 7), kept by the
 * (platform) thread for its next scan: every text layer would otherwise allocate and zero a new array of its
 * size, which on a stream of source files and archive members costs as much as normalising. One holder per
 * scan, taken from the thread at the start and given back at the end; a nested scan on the same thread
 * finds the slot empty and uses its own.
 */
final class ViewScratch {
    /**
     * Arrays above this size are not kept by the thread after its scan: at most four such arrays (4 MiB)
     * stay with each scanning thread, as the scanner's read buffer does (Scanner.SCRATCH_LIMIT); with the member
     * buffers and the HTML normaliser's arrays at most about 8 MiB.
     */
    private static final int KEEP_LIMIT = 1 << 20;
    private static final ThreadLocal<ViewScratch[]> SLOT = ThreadLocal.withInitial(() -> new ViewScratch[1]);

    private byte[] text = new byte[0];
    /** The HTML normaliser's arrays (its result is used before the next layer's normalisation). */
    final dev.bulwark.engine.normalize.HtmlNormalizer.Scratch html = new dev.bulwark.engine.normalize.HtmlNormalizer.Scratch();
    /**
     * Read buffers for members pulled out of a decoding stream ({@link LayerContext#fromStream}), one per depth
     * of the parent layer: the members of one archive are read one after the other into the same array, which
     * stays in the cache, instead of a new zeroed array each (a zip of 15,000 sources allocated 230 MB).
     */
    private byte[][] members = new byte[MEMBER_DEPTHS][];
    /**
     * Depths with a member buffer kept (a deeper parent allocates, as before): archives in archives in archives are
     * rare, and each kept buffer may hold up to KEEP_LIMIT bytes per scanning thread (a daemon has several).
     */
    private static final int MEMBER_DEPTHS = 4;

    private ViewScratch() {}

    /** The calling thread's holder (emptying its slot), or a new one. */
    static ViewScratch take() {
        if (Thread.currentThread().isVirtual()) return new ViewScratch();
        ViewScratch[] slot = SLOT.get();
        ViewScratch s = slot[0];
        slot[0] = null;
        return s != null ? s : new ViewScratch();
    }

    /** Gives the holder back to the calling thread, without arrays too large to keep. */
    void give() {
        if (Thread.currentThread().isVirtual()) return;
        if (text.length > KEEP_LIMIT) text = new byte[0];
        for (int d = 0; d < MEMBER_DEPTHS; d++) if (members[d] != null && members[d].length > KEEP_LIMIT) members[d] = null;
        SLOT.get()[0] = this;
    }

    /**
     * The member buffer kept for parents at {@code depth}, at least {@code n} bytes long, taken out (a nested
     * read at the same depth finds none), or null; give it back with {@link #giveMember}.
     */
    byte[] takeMember(int depth, int n) {
        if (depth < 0 || depth >= MEMBER_DEPTHS) return null;
        byte[] b = members[depth];
        if (b == null || b.length < n) return null;
        members[depth] = null;
        return b;
    }

    /** Keeps {@code b} (a member's read buffer, no longer referenced) for the next member at {@code depth}. */
    void giveMember(int depth, byte[] b) {
        if (depth < 0 || depth >= MEMBER_DEPTHS || b.length > KEEP_LIMIT) return;
        if (members[depth] == null || members[depth].length < b.length) members[depth] = b;
    }

    /** An array of at least {@code n} bytes for the text view (valid until the next call). */
    byte[] text(int n) {
        if (text.length < n) text = new byte[n];
        return text;
    }
}
