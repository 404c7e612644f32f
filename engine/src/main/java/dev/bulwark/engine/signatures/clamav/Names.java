package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.match.FlatIO;
import dev.bulwark.engine.match.IntList;
import dev.bulwark.engine.match.SpillFile;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Signature names as one front-coded byte blob: names are stored in blocks of {@link #BLOCK}; the
 * first of a block in full, each following one as (bytes shared with the previous name, suffix); each
 * name's length varint carries in its low bit whether {@link #UNOFFICIAL} follows the stored text.
 * Generated and curated databases name signatures in long runs ("Win.Trojan.Agent-1234567", ...), so
 * four million names take tens of megabytes instead of hundreds as {@code String}s. A name is decoded
 * only when it is reported. Backed by heap arrays after a text load, or by slices of the mapping when
 * read from a snapshot; decoding is bounds-checked, so a crafted snapshot yields a placeholder name,
 * never an exception.
 */
public final class Names {
    /** Names per front-coded block: decoding one name walks at most this many entries. */
    static final int BLOCK = 16;
    /** Longest name kept (ClamAV names are far shorter; longer ones are cut). */
    static final int MAX_NAME = 4096;
    /**
     * The suffix the loader gives names from unofficial databases: stored as one bit, not as text (it
     * was two thirds of the table for a generated database, whose names differ only in a number).
     */
    static final String UNOFFICIAL = ".UNOFFICIAL";
    private static final byte[] UNOFFICIAL_BYTES = UNOFFICIAL.getBytes(StandardCharsets.UTF_8);
    /** Reported for an entry a corrupt snapshot cannot decode. */
    static final String UNREADABLE = "Bulwark.Snapshot.UnreadableName";

    private final ByteBuffer blob;
    private final IntBuffer blocks;
    private final int count;
    /** (large12) Checksums the blob's blocks are checked against on first decoding, and its file offset; or null. */
    private dev.bulwark.engine.match.Blocks lazy;
    private long blobFileAt;

    private Names(ByteBuffer blob, IntBuffer blocks, int count) {
        this.blob = blob;
        this.blocks = blocks;
        this.count = count;
    }

    public int size() { return count; }

    /** The name of entry {@code i} (0 <= i < size()). */
    public String get(int i) {
        if (i < 0 || i >= count) throw new IndexOutOfBoundsException(i);
        try {
            int[] at = {blocks.get(i / BLOCK)};
            if (lazy != null) {
                // the front-coded block's bytes: up to the next block's start (or the blob's end)
                int next = i / BLOCK + 1 < blocks.limit() ? blocks.get(i / BLOCK + 1) : blob.limit();
                int from = Math.max(0, Math.min(at[0], blob.limit())), to = Math.max(from, Math.min(next, blob.limit()));
                if (!lazy.need(blobFileAt + from, to - from)) return UNREADABLE; // the damage fails the scan
            }
            byte[] cur = new byte[64];
            int len = 0, code = 0;
            for (int j = 0; j <= i % BLOCK; j++) {
                int shared = j == 0 ? 0 : varint(at);
                code = varint(at);
                int suffix = code >>> 1;
                if (shared > len || code < 0 || shared + suffix > MAX_NAME) return UNREADABLE;
                if (cur.length < shared + suffix) cur = Arrays.copyOf(cur, Math.max(shared + suffix, cur.length * 2));
                blob.get(at[0], cur, shared, suffix);
                at[0] += suffix;
                len = shared + suffix;
            }
            String name = new String(cur, 0, len, StandardCharsets.UTF_8);
            return (code & 1) != 0 ? name + UNOFFICIAL : name;
        } catch (IndexOutOfBoundsException e) {
            return UNREADABLE;
        }
    }

    /** Whether entry {@code i} is a weak (potentially unwanted) indicator, see {@link SignatureSet#isWeak}. */
    public boolean weak(int i) {
        return SignatureSet.isWeak(get(i));
    }

    private int varint(int[] at) {
        int v = 0;
        for (int shift = 0; shift < 28; shift += 7) {
            int b = blob.get(at[0]++);
            v |= (b & 0x7F) << shift;
            if (b >= 0) return v;
        }
        return -1;
    }

    public void write(FlatIO.Writer out) {
        if (lazy != null && !lazy.need(blobFileAt, blob.limit())) throw new IllegalArgumentException("invalid snapshot: a block of a name table failed its checksum");
        out.i32(count);
        out.ints(blocks);
        out.bytes(blob);
    }

    /** Reads what {@link #write} wrote, as views of the reader's buffer. */
    public static Names read(FlatIO.Reader in) {
        int count = in.i32();
        IntBuffer blocks = in.intsView();
        ByteBuffer blob = in.bytesView();
        if (count < 0 || blocks.limit() != (count + BLOCK - 1) / BLOCK) throw new IllegalArgumentException("inconsistent name table");
        Names names = new Names(blob, blocks, count);
        if (in instanceof dev.bulwark.engine.match.FlatBuffers.In f && f.blocks() != null) {
            // (large12) a one-shot scan of a mapped snapshot checks the blob's blocks when it first decodes a name there
            names.lazy = f.blocks();
            names.blobFileAt = f.fileOffset() - blob.limit();
            names.lazy.lazy(names.blobFileAt, blob.limit());
        }
        return names;
    }

    public static Builder builder() { return new Builder(SPILL_ABOVE); }

    /** A builder that moves its table to a temporary file past {@code spillAbove} bytes (tests). */
    static Builder builder(int spillAbove) { return new Builder(spillAbove); }

    /**
     * Bytes of encoded names held on the heap before the table goes to a temporary file (written as it
     * grows, mapped when built; see {@link SpillFile}): four million hash signature names take ~18 MB.
     */
    static final int SPILL_ABOVE = 4 << 20;

    public static final class Builder {
        private final int spillAbove;
        private byte[] blob = new byte[1 << 10];
        /** Bytes in {@link #blob}; {@link #base} bytes before them are in {@link #spill}. */
        private int used;
        private long base;
        private SpillFile spill;
        private boolean noSpill;

        Builder(int spillAbove) {
            this.spillAbove = spillAbove;
        }
        private final IntList blocks = new IntList();
        /** The previous name's stored text (the first {@code prevLen} bytes). */
        private byte[] prev = new byte[64];
        private int prevLen;
        private int count;

        /** Appends a name and returns its index. */
        public int add(String name) {
            byte[] b = name.getBytes(StandardCharsets.UTF_8);
            if (b.length > MAX_NAME) return append(b, 0, MAX_NAME, 0);
            if (endsUnofficial(b, 0, b.length)) return append(b, 0, b.length - UNOFFICIAL_BYTES.length, 1);
            return append(b, 0, b.length, 0);
        }

        /**
         * Appends the name in {@code b[off, off + len)} (UTF-8), with {@link #UNOFFICIAL} after it when
         * {@code unofficial}: the same entry as {@link #add(String)} of that text, without making it.
         */
        public int add(byte[] b, int off, int len, boolean unofficial) {
            if (!unofficial) {
                if (len > MAX_NAME) return append(b, off, MAX_NAME, 0);
                if (endsUnofficial(b, off, len)) return append(b, off, len - UNOFFICIAL_BYTES.length, 1);
                return append(b, off, len, 0);
            }
            if (len + UNOFFICIAL_BYTES.length > MAX_NAME) {
                // cut like the whole text would be (rare: a name of about 4 KiB)
                byte[] whole = Arrays.copyOf(Arrays.copyOfRange(b, off, off + len), len + UNOFFICIAL_BYTES.length);
                System.arraycopy(UNOFFICIAL_BYTES, 0, whole, len, UNOFFICIAL_BYTES.length);
                return append(whole, 0, MAX_NAME, 0);
            }
            return append(b, off, len, 1);
        }

        private static boolean endsUnofficial(byte[] b, int off, int len) {
            return len > UNOFFICIAL_BYTES.length && Arrays.equals(b, off + len - UNOFFICIAL_BYTES.length, off + len,
                    UNOFFICIAL_BYTES, 0, UNOFFICIAL_BYTES.length);
        }

        /** Appends stored text {@code b[off, off + len)} with its suffix flag. */
        private int append(byte[] b, int off, int len, int flag) {
            int shared = 0;
            if (count % BLOCK == 0) {
                if (base + used > Integer.MAX_VALUE - 2 * MAX_NAME) throw new IllegalArgumentException("signature names too large");
                blocks.add((int) (base + used));
            } else {
                shared = Arrays.mismatch(prev, 0, prevLen, b, off, off + len);
                if (shared < 0) shared = len;
                varint(shared);
            }
            varint((len - shared) << 1 | flag);
            ensure(len - shared);
            System.arraycopy(b, off + shared, blob, used, len - shared);
            used += len - shared;
            if (prev.length < len) prev = new byte[Math.max(len, prev.length * 2)];
            System.arraycopy(b, off, prev, 0, len);
            prevLen = len;
            return count++;
        }

        public int size() { return count; }

        /** Bytes of the encoded table so far. */
        public int bytes() { return (int) (base + used); }

        /**
         * Makes room for {@code more} further bytes at once (see {@code HashIndex.Builder.reserve}); nothing
         * for a table that will go to a temporary file instead.
         */
        public void reserve(int more) {
            long want = Math.min((long) used + Math.max(0, more), Integer.MAX_VALUE - 64);
            if (want > spillAbove && !noSpill) return;
            if (want > blob.length) blob = Arrays.copyOf(blob, (int) want);
        }

        private void varint(int v) {
            ensure(5);
            while (v >= 0x80) {
                blob[used++] = (byte) (v | 0x80);
                v >>>= 7;
            }
            blob[used++] = (byte) v;
        }

        private void ensure(int n) {
            if (used + n <= blob.length) return;
            if (spill == null && !noSpill && used >= spillAbove) {
                try {
                    spill = SpillFile.open();
                } catch (java.io.IOException e) {
                    noSpill = true;
                }
            }
            if (spill != null) {
                // the held bytes go to the file; offsets (base + used) stay the same
                spill.write(blob, 0, used);
                base += used;
                used = 0;
                if (n > blob.length) blob = new byte[n];
                return;
            }
            blob = Arrays.copyOf(blob, Math.max(used + n, blob.length * 2));
        }

        public Names build() {
            if (spill != null) {
                spill.write(blob, 0, used);
                ByteBuffer mapped = spill.map();
                spill = null;
                blob = new byte[0];
                used = 0;
                return new Names(mapped, IntBuffer.wrap(blocks.toArray()), count);
            }
            // a table within 1/16 of its capacity keeps its array (a copy would double it for a moment);
            // later additions write only past `used`, so sharing it with the builder is safe
            byte[] b = blob.length - used > blob.length >>> 4 ? Arrays.copyOf(blob, used) : blob;
            return new Names(ByteBuffer.wrap(b, 0, used).slice(), IntBuffer.wrap(blocks.toArray()), count);
        }
    }
}
