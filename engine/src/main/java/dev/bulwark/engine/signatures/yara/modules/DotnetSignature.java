package dev.bulwark.engine.signatures.yara.modules;

import java.util.List;

/**
 * Decodes the types of ECMA-335 signature blobs (II.23.2.12) into the names YARA 4.5's dotnet module gives them:
 * C# keywords for the primitives ({@code int}, {@code string}, {@code IntPtr}, ...), {@code List<String>} for
 * generic instantiations, {@code int[]}, {@code int[,]} and {@code int[2...5]} for arrays, {@code Ptr<int>},
 * {@code ref int}, {@code FnPtr<void(int, bool)>}, generic parameters by name, custom modifiers dropped. A type
 * that cannot be decoded is null, as in YARA (the method or base type that needs it is then left out).
 *
 * <p>One instance serves one assembly; it carries the work budget that bounds the whole assembly's decoding
 * (TypeSpec blobs can refer to each other, so without it a few hundred bytes could expand exponentially).
 */
final class DotnetSignature {
    static final int MAX_TYPE_DEPTH = 16; // yara's MAX_TYPE_DEPTH: nesting within one type, TypeSpec hops included
    static final int MAX_ARRAY_RANK = 50; // yara's MAX_ARRAY_RANK
    static final int MAX_GENERIC_ARGS = 1000; // yara's MAX_GEN_PARAM_COUNT
    static final int MAX_PARAMS = 2000; // yara's MAX_PARAM_COUNT (method and function-pointer parameters)
    // Work budget for one assembly. A large real assembly (15,000 methods, yara's row limit) needs well under a
    // tenth of each; TypeSpecs that refer to each other could otherwise expand to 1000^8 names.
    static final long MAX_TYPE_NODES = 2_000_000; // signature elements decoded
    static final long MAX_TYPE_CHARS = 32_000_000; // characters of type names built, intermediate ones included

    private static final int VOID = 0x01, BOOL = 0x02, CHAR = 0x03, I1 = 0x04, U1 = 0x05, I2 = 0x06, U2 = 0x07,
            I4 = 0x08, U4 = 0x09, I8 = 0x0a, U8 = 0x0b, R4 = 0x0c, R8 = 0x0d, STRING = 0x0e, PTR = 0x0f, BYREF = 0x10,
            VALUETYPE = 0x11, CLASS = 0x12, VAR = 0x13, ARRAY = 0x14, GENERICINST = 0x15, TYPEDBYREF = 0x16,
            I = 0x18, U = 0x19, FNPTR = 0x1b, OBJECT = 0x1c, SZARRAY = 0x1d, MVAR = 0x1e, CMOD_REQD = 0x1f,
            CMOD_OPT = 0x20;

    /** Names a TypeDefOrRefOrSpecEncoded index (II.23.2.8); null when it names nothing YARA can print. */
    interface Resolver {
        String typeDefOrRef(long coded, List<String> classGeneric, int depth);
    }

    /** A read position inside one blob: where the next byte is and how many bytes of the blob are left. */
    static final class Cursor {
        final ScanInput in;
        long pos, left;

        Cursor(ScanInput in, long pos, long left) {
            this.in = in;
            this.pos = pos;
            this.left = Math.max(0, Math.min(left, in.len() - pos)); // never past the end of the data
        }
    }

    private final Resolver resolver;
    private long nodes = MAX_TYPE_NODES, chars = MAX_TYPE_CHARS;

    DotnetSignature(Resolver resolver) {
        this.resolver = resolver;
    }

    boolean exhausted() {
        return nodes <= 0 || chars <= 0;
    }

    /** Compressed unsigned integer (II.23.2); 0 without moving when the blob has too few bytes left, as yara. */
    static long unsigned(Cursor c) {
        if (c.left < 1) return 0;
        int b0 = c.in.u8(c.pos);
        if ((b0 & 0x80) == 0) {
            c.pos++;
            c.left--;
            return b0;
        }
        if (c.left < 2) return 0;
        if ((b0 & 0xC0) == 0x80) {
            long v = (b0 & 0x3F) << 8 | c.in.u8(c.pos + 1);
            c.pos += 2;
            c.left -= 2;
            return v;
        }
        if (c.left < 4) return 0;
        if ((b0 & 0xE0) == 0xC0) {
            long v = (long) (b0 & 0x1F) << 24 | c.in.u8(c.pos + 1) << 16 | c.in.u8(c.pos + 2) << 8 | c.in.u8(c.pos + 3);
            c.pos += 4;
            c.left -= 4;
            return v;
        }
        return 0;
    }

    /** Compressed signed integer (II.23.2: the sign bit rotated to bit 0); 0 when unreadable, as yara. */
    static int signed(Cursor c) {
        long before = c.pos;
        long raw = unsigned(c);
        int width = (int) (c.pos - before); // 1, 2 or 4 bytes holding 7, 14 or 29 bits; 0 when unreadable
        int v = (int) (raw >>> 1);
        if ((raw & 1) == 0 || width == 0) return v;
        return v | (width == 1 ? ~0x3F : width == 2 ? ~0x1FFF : ~0x0FFFFFFF); // negative: extend the sign
    }

