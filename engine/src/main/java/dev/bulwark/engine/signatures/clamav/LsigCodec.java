package dev.bulwark.engine.signatures.clamav;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.match.FlatIO;
import dev.bulwark.engine.match.OffsetSpec;
import java.util.regex.Pattern;

/** Snapshot encoding of {@link LogicalSig} and {@link Logic} (see {@link SignatureSet#write}). */
final class LsigCodec {
    /** Logical expressions nest at most this deep in a snapshot (ClamAV's grammar is shallower). */
    private static final int MAX_DEPTH = 256;
    private static final int MAX_SUBS = 64;

    private LsigCodec() {}

    static void write(LogicalSig l, FlatIO.Writer out) {
        out.string(l.name());
        out.bool(l.weak());
        out.i32(l.target());
        range(l.fileSize(), out);
        range(l.entryPoint(), out);
        range(l.sections(), out);
        out.string(l.container() == null ? "" : l.container().name());
        out.i32(l.intermediates() == null ? -1 : l.intermediates().length);
        if (l.intermediates() != null) for (FileType t : l.intermediates()) out.string(t.name());
        logic(l.logic(), out);
        out.i32(l.subCount());
        out.i32(l.subs().length);
        for (LogicalSig.Sub s : l.subs()) sub(s, out);
        out.bool(l.needsOffsets());
    }

    static LogicalSig read(FlatIO.Reader in) {
        String name = in.string();
        boolean weak = in.bool();
        int target = in.i32();
        long[] fs = range(in), ep = range(in), sec = range(in);
        String c = in.string();
        FileType container = c.isEmpty() ? null : enumOf(FileType.class, c);
        int ni = in.i32();
        if (ni < -1 || ni > 64) throw new IllegalArgumentException("bad intermediates");
        FileType[] inter = ni < 0 ? null : new FileType[ni];
        for (int i = 0; i < ni; i++) inter[i] = enumOf(FileType.class, in.string());
        Logic logic = logic(in, 0);
        int subCount = in.i32();
        int ns = in.i32();
        if (subCount < 1 || subCount > MAX_SUBS || ns != subCount) throw new IllegalArgumentException("bad subsignature count");
        LogicalSig.Sub[] subs = new LogicalSig.Sub[ns];
        for (int i = 0; i < ns; i++) subs[i] = sub(in, subCount);
        return new LogicalSig(name, weak, target, fs, ep, sec, container, inter, logic, subCount, subs, in.bool());
    }

