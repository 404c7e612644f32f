package dev.bulwark.engine.match;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * The encoded patterns a {@link PatternSet.Builder} collects, in the order they were added: in chunks on the
 * heap until they pass {@code spillAbove} bytes, then in a temporary file ({@link SpillFile}) chunk by chunk;
 * read back once, in order, when the set is built ({@link #reader}), each heap chunk released once read.
 */
final class PatternStore {
    /** Bytes per storage chunk of the encoded patterns: growth never copies what was stored. */
    private static final int CHUNK = 1 << 20;
    private final List<byte[]> chunks = new ArrayList<>();
    private int chunkUsed = CHUNK;
    private long stored;
    private final IntList lengths = new IntList();
    private final FlatBuffers.Out scratch = new FlatBuffers.Out(1 << 12);
    private final long spillAbove;
    /** The stored patterns' file once they passed {@link #spillAbove}, else null. */
    private SpillFile spill;
    /** Set when no temporary file could be made: everything stays on the heap. */
    private boolean noSpill;

    PatternStore(long spillAbove) {
        this.spillAbove = spillAbove;
    }

    /** Whether the stored patterns are in a temporary file. */
    boolean spilling() { return spill != null; }

    /** Bytes of encoded patterns stored. */
    long bytes() { return stored; }

    /** Encodes and stores a pattern. */
    void add(BodyPattern p) {
        if (p.encoded != null) {
            add(p.encoded, p.encoded.length); // as its parser encoded it: no view object per pattern
            return;
        }
        scratch.reset();
        PatternCodec.write(p, scratch);
        ByteBuffer w = scratch.written();
        byte[] a = new byte[w.remaining()];
        w.get(a);
        add(a, a.length);
    }

    private void add(byte[] a, int len) {
        lengths.add(len);
        stored += len;
        for (int off = 0; off < len; ) {
            if (chunkUsed == CHUNK) newChunk();
            int k = Math.min(len - off, CHUNK - chunkUsed);
            System.arraycopy(a, off, chunks.get(chunks.size() - 1), chunkUsed, k);
            chunkUsed += k;
            off += k;
        }
    }

    /**
     * Starts a new storage chunk; with a spill file, the full one is written there and its array reused
     * (so one chunk is on the heap, whatever the number of patterns).
     */
    private void newChunk() {
        chunkUsed = 0;
        if (chunks.isEmpty()) {
            chunks.add(new byte[CHUNK]);
            return;
        }
        if (spill == null && !noSpill && (long) chunks.size() * CHUNK >= spillAbove) {
            try {
                spill = SpillFile.open();
                for (int i = 0; i < chunks.size() - 1; i++) spill.write(chunks.get(i), 0, CHUNK);
                byte[] last = chunks.get(chunks.size() - 1);
                chunks.clear();
                chunks.add(last);
            } catch (java.io.IOException e) {
                noSpill = true;
            }
        }
        if (spill != null) spill.write(chunks.get(0), 0, CHUNK);
        else chunks.add(new byte[CHUNK]);
    }

    /** Reads the stored patterns back in order; once only (heap chunks are released as they are read). */
    Reader reader() {
        return new Reader();
    }

    /** Deletes the spill file, if any (after the reader is done). */
    void close() {
        if (spill != null) spill.close();
        spill = null;
    }

    /** Reads the stored patterns back in order, one at a time, releasing each chunk once read. */
    final class Reader {
        private int chunk, at, next, len;
        private byte[] one = new byte[256];
        /** The spill file's reader, or null when the patterns are in {@link #chunks}. */
        private final SpillFile.Reader file;

        private Reader() {
            if (spill != null) {
                spill.write(chunks.get(0), 0, chunkUsed);
                chunks.clear();
                file = spill.reader(1 << 20);
            } else {
                file = null;
            }
        }

        /** The encoding of the pattern {@link #next} returned last: valid until the next call. */
        byte[] record() { return one; }

        /** The length of {@link #record}. */
        int recordLength() { return len; }

        /** The next stored pattern, without its lazy parts ({@link BodyPattern#UNPLANNED}): for {@link AnchorPlanner#plan}. */
        BodyPattern next() {
            advance();
            return decode();
        }

        /** {@link #record} becomes the next stored pattern's encoding. */
        void advance() {
            len = lengths.get(next++);
            if (one.length < len) one = new byte[Math.max(len, one.length * 2)];
            if (file != null) {
                file.read(one, 0, len);
                return;
            }
            for (int got = 0; got < len; ) {
                if (at == CHUNK) {
                    chunks.set(chunk++, null);
                    at = 0;
                }
                int k = Math.min(len - got, CHUNK - at);
                System.arraycopy(chunks.get(chunk), at, one, got, k);
                at += k;
                got += k;
            }
        }

        /** {@link #record} decoded, as {@link #next} returns it. */
        BodyPattern decode() {
            return PatternCodec.read(new FlatBuffers.In(ByteBuffer.wrap(one, 0, len)), true);
        }
    }
}
