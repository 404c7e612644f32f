package dev.bulwark.engine.match;

import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * (large12) A snapshot's per-block checksums (format 13): the file up to its trailer is cut into blocks of
 * {@link #SIZE} bytes, each with its own CRC32. A one-shot scan of a large snapshot checks at load every block
 * but those inside the hash indexes' sized arrays, and checks those when a lookup first reads them: a scan that
 * looks up a thousand sizes reads a few megabytes of the indexes instead of all of them. A block that fails its
 * checksum is recorded as damage ({@link Damage}: the scan that met it, and every later one, fails as a
 * damaged database would) and the lookup that met it finds nothing. Thread-safe: a verified block is marked in
 * a byte array; a race only makes two threads check the same block.
 */
public final class Blocks {
    /** Bytes per block (a page: a lookup reads one or two blocks of each array). */
    public static final int SIZE = 4096;
    public static final int SHIFT = 12;
    private final ByteBuffer image;
    private final int[] crcs;
    private final long covered;
    /** 1 once a block's checksum matched. */
    private final byte[] ok;
    private volatile Damage damage;
    private volatile String failed;

    /** Blocks of {@code image} (the whole file, bytes [0, covered) checksummed) with their stored checksums. */
    public Blocks(ByteBuffer image, int[] crcs, long covered) {
        this.image = image;
        this.crcs = crcs;
        this.covered = covered;
        this.ok = new byte[crcs.length];
    }

    /** Blocks needed to cover {@code bytes} bytes. */
    public static int count(long bytes) {
        return (int) ((bytes + SIZE - 1) >>> SHIFT);
    }

    /** Where lazily found damage is recorded (the signature set's holder). */
    public void reportTo(Damage d) {
        damage = d;
        String f = failed;
        if (f != null) d.record("invalid snapshot: " + f);
    }

    /** Marks the blocks lying wholly inside {@code [from, from + len)} as lazily checked (state 2). */
    public void lazy(long from, long len) {
        int first = count(from), end = (int) ((from + len) >>> SHIFT);
        for (int k = first; k < end; k++) ok[k] = 2;
    }

    /** Whether block {@code k} is left to {@link #need}. */
    public boolean isLazy(int k) { return ok[k] == 2; }

    public int blocks() { return crcs.length; }

    /**
     * True when every block holding bytes {@code [from, from + len)} matches its checksum (checked now if not
     * before); false, with the damage recorded, when one does not.
     */
    public boolean need(long from, long len) {
        if (len <= 0) return true;
        int last = (int) ((from + len - 1) >>> SHIFT);
        for (int k = (int) (from >>> SHIFT); k <= last; k++) {
            if (ok[k] != 1 && !check(k)) return false;
        }
        return true;
    }

    /** Checks block {@code k} through the image. */
    private boolean check(int k) {
        if (failed != null) return false;
        long at = (long) k << SHIFT;
        int n = (int) Math.min(SIZE, covered - at);
        CRC32 c = new CRC32();
        c.update(image.slice((int) at, n));
        if ((int) c.getValue() != crcs[k]) {
            fail(k);
            return false;
        }
        ok[k] = 1;
        return true;
    }

    /** Records block {@code k} as damaged. */
    void fail(int k) {
        long at = (long) k << SHIFT;
        String m = message(k, at, Math.min(at + SIZE, covered));
        // (review15) the damage first, then failed: a thread that sees failed (check returns false, its lookup finds
        // nothing) must also see the damage when its scan ends (requireIntact), or it could report a missed hash clean
        Damage d = damage;
        if (d != null) d.record("invalid snapshot: " + m);
        if (failed == null) failed = m;
    }

    /** The refusal for a block that fails its checksum. */
    public static String message(int k, long from, long to) {
        return "checksum mismatch in block " + k + " (bytes " + from + "-" + to + "): the snapshot is corrupt; recompile it with bulwark db compile";
    }

    /** Marks block {@code k} as checked (by the loader's eager pass). */
    public void verified(int k) { ok[k] = 1; }

    /** Stored checksum of block {@code k}. */
    public int crc(int k) { return crcs[k]; }
}
