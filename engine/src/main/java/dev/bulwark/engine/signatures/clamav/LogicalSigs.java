package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.match.Damage;
import dev.bulwark.engine.match.FlatBuffers;
import dev.bulwark.engine.match.FlatIO;
import java.nio.ByteBuffer;
import java.nio.IntBuffer;

/**
 * The logical signatures of a {@link SignatureSet}, by id. Loaded from text they are all built at once; read
 * from a snapshot (format 10) each is decoded on its first use: a scan evaluates only the signatures one of
 * whose subsignatures matched (and the few that can be true without a match), so a run decodes a handful of
 * the large database's 20,000 instead of all of them at open (~25 ms of a snapshot's start-up, interpreted
 * and C1 code). What every pass needs without decoding (the subsignature counts, the ids true without any body
 * match) is stored next to the encodings and checked when the snapshot is opened.
 *
 * <p>Snapshot layout: count N, N subsignature counts (bytes), the zero-true ids (ints), N + 1 offsets into the
 * encodings (ints, ascending, the last = their length), the encodings ({@link LsigCodec}, one after another).
 *
 * <p><b>Damage.</b> Opening checks that table (counts, sub counts, zero-true ids, ascending offsets that end at
 * the encodings' length), not the encodings: a complete check is the decoding itself (regular expressions,
 * file-type names, expression trees), which costs what format 10 took out of start-up (decoding all of the
 * large database's 20,000 at open: ~24 ms of CPU next to a ~150 ms load; the small one's 100: ~2 ms next to
 * ~13, C1 code, docs/benchmarks/load-and-memory.md "tidy"). The CRC32 already refuses accidental damage, so only a crafted
 * file with a recomputed checksum, or a writer bug, reaches a bad encoding; {@code bulwark db info} decodes
 * every signature and refuses it. A scan that meets such a signature gets a {@link DatabaseLoadException}
 * naming the snapshot and the signature, and the database's {@link Damage} holder remembers it: every scan
 * that ends after that throws it too ({@link SignatureSet#requireIntact}), even when an extractor swallowed the
 * first throw, so no verdict is given from a database known to be damaged.
 */
public final class LogicalSigs {
    /** Subsignatures per logical signature (ClamAV's limit). */
    private static final int MAX_SUBS = 64;
    /** Most logical signatures a snapshot may hold (as the format-9 reader allowed). */
    private static final int MAX_COUNT = 1 << 24;

    private final LogicalSig[] decoded;
    private final byte[] subCounts;
    /** Snapshot form: the encodings and where each starts; null when everything is decoded. */
    private final ByteBuffer encoded;
    private final IntBuffer offsets;
    /** The database's holder of damage found by scans (shared with its body patterns). */
    private final Damage damage;

    private LogicalSigs(LogicalSig[] decoded, byte[] subCounts, ByteBuffer encoded, IntBuffer offsets, Damage damage) {
        this.decoded = decoded;
        this.subCounts = subCounts;
        this.encoded = encoded;
        this.offsets = offsets;
        this.damage = damage;
    }

    /** Signatures built from text: nothing left to decode. */
    static LogicalSigs of(LogicalSig[] sigs, Damage damage) {
        byte[] subs = new byte[sigs.length];
        for (int i = 0; i < sigs.length; i++) subs[i] = (byte) sigs[i].subCount();
        return new LogicalSigs(sigs, subs, null, null, damage);
    }

    public int size() { return decoded.length; }

    /** The holder this set records damage in (its database's, shared with the body patterns). */
    Damage damage() { return damage; }

    /** Subsignature count of signature {@code id}, without decoding it. */
    public int subCount(int id) { return subCounts[id]; }

