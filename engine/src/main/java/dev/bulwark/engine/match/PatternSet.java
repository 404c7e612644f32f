package dev.bulwark.engine.match;

import java.nio.ByteBuffer;
import java.nio.IntBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * All body patterns of a database behind one {@link AtomIndex}. Immutable once built; a scan creates
 * a {@link PatternRun} per layer pass, which holds the only mutable state (chains of multi-part patterns).
 */
public final class PatternSet {
    /** Decoded patterns; for a set read from a snapshot, filled on first use from {@link #encoded}. */
    private final BodyPattern[] patterns;
    /** A snapshot's encoded patterns (a view of the mapping) and each one's offset in it, or null. */
    private final ByteBuffer encoded;
    private final IntBuffer encodedAt;
    /**
     * (large12) Per-block checksums {@link #encoded} is checked against when a pattern is first decoded, and the
     * file offset of its first byte; null when it was checked at load (or was not read from a snapshot).
     */
    private Blocks blocks;
    private long encodedFileAt;

    /** This set, its lazily checked encodings carried over from {@code from}. */
    private PatternSet lazyAs(PatternSet from) {
        if (encoded == from.encoded) {
            blocks = from.blocks;
            encodedFileAt = from.encodedFileAt;
        }
        return this;
    }
    final int[] targets;
    final OffsetSpec[] offsets;
    final int[] owners;
    final int[] entryPattern, entryPart;
    final AtomIndex index;
    /** Anchors of the {@link BodyPattern#OPEN_NEXT} parts, which the index leaves out. */
    final OpenAtoms openNext;
    /**
     * Built-in atoms ({@link Builder#builtins}): entries {@code entryPattern.length} to {@link #foreignBase}
     * - 1, reported to the {@code builtin} sink of a scan rather than matched as patterns.
     */
    final int builtinCount;
    /** Entries from this one on belong to another engine's atoms (see {@link #withForeign}). */
    final int foreignBase;
    /** Bounds the built-in atoms a snapshot may declare. */
    private static final int MAX_BUILTINS = 1 << 10;
    /** Bit t: some pattern of target t has a relative offset (see {@link #hasRelativeOffsets}). */
    private final int relativeTargets;
    /** Where a pattern that cannot be decoded is remembered: the whole database's holder (see {@link #damage}). */
    private final Damage damage;

    /** Receives confirmed matches; returns -1 to go on, a resume position, or MAX_VALUE to stop. */
    @FunctionalInterface
    public interface Matches {
        int match(int pattern, int owner, int start, int end);

        /**
         * A position from which on the consumer wants to be told (by {@link #reached}) that the pass got there, or
         * MAX_VALUE for none: a consumer holding matches until their window ends (the engine's body pass) ends the
         * pass there instead of reading the rest of the data.
         */
        default int holdUntil() {
            return Integer.MAX_VALUE;
        }

        /** The pass reached {@code pos} >= {@link #holdUntil}; true to stop it there. */
        default boolean reached(int pos) {
            return false;
        }
    }

    private PatternSet(BodyPattern[] patterns, ByteBuffer encoded, IntBuffer encodedAt, int[] targets,
                       OffsetSpec[] offsets, int[] owners, int[] entryPattern, int[] entryPart, AtomIndex index,
                       OpenAtoms openNext, int builtinCount, int relativeTargets, int[] acLengths, Damage damage) {
        this.damage = damage;
        this.acLengths = acLengths;
        this.builtinCount = builtinCount;
        this.foreignBase = entryPattern.length + builtinCount;
        this.relativeTargets = relativeTargets;
        this.patterns = patterns;
        this.encoded = encoded;
        this.encodedAt = encodedAt;
        this.targets = targets;
        this.offsets = offsets;
        this.owners = owners;
        this.entryPattern = entryPattern;
        this.entryPart = entryPart;
        this.index = index;
        this.openNext = openNext;
    }

