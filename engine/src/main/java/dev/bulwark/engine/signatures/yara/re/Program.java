package dev.bulwark.engine.signatures.yara.re;

import dev.bulwark.engine.signatures.yara.re.Node.*;

/**
 * A regular expression compiled to a Thompson NFA over bytes, executed as a Pike VM: time is linear in the input
 * window times the program size, never exponential. Thread priority gives the same match lengths as a
 * backtracking engine (greedy/lazy quantifiers, leftmost alternative first). Immutable; all mutable state lives
 * in {@link VmScratch}.
 */
public final class Program {
    static final int MAX_INSTRUCTIONS = 300_000; // bounds memory and per-byte work of one expression

    private static final byte CLASS = 0, SPLIT = 1, JMP = 2, MATCH = 3, ASSERT = 4;

    private final byte[] op;
    private final int[] x;
    private final int[] y;
    private final long[] classes;

    private Program(byte[] op, int[] x, int[] y, long[] classes) {
        this.op = op;
        this.x = x;
        this.y = y;
        this.classes = classes;
    }

    public int size() {
        return op.length;
    }

    static Program compile(Node n) throws RegexException {
        Builder b = new Builder();
        b.emit(n);
        b.add(MATCH, 0, 0);
        return new Program(java.util.Arrays.copyOf(b.op, b.n), java.util.Arrays.copyOf(b.x, b.n),
                java.util.Arrays.copyOf(b.y, b.n), java.util.Arrays.copyOf(b.cls, b.nc * 4));
    }

    private static final class Builder {
        byte[] op = new byte[64];
        int[] x = new int[64];
        int[] y = new int[64];
        long[] cls = new long[64];
        int n;
        int nc;

        int add(byte o, int a, int b) throws RegexException {
            if (n >= MAX_INSTRUCTIONS) throw new RegexException("regular expression is too large");
            if (n == op.length) {
                op = java.util.Arrays.copyOf(op, n * 2);
                x = java.util.Arrays.copyOf(x, n * 2);
                y = java.util.Arrays.copyOf(y, n * 2);
            }
            op[n] = o;
            x[n] = a;
            y[n] = b;
            return n++;
        }

        int addClass(long[] bits) {
            if ((nc + 1) * 4 > cls.length) cls = java.util.Arrays.copyOf(cls, cls.length * 2);
            System.arraycopy(bits, 0, cls, nc * 4, 4);
            return nc++;
        }

        void emit(Node node) throws RegexException {
            switch (node) {
                case Cls c -> add(CLASS, addClass(c.bits()), 0);
                case Cat c -> {
                    for (Node i : c.items()) emit(i);
                }
                case Alt a -> {
                    int[] jumps = new int[a.items().size()];
                    for (int i = 0; i < a.items().size(); i++) {
                        if (i < a.items().size() - 1) {
                            int split = add(SPLIT, 0, 0);
                            x[split] = n;
                            emit(a.items().get(i));
                            jumps[i] = add(JMP, 0, 0);
                            y[split] = n;
                        } else {
                            emit(a.items().get(i));
                        }
                    }
                    for (int i = 0; i < jumps.length - 1; i++) x[jumps[i]] = n;
                }
                case Rep r -> rep(r);
                case Assert a -> add(ASSERT, a.kind().ordinal(), 0);
                case Empty e -> { }
            }
        }

        private void rep(Rep r) throws RegexException {
            for (int i = 0; i < r.min(); i++) emit(r.node());
            if (r.max() < 0) {
                int split = add(SPLIT, 0, 0);
                int body = n;
                emit(r.node());
                add(JMP, split, 0);
                setSplit(split, body, n, r.greedy());
                return;
            }
            int optional = r.max() - r.min();
            int[] splits = new int[optional];
            for (int i = 0; i < optional; i++) {
                splits[i] = add(SPLIT, 0, 0);
                x[splits[i]] = n; // body start; fixed up below
                emit(r.node());
            }
            for (int s : splits) setSplit(s, s + 1, n, r.greedy());
        }

        private void setSplit(int split, int body, int exit, boolean greedy) {
            x[split] = greedy ? body : exit;
            y[split] = greedy ? exit : body;
        }
    }

