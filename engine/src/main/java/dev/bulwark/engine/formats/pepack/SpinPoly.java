package dev.bulwark.engine.formats.pepack;

/**
 * PESpin's generated decryption routines: up to 0x24 bytes of 8-bit ALU instructions on AL (the byte)
 * and CL (the count of bytes left, low 8 bits), ended by "stosb" (0xaa) exactly at 0x24. The routine is
 * decoded once into a short list of operations and re-decoded only when the bytes it is made of are
 * themselves decrypted (a region that overlaps it).
 */
final class SpinPoly {
    /** Routine length up to the closing stosb. */
    static final int LENGTH = 0x24;
    /** Bytes of the routine that may be read: an instruction starting at 0x23 reads two operand bytes. */
    static final int SPAN = LENGTH + 3;
    private static final int ADD_CL = 1, SUB_CL = 2, ADD = 3, SUB = 4, XOR_CL = 5, XOR = 6, ROL = 7, ROR = 8;

    private final int[] op = new int[LENGTH], arg = new int[LENGTH];
    private int count;

    private SpinPoly() {}

    /**
     * Decrypts {@code b[at, at + len)} with the routine at {@code code}; false when the routine has an
     * unknown instruction, does not end with stosb at 0x24, or a range lies outside {@code b}.
     */
    static boolean run(byte[] b, int code, int at, int len) {
        if (len == 0) return true;
        if (code < 0 || code + SPAN > b.length || at < 0 || len < 0 || at + len > b.length) return false;
        SpinPoly p = new SpinPoly();
        if (!p.decode(b, code)) return false;
        boolean overlaps = at < code + SPAN && code < at + len;
        for (int i = 0; i < len; i++) {
            int al = b[at + i] & 0xff, cl = (len - i) & 0xff;
            for (int k = 0; k < p.count; k++) {
                int a = p.arg[k];
                al = switch (p.op[k]) {
                    case ADD_CL -> al + cl;
                    case SUB_CL -> al - cl;
                    case ADD -> al + a;
                    case SUB -> al - a;
                    case XOR_CL -> al ^ cl;
                    case XOR -> al ^ a;
                    case ROL -> al << a | al >>> (8 - a);
                    default -> al >>> a | al << (8 - a); // ROR
                } & 0xff;
            }
            b[at + i] = (byte) al;
            // the next byte runs the routine as it now reads
            if (overlaps && at + i >= code && at + i < code + SPAN && i + 1 < len && !p.decode(b, code)) return false;
        }
        return true;
    }

    /** Turns the routine into operations; inc/dec become add/sub 1, rotations keep their count mod 8. */
    private boolean decode(byte[] b, int code) {
        count = 0;
        int len = 0;
        while (len < LENGTH) {
            int o = b[code + len++] & 0xff;
            switch (o) {
                case 0xeb -> len += 2;                       // jmp short over one byte (as the unpacker skips it)
                case 0x0a -> len += 1;
                case 0x90, 0xf8, 0xf9 -> { }                 // nop, clc, stc
                case 0x02 -> { add(ADD_CL, 0); len++; }      // add al, cl
                case 0x2a -> { add(SUB_CL, 0); len++; }      // sub al, cl
                case 0x32 -> { add(XOR_CL, 0); len++; }      // xor al, cl
                case 0x04 -> add(ADD, b[code + len++] & 0xff);
                case 0x2c -> add(SUB, b[code + len++] & 0xff);
                case 0x34 -> add(XOR, b[code + len++] & 0xff);
                case 0xfe -> add((b[code + len++] & 0xff) == 0xc0 ? ADD : SUB, 1); // inc al / dec al
                case 0xc0 -> {
                    boolean left = (b[code + len++] & 0xff) == 0xc0;
                    add(left ? ROL : ROR, b[code + len++] & 7);
                }
                default -> { return false; }
            }
        }
        return len == LENGTH && (b[code + len] & 0xff) == 0xaa;
    }

    private void add(int o, int a) {
        op[count] = o;
        arg[count++] = a;
    }
}