    /** Single-byte elements next to the anchor at fixed offsets, up to 8 each side (Cls = no constraint). */
    static void window(Elem[] part, int a, long[] w, int at) {
        long m = 0, v = 0;
        for (int i = a - 1, b = 7; i >= 0 && b >= 0; i--, b--) {
            if (part[i] instanceof Elem.Lit l) {
                m |= (l.mask() & 0xFFL) << (8 * b);
                v |= (l.value() & l.mask() & 0xFFL) << (8 * b);
            } else if (!(part[i] instanceof Elem.Cls)) break;
        }
        w[at] = m; w[at + 1] = v;
        m = 0; v = 0;
        for (int i = a, b = 0; i < part.length && b < 8; i++, b++) {
            if (part[i] instanceof Elem.Lit l) {
                m |= (l.mask() & 0xFFL) << (8 * b);
                v |= (l.value() & l.mask() & 0xFFL) << (8 * b);
            } else if (!(part[i] instanceof Elem.Cls)) break;
        }
        w[at + 2] = m; w[at + 3] = v;
    }

    /** The compiled atom index (diagnostics and tests). */
    AtomIndex index() { return index; }

    public int size() { return patterns.length; }

    /**
     * True when some pattern of target {@code target} must start at an offset relative to the end of the data
     * or to an executable's structure (not anywhere, at an absolute offset or at a macro's): ClamAV's
     * {@code ac_reloff_num > 0} for that target's matcher. ClamAV scans the normalised text view through a
     * mapped file, with hash signatures, only then (cli_scanscript); otherwise as a buffer, without them.
     * Known when the set is built or read (no pass over the patterns at scan time).
     */
    public boolean hasRelativeOffsets(int target) {
        return (relativeTargets & 1 << target) != 0;
    }

    /** Targets (bit per target below 31) some pattern has, worked out on first use; -1 until then. */
    private volatile int presentTargets = -1;

    /** (sz16) True when some pattern (body or logical subsignature) is of {@code target} (below 31). */
    public boolean hasTarget(int target) {
        int bits = presentTargets;
        if (bits == -1) {
            bits = 0;
            for (int t : targets) if (t >= 0 && t < 31) bits |= 1 << t;
            presentTargets = bits;
        }
        return (bits & 1 << target) != 0;
    }

    /** Number of targets {@link #acMaxLength} knows (libclamav's trie per target, 0-15). */
    static final int AC_TARGETS = 16;

    /**
     * (compat17, maxlen20) Per target (0-15), the longest pattern as libclamav's matcher tries hold it: worked out
     * when the set is built from sources ({@link Builder#add}) and stored in the snapshot (format 14), so a scan
     * of a mapped snapshot decodes no pattern for it.
     */
    private final int[] acLengths;

    /**
     * (compat17) libclamav's {@code maxpatlen} of target {@code target}'s trie (0-15): the longest of its patterns as
     * cli_ac_addpatt stores them, a body split at every variable gap ({@code *}, {@code {n-m}}) and whole across fixed
     * ones ({@code {n}}, {@code ??}), alternatives at their longest (clamscan 1.4.6: a 50-byte signature gives 50,
     * 20+{5}+30 gives 55, 20*30 gives 30, (41|4243)+60 bytes gives 62). Only the summary's "Data scanned" asks, and
     * only for data over 128 KiB. (maxlen20) Known when the set is built or read: nothing is decoded here (it
     * decoded every pattern of a snapshot on first use: 200k patterns, +0.3 CPU-s and +150 MB RSS for one file).
     */
    public int acMaxLength(int target) {
        return target < 0 || target >= AC_TARGETS ? 0 : acLengths[target];
    }

    /** The longest piece of {@code p} between variable gaps (see {@link #acMaxLength}). */
    static int acLength(BodyPattern p) {
        int best = 0, cur = 0;
        for (int j = 0; j < p.parts.length; j++) {
            if (j > 0) {
                if (p.gapMin[j] == p.gapMax[j] && p.gapMin[j] > 0 && p.gapMin[j] < 128) cur += p.gapMin[j]; // (review21) libclamav: {n} is n ?? for 0 < n < 128
                else cur = 0;
            }
            for (Elem e : p.parts[j]) {
                if (e instanceof Elem.Lit) { // the usual element first: one type test (maxlen20: once per added pattern)
                    cur++;
                } else if (e instanceof Elem.Gap g) {
                    if (g.min() == g.max() && (g.min() < 128)) cur += g.min();
                    else {
                        best = Math.max(best, cur);
                        cur = 0;
                    }
                } else {
                    cur += elemLength(e);
                }
            }
            best = Math.max(best, cur);
        }
        return best;
    }