    /** Writes the program (for a compiled rule set's cache entry; {@link #read} takes it back). */
    public void write(java.io.DataOutput out) throws java.io.IOException {
        out.writeInt(op.length);
        out.write(op);
        boolean narrow = op.length <= 0xFFFF && classes.length / 4 <= 0xFFFF; // operands fit in two bytes
        out.writeBoolean(narrow);
        for (int i = 0; i < op.length; i++) {
            if (narrow) {
                out.writeShort(x[i]);
                out.writeShort(y[i]);
            } else {
                out.writeInt(x[i]);
                out.writeInt(y[i]);
            }
        }
        out.writeInt(classes.length);
        java.util.Map<java.util.List<Long>, Integer> seen = new java.util.HashMap<>();
        for (int c = 0; c < classes.length; c += 4) {
            // most classes are one byte value (written as that byte) or repeat an earlier class (its number)
            int n = Long.bitCount(classes[c]) + Long.bitCount(classes[c + 1]) + Long.bitCount(classes[c + 2])
                    + Long.bitCount(classes[c + 3]);
            if (n == 1) {
                int w = classes[c] != 0 ? 0 : classes[c + 1] != 0 ? 1 : classes[c + 2] != 0 ? 2 : 3;
                out.writeByte(1);
                out.writeByte(w * 64 + Long.numberOfTrailingZeros(classes[c + w]));
                continue;
            }
            Integer earlier = seen.putIfAbsent(java.util.List.of(classes[c], classes[c + 1], classes[c + 2], classes[c + 3]), c / 4);
            if (earlier != null) {
                out.writeByte(2);
                out.writeInt(earlier);
            } else {
                out.writeByte(0);
                for (int i = 0; i < 4; i++) out.writeLong(classes[c + i]);
            }
        }
    }

    /**
     * Reads what {@link #write} wrote, checking that every jump, split and class index stays inside the program
     * and that it ends in MATCH, so a damaged entry cannot make the VM read out of bounds.
     */
    public static Program read(java.nio.ByteBuffer in) throws java.io.IOException {
        int n = in.getInt();
        if (n < 1 || n > MAX_INSTRUCTIONS || (long) n * 5 + 1 > in.remaining()) throw new java.io.IOException("bad program size");
        byte[] op = new byte[n];
        in.get(op);
        byte narrow = in.get();
        if (narrow != 0 && narrow != 1) throw new java.io.IOException("bad program operand width");
        if ((long) n * (narrow == 1 ? 4 : 8) > in.remaining()) throw new java.io.IOException("bad program size");
        int[] x = new int[n], y = new int[n];
        for (int i = 0; i < n; i++) {
            x[i] = narrow == 1 ? in.getShort() & 0xFFFF : in.getInt();
            y[i] = narrow == 1 ? in.getShort() & 0xFFFF : in.getInt();
        }
        int nc = in.getInt();
        if (nc < 0 || nc % 4 != 0 || (long) nc / 2 > in.remaining()) throw new java.io.IOException("bad program classes");
        long[] classes = new long[nc];
        for (int c = 0; c < nc; c += 4) {
            byte kind = in.get();
            if (kind == 1) {
                int v = in.get() & 0xFF;
                classes[c + (v >> 6)] = 1L << (v & 63);
            } else if (kind == 0) {
                for (int i = 0; i < 4; i++) classes[c + i] = in.getLong();
            } else if (kind == 2) {
                int earlier = in.getInt();
                if (earlier < 0 || earlier >= c / 4) throw new java.io.IOException("bad program class reference");
                System.arraycopy(classes, earlier * 4, classes, c, 4);
            } else {
                throw new java.io.IOException("bad program class");
            }
        }
        if (op[n - 1] != MATCH) throw new java.io.IOException("program does not end in MATCH");
        for (int i = 0; i < n; i++) {
            boolean ok = switch (op[i]) {
                case CLASS -> x[i] >= 0 && x[i] < nc / 4;
                case SPLIT -> x[i] >= 0 && x[i] < n && y[i] >= 0 && y[i] < n;
                case JMP -> x[i] >= 0 && x[i] < n;
                case ASSERT -> x[i] >= 0 && x[i] <= 5;
                case MATCH -> true;
                default -> false;
            };
            if (!ok) throw new java.io.IOException("bad instruction at " + i);
        }
        return new Program(op, x, y, classes);
    }

    /** Scratch sized for this program (callers reuse a bigger one when they can). */
    public VmScratch newScratch() {
        return new VmScratch(op.length);
    }

    private boolean classHas(int c, int b) {
        return (classes[c * 4 + (b >> 6)] & (1L << (b & 63))) != 0;
    }

    private static boolean isWord(byte[] d, int off, int len, int i) {
        if (i < 0 || i >= len) return false;
        int b = d[off + i] & 0xFF;
        return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= '0' && b <= '9' || b == '_';
    }

    /** A UTF-16LE word character: a word byte followed by a zero byte. */
    private static boolean isWideWord(byte[] d, int off, int len, int i) {
        return isWord(d, off, len, i) && i + 1 < len && d[off + i + 1] == 0;
    }