    static <E extends Enum<E>> E enumOf(Class<E> type, String name) {
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("unknown " + type.getSimpleName() + " " + name);
        }
    }

    private static void range(long[] r, FlatIO.Writer out) {
        out.bool(r != null);
        if (r != null) out.longs(r);
    }

    private static long[] range(FlatIO.Reader in) {
        if (!in.bool()) return null;
        long[] r = in.longs();
        if (r.length != 2) throw new IllegalArgumentException("bad range");
        return r;
    }

    private static void logic(Logic l, FlatIO.Writer out) {
        switch (l) {
            case Logic.Sub s -> { out.i32(0); out.i32(s.index()); out.i32(s.op()); out.i64(s.x()); }
            case Logic.Bin b -> { out.i32(1); out.bool(b.and()); logic(b.left(), out); logic(b.right(), out); }
            case Logic.Block k -> { out.i32(2); out.i32(k.op()); out.i64(k.x()); out.i32(k.y()); logic(k.inner(), out); }
        }
    }

    private static Logic logic(FlatIO.Reader in, int depth) {
        if (depth > MAX_DEPTH) throw new IllegalArgumentException("logical expression too deep");
        switch (in.i32()) {
            case 0 -> {
                int idx = in.i32(), op = in.i32();
                long x = in.i64();
                if (idx < 0 || idx >= MAX_SUBS || op < 0 || op > 0xFFFF) throw new IllegalArgumentException("bad expression term");
                return new Logic.Sub(idx, (char) op, x);
            }
            case 1 -> {
                boolean and = in.bool();
                Logic left = logic(in, depth + 1);
                return new Logic.Bin(and, left, logic(in, depth + 1));
            }
            case 2 -> {
                int op = in.i32();
                long x = in.i64();
                int y = in.i32();
                if (op < 0 || op > 0xFFFF) throw new IllegalArgumentException("bad expression block");
                return new Logic.Block(logic(in, depth + 1), (char) op, x, y);
            }
            default -> throw new IllegalArgumentException("bad expression node");
        }
    }

    private static void sub(LogicalSig.Sub s, FlatIO.Writer out) {
        switch (s) {
            case LogicalSig.BodySub b -> out.i32(0);
            case LogicalSig.Pcre p -> {
                out.i32(1);
                out.bool(p.trigger() != null);
                if (p.trigger() != null) logic(p.trigger(), out);
                out.string(p.regex().pattern());
                out.i32(p.regex().flags());
                OffsetSpec o = p.offset();
                out.bool(o != null);
                if (o != null) { out.i32(o.kind().ordinal()); out.i64(o.value()); out.i32(o.section()); out.i64(o.shift()); }
                out.bool(p.global()); out.bool(p.rolling()); out.bool(p.encompass()); out.bool(p.anchored());
            }
            case LogicalSig.ByteCompare b -> {
                out.i32(2);
                out.i32(b.ref()); out.bool(b.backwards()); out.i32(b.offset()); out.i32(b.base());
                out.bool(b.little()); out.bool(b.exact()); out.i32(b.length());
                int[] ops = new int[b.ops().length];
                for (int i = 0; i < ops.length; i++) ops[i] = b.ops()[i];
                out.ints(ops);
                out.longs(b.values());
            }
            case LogicalSig.Macro m -> { out.i32(3); out.i32(m.min()); out.i32(m.max()); out.i32(m.group()); }
            case LogicalSig.Unsupported u -> { out.i32(4); out.string(u.what()); }
        }
    }

    private static LogicalSig.Sub sub(FlatIO.Reader in, int subCount) {
        switch (in.i32()) {
            case 0 -> { return new LogicalSig.BodySub(); }
            case 1 -> {
                Logic trigger = in.bool() ? logic(in, 0) : null;
                String re = in.string();
                int flags = in.i32();
                OffsetSpec off = null;
                if (in.bool()) {
                    int k = in.i32();
                    OffsetSpec.Kind[] kinds = OffsetSpec.Kind.values();
                    if (k < 0 || k >= kinds.length) throw new IllegalArgumentException("bad offset kind");
                    off = new OffsetSpec(kinds[k], in.i64(), in.i32(), in.i64());
                    if (off.section() < 0 || off.shift() < 0) throw new IllegalArgumentException("bad offset");
                }
                Pattern p;
                try {
                    p = Pattern.compile(re, flags);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException("bad regular expression in snapshot");
                }
                return new LogicalSig.Pcre(trigger, p, off, in.bool(), in.bool(), in.bool(), in.bool());
            }
            case 2 -> {
                int ref = in.i32();
                boolean back = in.bool();
                int offset = in.i32(), base = in.i32();
                boolean little = in.bool(), exact = in.bool();
                int length = in.i32();
                int[] ops = in.ints();
                long[] values = in.longs();
                if (ref < 0 || ref >= subCount || base < 0 || base > 0xFFFF || length < 1 || length > 64
                        || ops.length != values.length || ops.length > 2)
                    throw new IllegalArgumentException("bad byte compare");
                char[] o = new char[ops.length];
                for (int i = 0; i < o.length; i++) o[i] = (char) ops[i];
                return new LogicalSig.ByteCompare(ref, back, offset, (char) base, little, exact, length, o, values);
            }
            case 3 -> {
                int min = in.i32(), max = in.i32(), group = in.i32();
                if (min < 0 || max < min || group < 0 || group >= 32) throw new IllegalArgumentException("bad macro");
                return new LogicalSig.Macro(min, max, group);
            }
            case 4 -> { return new LogicalSig.Unsupported(in.string()); }
            default -> throw new IllegalArgumentException("bad subsignature kind");
        }
    }
}