    private static int elemLength(Elem e) {
        if (e instanceof Elem.Alt a) {
            int m = 0;
            for (Elem[] o : a.options()) {
                int n = 0;
                for (Elem x : o) n += x instanceof Elem.Gap g ? g.max() : elemLength(x);
                m = Math.max(m, n);
            }
            return m;
        }
        if (e instanceof Elem.NegAlt n) return n.len();
        return 1;
    }

    /** True for the offset kinds ClamAV counts in ac_reloff_num: all but anywhere, absolute and macro. */
    private static boolean relative(OffsetSpec.Kind k) {
        return k != OffsetSpec.Kind.ANY && k != OffsetSpec.Kind.ABSOLUTE && k != OffsetSpec.Kind.MACRO;
    }
    public int owner(int pattern) { return owners[pattern]; }
    public int target(int pattern) { return targets[pattern]; }
    /**
     * Pattern {@code i}. A snapshot's patterns are decoded when first needed (a candidate for them was
     * found), so a scan keeps only the patterns it touches in memory. The race between two threads
     * decoding the same pattern is benign: patterns are immutable and equal.
     */
    public BodyPattern pattern(int i) {
        BodyPattern p = patterns[i];
        if (p == null) patterns[i] = p = decode(i);
        return p;
    }

    /**
     * This set with another engine's atoms in the same index, so one pass over the data serves both: atom
     * {@code atoms[i]} reports foreign entry {@code owners[i]} (0..count-1, with {@code windows} as for
     * {@link AtomIndex#build(byte[][], int[], int, long[])}, or null) to the {@code foreign} sink of
     * {@link #scan(ByteBuffer, int, OffsetSpec.ExeFacts, Matches, AtomIndex.Hits)}. Snapshots store only
     * this set's own part.
     */
    public PatternSet withForeign(byte[][] atoms, int[] owners, int count, long[] windows) {
        AtomIndex own = hasForeign() ? index.first(foreignBase) : index;
        return new PatternSet(patterns, encoded, encodedAt, targets, offsets, this.owners, entryPattern, entryPart,
                own.plus(atoms, owners, count, windows), openNext, builtinCount, relativeTargets, acLengths, damage).lazyAs(this);
    }

    /**
     * This set remembering damage in {@code d}: the holder of the database it belongs to (a snapshot's file-type
     * patterns are compiled from text when it is loaded, and join the snapshot's holder).
     */
    public PatternSet withDamage(Damage d) {
        return d == damage ? this : new PatternSet(patterns, encoded, encodedAt, targets, offsets, owners, entryPattern,
                entryPart, index, openNext, builtinCount, relativeTargets, acLengths, d).lazyAs(this);
    }

    /** Number of built-in atoms in the index (0 when the set was built without them, or has no patterns). */
    public int builtinCount() { return builtinCount; }

    /** True when the index also holds another engine's atoms. */
    public boolean hasForeign() { return index.entryCount() > foreignBase; }

    /**
     * (steady14) False only when no pattern of a target in {@code targetMask} can match in data made of the bytes
     * {@code alphabet} allows (some part of each holds a byte, a class or an alternation none of those bytes
     * fits), checked over at most {@code budget} such patterns (more: true). A pass over such data with that
     * mask then finds no pattern. A snapshot's patterns are decoded without being kept, and one that cannot be
     * decoded counts as matchable (its damage is reported when a scan meets it, as before).
     */
    public boolean anyCanMatch(int targetMask, boolean[] alphabet, int budget) {
        for (int i = 0; i < patterns.length; i++) {
            if ((targetMask & 1 << targets[i]) == 0) continue;
            if (budget-- <= 0) return true;
            BodyPattern p = patterns[i];
            if (p == null) {
                try {
                    p = decodeOrThrow(i);
                } catch (IllegalArgumentException e) {
                    return true;
                }
            }
            if (p == UNDECODABLE || canMatch(p, alphabet)) return true;
        }
        return false;
    }