    private boolean assertHolds(int kind, byte[] d, int off, int len, int pos) {
        return switch (kind) {
            case 0 -> pos == 0;
            case 1 -> pos == len;
            case 2 -> isWord(d, off, len, pos - 1) != isWord(d, off, len, pos);
            case 3 -> isWord(d, off, len, pos - 1) == isWord(d, off, len, pos);
            case 4 -> isWideWord(d, off, len, pos - 2) != isWideWord(d, off, len, pos);
            default -> isWideWord(d, off, len, pos - 2) == isWideWord(d, off, len, pos);
        };
    }

    /** Adds the thread at pc, following jumps, splits (in priority order) and assertions at pos. */
    private void addThread(VmScratch s, int[] list, int[] count, int pc, byte[] d, int off, int len, int pos) {
        int[] stack = s.stack;
        int sp = 0;
        stack[sp++] = pc;
        int gen = s.gen;
        while (sp > 0) {
            int p = stack[--sp];
            if (s.mark[p] == gen) continue;
            s.mark[p] = gen;
            switch (op[p]) {
                case JMP -> stack[sp++] = x[p];
                case SPLIT -> {
                    stack[sp++] = y[p];
                    stack[sp++] = x[p];
                }
                case ASSERT -> {
                    if (assertHolds(x[p], d, off, len, pos)) stack[sp++] = p + 1;
                }
                default -> list[count[0]++] = p;
            }
        }
    }

    /**
     * Length of the match that starts at {@code start}, or -1. Bytes are {@code d[off + i]} for
     * {@code 0 <= i < len}; the match may not extend beyond {@code limit}.
     */
    public int matchAt(byte[] d, int off, int len, int start, int limit, VmScratch s) {
        s.ensure(op.length);
        int[] clist = s.a, nlist = s.b;
        int[] cn = s.cn, nn = s.nn;
        cn[0] = 0;
        s.nextGen();
        addThread(s, clist, cn, 0, d, off, len, start);
        int matched = -1;
        int end = Math.min(limit, len);
        for (int pos = start; cn[0] > 0; pos++) {
            nn[0] = 0;
            s.nextGen();
            int b = pos < end ? d[off + pos] & 0xFF : -1;
            for (int i = 0; i < cn[0]; i++) {
                int pc = clist[i];
                if (op[pc] == MATCH) {
                    matched = pos - start;
                    break;
                }
                if (b >= 0 && classHas(x[pc], b)) addThread(s, nlist, nn, pc + 1, d, off, len, pos + 1);
            }
            int[] t = clist;
            clist = nlist;
            nlist = t;
            int[] tc = cn;
            cn = nn;
            nn = tc;
        }
        return matched;
    }

    /** Whether the expression matches anywhere in d[off, off+len) (the {@code matches} operator). */
    public boolean find(byte[] d, int off, int len, VmScratch s) {
        s.ensure(op.length);
        int[] clist = s.a, nlist = s.b;
        int[] cn = s.cn, nn = s.nn;
        cn[0] = 0;
        s.nextGen();
        addThread(s, clist, cn, 0, d, off, len, 0);
        for (int pos = 0; ; pos++) {
            nn[0] = 0;
            s.nextGen();
            int b = pos < len ? d[off + pos] & 0xFF : -1;
            for (int i = 0; i < cn[0]; i++) {
                int pc = clist[i];
                if (op[pc] == MATCH) return true;
                if (b >= 0 && classHas(x[pc], b)) addThread(s, nlist, nn, pc + 1, d, off, len, pos + 1);
            }
            if (pos >= len) return false;
            addThread(s, nlist, nn, 0, d, off, len, pos + 1);
            int[] t = clist;
            clist = nlist;
            nlist = t;
            int[] tc = cn;
            cn = nn;
            nn = tc;
        }
    }

    /** The set of bytes a match can start with; all 256 if the expression can match the empty string. */
    public long[] firstBytes() {
        long[] out = new long[4];
        boolean[] seen = new boolean[op.length];
        int[] stack = new int[op.length * 2 + 2];
        int sp = 0;
        stack[sp++] = 0;
        while (sp > 0) {
            int p = stack[--sp];
            if (seen[p]) continue;
            seen[p] = true;
            switch (op[p]) {
                case JMP -> stack[sp++] = x[p];
                case SPLIT -> {
                    stack[sp++] = y[p];
                    stack[sp++] = x[p];
                }
                case ASSERT -> stack[sp++] = p + 1;
                case MATCH -> {
                    return new long[] {-1L, -1L, -1L, -1L};
                }
                default -> {
                    for (int i = 0; i < 4; i++) out[i] |= classes[x[p] * 4 + i];
                }
            }
        }
        return out;
    }
}