    /**
     * Signature {@code id} for a scan, decoded on first use. Scan threads may race to decode the same one: each
     * gets an equal, immutable record and the array keeps one of them.
     *
     * @throws DatabaseLoadException naming the snapshot and the signature when its encoding is damaged (the
     *     checksum covers it, so only a crafted file that carries a valid checksum gets here); remembered in
     *     the database's {@link Damage} (which names the damage found first, should scans race)
     */
    public LogicalSig get(int id) {
        LogicalSig s = decoded[id];
        if (s != null) return s;
        try {
            s = decode(id);
        } catch (IllegalArgumentException e) {
            damage.record(e.getMessage());
            throw SignatureSet.failure(damage);
        }
        decoded[id] = s;
        return s;
    }

    private LogicalSig decode(int id) {
        int from = offsets.get(id), to = offsets.get(id + 1);
        FlatBuffers.In in = new FlatBuffers.In(encoded.slice(from, to - from));
        try {
            LogicalSig s = LsigCodec.read(in);
            if (in.remaining() != 0 || s.subCount() != subCounts[id]) throw new IllegalArgumentException("inconsistent encoding");
            return s;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid snapshot: logical signature " + id + ": " + e.getMessage(), e);
        }
    }

    /**
     * Decodes every signature: a full check ({@code bulwark db info}, writing a snapshot).
     *
     * @throws IllegalArgumentException naming the first damaged signature (not remembered: no scan met it)
     */
    public void decodeAll() {
        for (int i = 0; i < decoded.length; i++) if (decoded[i] == null) decoded[i] = decode(i);
    }

    /** Ids of the signatures that can be true without any body match (see {@link SignatureSet#zeroTrue}). */
    static int[] zeroTrue(LogicalSig[] sigs) {
        dev.bulwark.engine.match.IntList out = new dev.bulwark.engine.match.IntList();
        for (int i = 0; i < sigs.length; i++) {
            LogicalSig s = sigs[i];
            int[] c = new int[s.subCount()];
            for (int j = 0; j < c.length; j++) if (!(s.subs()[j] instanceof LogicalSig.BodySub)) c[j] = 1;
            if (Logic.eval(s.logic(), c)) out.add(i);
        }
        return out.toArray();
    }

    /** Writes the snapshot form (all decoded: a set being written was built from text or read whole). */
    void write(int[] zeroTrue, FlatIO.Writer out) {
        decodeAll();
        FlatBuffers.Out enc = new FlatBuffers.Out();
        int[] starts = new int[decoded.length + 1];
        for (int i = 0; i < decoded.length; i++) {
            starts[i] = enc.size();
            LsigCodec.write(decoded[i], enc);
        }
        starts[decoded.length] = enc.size();
        out.i32(decoded.length);
        out.bytes(subCounts);
        out.ints(zeroTrue);
        out.ints(starts);
        out.bytes(enc.finish());
    }

    /**
     * The form {@link #write} wrote, and its zero-true ids ({@code zeroTrue[0]} receives them); a signature found
     * damaged when a scan decodes it is remembered in {@code damage}.
     */
    static LogicalSigs read(FlatIO.Reader in, int[][] zeroTrue, Damage damage) {
        int n = in.i32();
        if (n < 0 || n > MAX_COUNT) throw new IllegalArgumentException("bad logical signature count");
        byte[] subs = in.bytes();
        if (subs.length != n) throw new IllegalArgumentException("bad subsignature counts");
        for (byte c : subs) if (c < 1 || c > MAX_SUBS) throw new IllegalArgumentException("bad subsignature count");
        int[] zt = in.ints();
        for (int i = 0, last = -1; i < zt.length; last = zt[i++]) {
            if (zt[i] <= last || zt[i] >= n) throw new IllegalArgumentException("bad zero-true logical signature id");
        }
        IntBuffer starts = in.intsView();
        ByteBuffer enc = in.bytesView();
        if (starts.limit() != n + 1 || starts.get(0) != 0 || starts.get(n) != enc.limit()) {
            throw new IllegalArgumentException("bad logical signature offsets");
        }
        for (int i = 0; i < n; i++) {
            if (starts.get(i + 1) <= starts.get(i)) throw new IllegalArgumentException("bad logical signature offsets");
        }
        zeroTrue[0] = zt;
        return new LogicalSigs(new LogicalSig[n], subs, enc, starts, damage);
    }
}