    /** Whether every part of {@code p} can match bytes from {@code alphabet} (conservative: true when unsure). */
    static boolean canMatch(BodyPattern p, boolean[] alphabet) {
        for (Elem[] part : p.parts) if (!canMatch(part, alphabet)) return false;
        return true;
    }

    /** instanceof tests rather than a pattern switch or lambdas: nothing to bootstrap on the first scan. */
    private static boolean canMatch(Elem[] seq, boolean[] alphabet) {
        for (Elem e : seq) {
            if (e instanceof Elem.Lit l) {
                if (l.exact() ? !alphabet[l.value() & 0xFF] : !anyByte(alphabet, l, null)) return false;
            } else if (e instanceof Elem.Cls c) {
                if (!anyByte(alphabet, null, c)) return false;
            } else if (e instanceof Elem.Alt a) {
                boolean any = false;
                for (Elem[] o : a.options()) if (canMatch(o, alphabet)) { any = true; break; }
                if (!any) return false;
            } // a gap or a negated alternation: some byte of the alphabet may do
        }
        return true;
    }

    private static boolean anyByte(boolean[] alphabet, Elem.Lit l, Elem.Cls c) {
        for (int b = 0; b < 256; b++) if (alphabet[b] && (l != null ? l.matches(b) : c.matches(b))) return true;
        return false;
    }

    /** Never matches: stands for a pattern a (crafted, checksum-valid) snapshot cannot decode. */
    private static final BodyPattern UNDECODABLE = new BodyPattern(new Elem[0][], new int[0], new int[0], 0, 0,
            new int[0], new int[0], new byte[0][][]);

    private BodyPattern decode(int i) {
        try {
            return decodeOrThrow(i);
        } catch (IllegalArgumentException e) {
            damage.record(e.getMessage());
            return UNDECODABLE;
        }
    }

    /** Pattern {@code i} decoded; IllegalArgumentException "invalid snapshot: body pattern N: ..." when it cannot be. */
    private BodyPattern decodeOrThrow(int i) {
        String why;
        try {
            int from = encodedAt.get(i), to = encodedAt.get(i + 1);
            if (from < 0 || to < from || to > encoded.limit()) {
                why = "offsets " + from + ".." + to + " outside the encodings";
            } else if (blocks != null && !blocks.need(encodedFileAt + from, to - from)) {
                why = "a block of its encoding failed its checksum (the snapshot is corrupt; recompile it with bulwark db compile)";
            } else {
                FlatBuffers.In in = new FlatBuffers.In(encoded.slice(from, to - from));
                BodyPattern p = PatternCodec.read(in);
                if (in.remaining() == 0) return p;
                why = in.remaining() + " bytes left over";
            }
        } catch (IllegalArgumentException e) {
            why = e.getMessage();
        }
        throw new IllegalArgumentException("invalid snapshot: body pattern " + i + ": " + why);
    }

    /**
     * Decodes every pattern not decoded yet, keeping none of them: a full check ({@code bulwark db info}).
     *
     * @throws IllegalArgumentException naming the first damaged pattern (not remembered: no scan met it)
     */
    public void checkAll() {
        for (int i = 0; i < patterns.length; i++) if (patterns[i] == null) decodeOrThrow(i);
    }

    /**
     * Where this set remembers the first pattern a scan found it could not decode ("invalid snapshot: body pattern
     * N: ..."): the holder of the whole database (shared with its logical signatures). Such a pattern never matches;
     * a scan that ends after it was met must fail rather than give a verdict from a damaged database.
     */
    public Damage damage() { return damage; }

    public static Builder builder() { return new Builder(Builder.SPILL_ABOVE); }

    /** A builder that moves its patterns to temporary files past {@code spillAbove} bytes (tests). */
    static Builder builder(long spillAbove) { return new Builder(spillAbove); }

    // ---- serialization (database snapshots) -----------------------------------------------------

    /** Bounds on what a snapshot may describe, so a corrupt file cannot ask for absurd structures. */
    private static final int MAX_PARTS = PatternCodec.MAX_PARTS;