    /** The type at the cursor, or null (unknown element, missing generic parameter, too deep, budget spent). */
    String type(Cursor c, List<String> classGeneric, List<String> methodGeneric, int depth) {
        if (c.left < 1 || !c.in.has(c.pos, 1) || depth > MAX_TYPE_DEPTH || exhausted()) return null;
        nodes--;
        int t = c.in.u8(c.pos);
        c.pos++;
        c.left--;
        String r = switch (t) {
            case VOID -> "void";
            case BOOL -> "bool";
            case CHAR -> "char";
            case I1 -> "sbyte";
            case U1 -> "byte";
            case I2 -> "short";
            case U2 -> "ushort";
            case I4 -> "int";
            case U4 -> "uint";
            case I8 -> "long";
            case U8 -> "ulong";
            case R4 -> "float";
            case R8 -> "double";
            case STRING -> "string";
            case TYPEDBYREF -> "TypedReference";
            case I -> "IntPtr";
            case U -> "UIntPtr";
            case OBJECT -> "object";
            case PTR -> wrap("Ptr<", type(c, classGeneric, methodGeneric, depth + 1), ">");
            case BYREF -> wrap("ref ", type(c, classGeneric, methodGeneric, depth + 1), "");
            case SZARRAY -> wrap("", type(c, classGeneric, methodGeneric, depth + 1), "[]");
            case VALUETYPE, CLASS -> resolver.typeDefOrRef(unsigned(c), classGeneric, depth + 1);
            case VAR, MVAR -> {
                long index = unsigned(c);
                List<String> names = t == VAR ? classGeneric : methodGeneric;
                yield names != null && index < names.size() ? names.get((int) index) : null;
            }
            case ARRAY -> array(c, classGeneric, methodGeneric, depth);
            case GENERICINST -> generic(c, classGeneric, methodGeneric, depth);
            case FNPTR -> functionPointer(c, classGeneric, methodGeneric, depth);
            case CMOD_REQD, CMOD_OPT -> {
                unsigned(c); // the modifier's type is not shown
                yield type(c, classGeneric, methodGeneric, depth + 1);
            }
            default -> null;
        };
        return charge(r);
    }

    private String charge(String r) {
        if (r == null) return null;
        chars -= r.length();
        return chars < 0 ? null : r;
    }

    private static String wrap(String before, String inner, String after) {
        return inner == null ? null : before + inner + after;
    }

    /** ARRAY: element type, rank, sizes, lower bounds; printed as yara does ({@code int[,]}, {@code int[2...5]}). */
    private String array(Cursor c, List<String> classGeneric, List<String> methodGeneric, int depth) {
        String element = type(c, classGeneric, methodGeneric, depth + 1);
        if (element == null) return null;
        long rank = unsigned(c);
        if (rank == 0 || rank > MAX_ARRAY_RANK) return null;
        long numSizes = unsigned(c);
        if (numSizes > rank) return null;
        int[] sizes = new int[(int) numSizes];
        for (int i = 0; i < numSizes; i++) sizes[i] = (int) unsigned(c);
        long numBounds = unsigned(c);
        if (numBounds > rank) return null;
        int[] bounds = new int[(int) numBounds];
        for (int i = 0; i < numBounds; i++) {
            bounds[i] = signed(c);
            if (numSizes > i && bounds[i] != 0) sizes[i] += bounds[i] - 1; // yara prints the upper bound
        }
        StringBuilder sb = new StringBuilder(element).append('[');
        for (int i = 0; i < rank; i++) {
            if (numBounds > i && bounds[i] != 0) sb.append(bounds[i]).append("...");
            if (numSizes > i) sb.append(sizes[i]);
            if (i + 1 != rank) sb.append(',');
        }
        return sb.append(']').toString();
    }

    /**
     * GENERICINST: the generic type and its arguments. Like yara, an argument that cannot be decoded is left out
     * while the separators stay as if it were there ({@code Dictionary<,int>}).
     */
    private String generic(Cursor c, List<String> classGeneric, List<String> methodGeneric, int depth) {
        String base = type(c, classGeneric, methodGeneric, depth + 1);
        if (base == null) return null;
        long count = unsigned(c);
        if (count > MAX_GENERIC_ARGS) return null;
        StringBuilder sb = new StringBuilder(base).append('<');
        for (int i = 0; i < count && !exhausted(); i++) {
            String arg = type(c, classGeneric, methodGeneric, depth + 1);
            if (arg == null) continue;
            if (i > 0) sb.append(',');
            sb.append(arg);
        }
        return exhausted() ? null : sb.append('>').toString();
    }

    /** FNPTR: calling convention byte (ignored), parameter count, return type, parameters. */
    private String functionPointer(Cursor c, List<String> classGeneric, List<String> methodGeneric, int depth) {
        if (c.left < 1) return null;
        c.pos++;
        c.left--;
        long count = unsigned(c);
        if (count > MAX_PARAMS) return null;
        String ret = type(c, classGeneric, methodGeneric, depth + 1);
        if (ret == null) return null;
        StringBuilder sb = new StringBuilder("FnPtr<").append(ret).append('(');
        for (int i = 0; i < count && !exhausted(); i++) {
            String p = type(c, classGeneric, methodGeneric, depth + 1);
            if (p == null) continue;
            if (i > 0) sb.append(", ");
            sb.append(p);
        }
        return exhausted() ? null : sb.append(")>").toString();
    }
}