    /** Writes patterns, per-pattern tables and the compiled atom index. */
    public void write(FlatIO.Writer out) {
        out.i32(patterns.length);
        if (encoded != null) {
            if (blocks != null && !blocks.need(encodedFileAt, encoded.limit())) {
                throw new IllegalArgumentException("invalid snapshot: a block of the body patterns failed its checksum");
            }
            // kept encoded (built from sources, or read from a snapshot): written as it is, nothing decoded
            out.bytes(encoded);
            out.ints(encodedAt);
        } else {
            FlatBuffers.Out enc = new FlatBuffers.Out();
            int[] at = new int[patterns.length + 1];
            for (int i = 0; i < patterns.length; i++) {
                at[i] = enc.size();
                PatternCodec.write(pattern(i), enc);
            }
            at[patterns.length] = enc.size();
            out.bytes(enc.finish());
            out.ints(at);
        }
        out.ints(targets);
        out.ints(owners);
        for (OffsetSpec o : offsets) {
            out.i32(o.kind().ordinal());
            out.i64(o.value());
            out.i32(o.section());
            out.i64(o.shift());
        }
        out.ints(entryPattern);
        out.ints(entryPart);
        out.i32(builtinCount);
        (hasForeign() ? index.first(foreignBase) : index).write(out);
        openNext.write(out);
        out.ints(acLengths); // (format 14) see acMaxLength
    }

    /**
     * Reads what {@link #write} wrote; inconsistencies raise IllegalArgumentException. A pattern found damaged
     * later, when a scan decodes it, is remembered in {@code damage}.
     */
    public static PatternSet read(FlatIO.Reader in, Damage damage) {
        int n = in.i32();
        AtomIndex.check(n >= 0, "pattern count");
        ByteBuffer encoded = in.bytesView();
        // (large12) with a one-shot scan of a mapped snapshot, the encodings' blocks are checked when first decoded
        Blocks lazy = in instanceof FlatBuffers.In f && f.blocks() != null ? f.blocks() : null;
        long encodedFileAt = lazy == null ? 0 : ((FlatBuffers.In) in).fileOffset() - encoded.limit();
        if (lazy != null) lazy.lazy(encodedFileAt, encoded.limit());
        IntBuffer encodedAt = in.intsView();
        AtomIndex.check(encodedAt.limit() == n + 1, "pattern offsets");
        int[] targets = in.ints(), owners = in.ints();
        AtomIndex.check(targets.length == n && owners.length == n, "pattern tables");
        // The checks of this method and of AtomIndex/OpenAtoms.read gather each table's bounds into one
        // value and test it once: a call per element costs a one-file scan milliseconds of interpretation.
        int bad = 0;
        for (int t : targets) bad |= t | (30 - t); // negative iff some target is outside [0, 30]
        AtomIndex.check(bad >= 0, "target");
        OffsetSpec[] offsets = new OffsetSpec[n];
        int relativeTargets = 0;
        OffsetSpec.Kind[] kinds = OffsetSpec.Kind.values();
        // n records of kind (i32), value (i64), section (i32), shift (i64): 24 bytes, three longs each
        AtomIndex.check(n <= Integer.MAX_VALUE / 3, "pattern count");
        long[] raw = in.rawLongs(3 * n);
        for (int i = 0, r = 0; i < n; i++, r += 3) {
            long a = raw[r], c = raw[r + 1], shift = raw[r + 2];
            if (a == ANY_KIND && c == 0 && shift == 0) { // the usual case: anywhere
                offsets[i] = OffsetSpec.ANY;
                continue;
            }
            int k = (int) a, sec = (int) (c >>> 32);
            long v = (a >>> 32) | (c << 32);
            AtomIndex.check(k >= 0 && k < kinds.length, "offset kind");
            AtomIndex.check(sec >= 0 && shift >= 0, "offset");
            offsets[i] = kinds[k] == OffsetSpec.Kind.ANY && v == 0 && sec == 0 && shift == 0 ? OffsetSpec.ANY : new OffsetSpec(kinds[k], v, sec, shift);
            if (relative(kinds[k])) relativeTargets |= 1 << targets[i];
        }
        int[] ep = in.ints(), epart = in.ints();
        AtomIndex.check(ep.length == epart.length, "entries");
        bad = 0;
        for (int e = 0; e < ep.length; e++) {
            // the part index is checked against the pattern when it is decoded (PatternRun.hit)
            bad |= ep[e] | (n - 1 - ep[e]) | epart[e] | (MAX_PARTS - 1 - epart[e]);
        }
        AtomIndex.check(bad >= 0, "entry");
        int builtins = in.i32();
        AtomIndex.check(builtins >= 0 && builtins <= MAX_BUILTINS, "built-in atoms");
        AtomIndex idx = AtomIndex.read(in);
        AtomIndex.check(idx.entryCount() == ep.length + builtins, "entry count");
        OpenAtoms open = OpenAtoms.read(in, ep.length);
        int[] acLengths = in.ints();
        AtomIndex.check(acLengths.length == AC_TARGETS, "pattern lengths");
        bad = 0;
        for (int l : acLengths) bad |= l;
        AtomIndex.check(bad >= 0, "pattern length");
        PatternSet set = new PatternSet(new BodyPattern[n], encoded, encodedAt, targets, offsets, owners, ep, epart, idx, open,
                builtins, relativeTargets, acLengths, damage);
        set.blocks = lazy;
        set.encodedFileAt = encodedFileAt;
        return set;
    }

    /** The first long of an offset record that says "anywhere": kind ANY, value's low half 0. */
    private static final long ANY_KIND = OffsetSpec.Kind.ANY.ordinal();

    /**
     * Collects patterns and compiles them. Patterns are kept encoded as a snapshot stores them, from
     * {@link #add} on: a large database's pattern objects take several times the memory of their
     * encoding, and a built set decodes a pattern only when a scan first finds a candidate for it.
     */
    public static final class Builder {
        /** The added patterns, encoded (see {@link PatternStore}). */
        private final PatternStore store;
        private final List<OffsetSpec> offsets = new ArrayList<>();
        private final IntList targets = new IntList(), owners = new IntList();
        /** See {@link PatternSet#hasRelativeOffsets}. */
        private int relativeTargets;
        /** See {@link PatternSet#acMaxLength}. */
        private final int[] acLengths = new int[AC_TARGETS];
        private long atoms, parts;
        private boolean built;
        /** Built-in atoms and their windows (4 longs each), see {@link #builtins}; none by default. */
        private byte[][] builtinAtoms = new byte[0][];
        private long[] builtinWindows = new long[0];
        /**
         * Encoded patterns beyond this many bytes go to a temporary file ({@link SpillFile}) chunk by chunk,
         * and the built set's encoding is written to another and mapped: the large generated database's 200k
         * body signatures encode to ~45 MB, which were held twice while the set was built (the stored
         * patterns and their re-encoding) and once after. Smaller sets stay on the heap.
         * (textload4) 16 MiB, was 8: the medium generated database's 65k body patterns (~11 MB encoded)
         * spilled too, which cost ~30 ms of its ~0.67 CPU-s load (the temporary files, whose first one starts
         * the JDK's SecureRandom, the writes and reading the store back) for ~16 MB less peak RSS (161 -> 145
         * MB with an empty file to scan; a scan maps in the pages it touches anyway). The large set still spills.
         */
        static final long SPILL_ABOVE = 16 << 20;

        Builder(long spillAbove) {
            this.store = new PatternStore(spillAbove);
        }

        /** Whether the stored patterns are in a temporary file (tests). */
        boolean spilling() { return store.spilling(); }

        /** Adds a pattern for a target type (0-14) and returns its id. */
        public int add(BodyPattern p, int target, OffsetSpec offset, int owner) {
            if (built) throw new IllegalStateException("pattern set already built");
            store.add(p);
            for (byte[][] v : p.anchorVariants) atoms += v.length;
            parts += p.parts.length;
            targets.add(target);
            offsets.add(offset);
            if (relative(offset.kind())) relativeTargets |= 1 << target;
            if (target >= 0 && target < AC_TARGETS) acLengths[target] = Math.max(acLengths[target], acLength(p));
            owners.add(owner);
            return targets.size() - 1;
        }

        /**
         * Adds atoms of a built-in search that rides on this set's pass ({@code atoms[i]}, 2 to 4 bytes, with
         * {@code windows[4i..4i+3]} as for {@link AtomIndex#build(byte[][], int[], int, long[])}): each occurrence
         * is reported as entry {@code i} to the {@code builtin} sink of
         * {@link #scan(ByteBuffer, int, OffsetSpec.ExeFacts, Matches, AtomIndex.Hits, AtomIndex.Hits)}. A set
         * without patterns leaves them out (its scans do not run).
         */
        public Builder builtins(byte[][] atoms, long[] windows) {
            if (windows.length != 4L * atoms.length || atoms.length > MAX_BUILTINS) throw new IllegalArgumentException("built-in atoms");
            builtinAtoms = atoms.clone();
            builtinWindows = windows.clone();
            return this;
        }

        /** Compiles the set; once only (the stored patterns are released as they are read). */
        public PatternSet build() {
            if (built) throw new IllegalStateException("pattern set already built");
            built = true;
            int n = targets.size();
            AtomIndex.check(parts <= Integer.MAX_VALUE / 4, "too many pattern parts");
            // anchors re-chosen with the whole set in view, so atom prefixes spread over the word filter
            int mask = AnchorPlanner.mask(atoms);
            int[] load = new int[mask + 1];
            long stored = store.bytes();
            AtomIndex.check(stored < Integer.MAX_VALUE - (stored >>> 5) - 64, "encoded patterns too large");
            PatternStore.Reader in = store.reader();
            // a large set's encoding goes to a temporary file that is then mapped (see SPILL_ABOVE)
            SpillFile encFile = null;
            if (store.spilling()) {
                try {
                    encFile = SpillFile.open();
                } catch (java.io.IOException e) {
                    encFile = null;
                }
            }
            FlatBuffers.Out enc = new FlatBuffers.Out(encFile != null ? 1 << 12 : (int) (stored + (stored >>> 5)));
            long encSize = 0;
            int[] at = new int[n + 1];
            byte[][] atomBytes = new byte[(int) atoms][];
            int[] atomOwner = new int[(int) atoms];
            int[] ePat = new int[(int) parts], ePart = new int[(int) parts];
            // fixed bytes around each anchor let the index drop most false candidates before verification
            long[] windows = new long[4 * (int) parts];
            int entry = 0, atom = 0;
            IntList openKeys = new IntList(), openEntries = new IntList();
            FlatPlan flat = new FlatPlan(); // plain-literal records are planned on their encoding (see FlatPlan)
            for (int i = 0; i < n; i++) {
                in.advance();
                BodyPattern p = null;
                int body;
                if (flat.read(in.record(), in.recordLength())) {
                    flat.plan(load, mask);
                    body = flat.body;
                } else {
                    BodyPattern read = in.decode();
                    p = AnchorPlanner.plan(read, load, mask);
                    // planning changes only the anchors, the encoding's last fields: the rest is copied as stored
                    body = in.recordLength() - PatternCodec.anchorsSize(read);
                }
                if (encFile != null) {
                    AtomIndex.check(encSize <= Integer.MAX_VALUE - 64, "encoded patterns too large");
                    at[i] = (int) encSize;
                    enc.reset();
                }
                if (encFile == null) at[i] = enc.size();
                enc.raw(in.record(), 0, body);
                if (p != null) PatternCodec.writeAnchors(p, enc);
                else flat.writeAnchors(enc);
                if (encFile != null) {
                    enc.writeTo(encFile);
                    encSize += enc.size();
                }
                if (p == null) {
                    for (int j = 0; j < flat.parts; j++, entry++) {
                        ePat[entry] = i;
                        ePart[entry] = j;
                        flat.window(j, windows, entry << 2);
                        byte[] v = flat.anchor[j];
                        if (flat.lazy[j] == BodyPattern.OPEN_NEXT) {
                            openKeys.add((v[0] & 0xFF) | (v[1] & 0xFF) << 8);
                            openEntries.add(entry);
                        }
                        if (flat.lazy[j] != BodyPattern.INDEXED) continue;
                        if (atom == atomBytes.length) {
                            atomBytes = java.util.Arrays.copyOf(atomBytes, atom * 2 + 16);
                            atomOwner = java.util.Arrays.copyOf(atomOwner, atom * 2 + 16);
                        }
                        atomBytes[atom] = v;
                        atomOwner[atom++] = entry;
                    }
                    continue;
                }
                for (int j = 0; j < p.parts.length; j++, entry++) {
                    ePat[entry] = i;
                    ePart[entry] = j;
                    window(p.parts[j], p.anchorElem[j], windows, entry << 2);
                    if (p.lazy[j] == BodyPattern.OPEN_NEXT) {
                        for (byte[] v : p.anchorVariants[j]) {
                            openKeys.add((v[0] & 0xFF) | (v[1] & 0xFF) << 8);
                            openEntries.add(entry);
                        }
                    }
                    if (p.lazy[j] != BodyPattern.INDEXED) continue; // found next to its neighbour (PatternRun)
                    for (byte[] v : p.anchorVariants[j]) {
                        // a re-planned anchor may have another number of (case-folded) variants
                        if (atom == atomBytes.length) {
                            atomBytes = java.util.Arrays.copyOf(atomBytes, atom * 2 + 16);
                            atomOwner = java.util.Arrays.copyOf(atomOwner, atom * 2 + 16);
                        }
                        atomBytes[atom] = v;
                        atomOwner[atom++] = entry;
                    }
                }
            }
            store.close();
            at[n] = encFile != null ? (int) encSize : enc.size();
            ByteBuffer encoded = encFile != null ? encFile.map() : enc.finish();
            int builtins = n == 0 ? 0 : builtinAtoms.length;
            atomBytes = java.util.Arrays.copyOf(atomBytes, atom + builtins);
            atomOwner = java.util.Arrays.copyOf(atomOwner, atom + builtins);
            windows = java.util.Arrays.copyOf(windows, 4 * (entry + builtins));
            for (int b = 0; b < builtins; b++) {
                atomBytes[atom + b] = builtinAtoms[b];
                atomOwner[atom + b] = entry + b;
                System.arraycopy(builtinWindows, 4 * b, windows, 4 * (entry + b), 4);
            }
            AtomIndex idx = AtomIndex.build(atomBytes, atomOwner, entry + builtins, windows);
            return new PatternSet(new BodyPattern[n], encoded, IntBuffer.wrap(at), targets.toArray(),
                    offsets.toArray(new OffsetSpec[0]), owners.toArray(), ePat, ePart, idx,
                    OpenAtoms.build(openKeys.toArray(), openEntries.toArray()), builtins, relativeTargets, acLengths.clone(),
                    new Damage(null));
        }
    }

    /**
     * Scans one buffer for the patterns whose target bit is set in {@code targetMask}, reporting
     * matches in the order their last part is found.
     */
    public void scan(ByteBuffer data, int targetMask, OffsetSpec.ExeFacts exe, Matches out) {
        new PatternRun(this, data, targetMask, exe, out, null, null).go();
    }

    /**
     * Like {@link #scan(ByteBuffer, int, OffsetSpec.ExeFacts, Matches)}, in the same pass reporting the
     * foreign atoms of {@link #withForeign} to {@code foreign} (its return value is ignored: a resume
     * position asked for by {@code out} only skips this set's own entries). Returns false when {@code out}
     * stopped the pass (MAX_VALUE), so the foreign hits are incomplete.
     */
    public boolean scan(ByteBuffer data, int targetMask, OffsetSpec.ExeFacts exe, Matches out, AtomIndex.Hits foreign) {
        return scan(data, targetMask, exe, out, foreign, null);
    }

    /**
     * Like {@link #scan(ByteBuffer, int, OffsetSpec.ExeFacts, Matches, AtomIndex.Hits)}, also reporting every
     * occurrence of the {@link Builder#builtins built-in atoms} to {@code builtin} (null: none), in position
     * order. With a built-in sink the pass reads every position (a resume position only skips this set's own
     * entries), so the built-in hits are complete unless {@code out} stopped the pass (then this returns false).
     */
    public boolean scan(ByteBuffer data, int targetMask, OffsetSpec.ExeFacts exe, Matches out, AtomIndex.Hits foreign,
                        AtomIndex.Hits builtin) {
        PatternRun r = new PatternRun(this, data, targetMask, exe, out, foreign, builtin);
        r.go();
        return !r.stopped;
    }
}
