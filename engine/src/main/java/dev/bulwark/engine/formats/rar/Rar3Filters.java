package dev.bulwark.engine.formats.rar;

import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.nio.ByteBuffer;
import java.util.zip.CRC32;

/**
 * RAR 3 filter blocks. The format ships each filter as RAR VM bytecode; the compressor only ever
 * emits six standard programs, which every independent unpacker recognises by length and CRC32 and
 * runs natively instead of interpreting (E8, E8E9, ITANIUM, DELTA, RGB, AUDIO). Any other program
 * makes the member undecodable from that point: an error, reported as a note.
 */
final class Rar3Filters implements Window.FilterRunner {
    static final int E8 = 1, E8E9 = 2, ITANIUM = 3, DELTA = 4, RGB = 5, AUDIO = 6;
    /** Programs an archive may define (RAR's own limit). */
    private static final int MAX_PROGRAMS = 8192;
    /** The VM's work memory: filter blocks larger than this cannot exist. */
    static final int VM_MEMORY = 0x3c000;
    /** Bytecode and global data per filter record is bounded by the 16-bit length field. */
    private static final int MAX_CODE = 0x10000 + 8;
    /** Global data a filter may carry (VM global area minus its fixed part). */
    private static final int MAX_GLOBAL = 0x2000 - 0x40;
    /** Channels of the DELTA and AUDIO filters (RAR's limit). */
    private static final int MAX_CHANNELS = 1024;

    private final Window w;
    private final int[] programType = new int[MAX_PROGRAMS];
    private final int[] programLength = new int[MAX_PROGRAMS];
    private int programs;
    private int lastProgram;
    private final byte[] code = new byte[MAX_CODE];
    private final int[] regs = new int[7];
    private final CRC32 crc = new CRC32();

    Rar3Filters(Window w) { this.w = w; }

    void reset() {
        programs = 0;
        lastProgram = 0;
    }

    /** Symbol 257: reads one filter record from the main stream and queues the filter at {@code pos}. */
    void read(BitInput in, long pos) {
        read(() -> in.bits(8), pos);
        if (in.overrun()) throw new MalformedException("rar: filter record past the end of data", in.bytePos());
    }

    /** Reads a filter record byte by byte (from the LZ bit stream or from PPMd-decoded bytes). */
    void read(java.util.function.IntSupplier next, long pos) {
        int first = next.getAsInt();
        int len = (first & 7) + 1;
        if (len == 7) len = next.getAsInt() + 7;
        else if (len == 8) len = next.getAsInt() << 8 | next.getAsInt();
        if (len == 0) throw new MalformedException("rar: empty filter record", pos);
        for (int i = 0; i < len; i++) code[i] = (byte) next.getAsInt();
        parse(new BitInput(ByteBuffer.wrap(code, 0, len), 0, len), first, pos);
    }

    private void parse(BitInput r, int first, long pos) {
        int num;
        if ((first & 0x80) != 0) {
            num = number(r);
            if (num == 0) reset();
            else num--;
        } else {
            num = lastProgram;
        }
        if (num < 0 || num > programs || num >= MAX_PROGRAMS) throw new MalformedException("rar: bad filter number", pos);
        lastProgram = num;
        boolean fresh = num == programs;
        long start = number(r) & 0xffffffffL;
        if ((first & 0x40) != 0) start += 258;
        int length;
        if ((first & 0x20) != 0) {
            length = number(r);
            if (!fresh) programLength[num] = length;
        } else {
            length = fresh ? 0 : programLength[num];
        }
        java.util.Arrays.fill(regs, 0);
        regs[4] = length;
        if ((first & 0x10) != 0) {
            int mask = r.bits(7);
            for (int i = 0; i < 7; i++) if ((mask & (1 << i)) != 0) regs[i] = number(r);
        }
        if (fresh) {
            int size = number(r);
            if (size <= 0 || size >= 0x10000) throw new MalformedException("rar: bad filter code size", pos);
            byte[] prog = new byte[size];
            for (int i = 0; i < size; i++) prog[i] = (byte) r.bits(8);
            programType[num] = identify(prog);
            programLength[num] = length;
            programs++;
        }
        if ((first & 0x08) != 0) {
            int global = number(r);
            if (global < 0 || global > MAX_GLOBAL) throw new MalformedException("rar: filter global data too large", pos);
            for (int i = 0; i < global; i++) r.bits(8); // user data is used by custom programs only
        }
        if (r.overrun()) throw new MalformedException("rar: filter record truncated", pos);
        int type = programType[num];
        if (type == 0) throw new MalformedException("rar: non-standard RAR VM filter (not supported)", pos);
        if (length < 0 || length > VM_MEMORY) throw new MalformedException("rar: filter block of " + length + " bytes", pos);
        // the filter's parameters ride in the argument: channels, or stride and red position for RGB;
        // bad ones fail when the filter runs (a filter past the member's end never does)
        boolean bad = type == RGB ? regs[0] < 3 || regs[0] > length || regs[1] < 0 || regs[1] > 2
                : (type == AUDIO || type == DELTA) && (regs[0] <= 0 || regs[0] > MAX_CHANNELS);
        int arg = bad ? -1 : switch (type) {
            case DELTA, AUDIO -> regs[0];
            case RGB -> regs[0] | regs[1] << 24;
            default -> 0;
        };
        w.addFilter(pos + start, length, type, arg);
    }

    /** RAR VM's variable-length number: 4, 8 (or a negative 8-bit), 16 or 32 bits after a 2-bit tag. */
    private static int number(BitInput r) {
        int v = r.peek(16);
        switch (v & 0xc000) {
            case 0 -> {
                r.skip(6);
                return (v >> 10) & 0xf;
            }
            case 0x4000 -> {
                if ((v & 0x3c00) == 0) {
                    r.skip(14);
                    return 0xffffff00 | ((v >> 2) & 0xff);
                }
                r.skip(10);
                return (v >> 6) & 0xff;
            }
            case 0x8000 -> {
                r.skip(2);
                return r.bits(16);
            }
            default -> {
                r.skip(2);
                int hi = r.bits(16);
                return hi << 16 | r.bits(16);
            }
        }
    }

    /** Recognises a standard program by its length and CRC32 (after RAR's XOR check byte). */
    private int identify(byte[] prog) {
        int x = 0;
        for (int i = 1; i < prog.length; i++) x ^= prog[i];
        if ((byte) x != prog[0]) return 0;
        crc.reset();
        crc.update(prog);
        long c = crc.getValue();
        return switch (prog.length) {
            case 53 -> c == 0xad576887L ? E8 : 0;
            case 57 -> c == 0x3cd7e57eL ? E8E9 : 0;
            case 120 -> c == 0x3769893fL ? ITANIUM : 0;
            case 29 -> c == 0x0e06077dL ? DELTA : 0;
            case 149 -> c == 0x1c2c5dc8L ? RGB : 0;
            case 216 -> c == 0xbc85e701L ? AUDIO : 0;
            default -> 0;
        };
    }

    @Override
    public byte[] run(int type, int arg, byte[] data, byte[] scratch, int len, long fileOffset) {
        if (arg == -1) throw new MalformedException("rar: filter with bad parameters", fileOffset);
        if (len > VM_MEMORY / 2 && type >= DELTA) throw new MalformedException("rar: filter block too large", fileOffset);
        switch (type) {
            case E8, E8E9 -> Filters.e8(data, len, fileOffset, type == E8E9, false);
            case ITANIUM -> Filters.itanium(data, len, fileOffset);
            case DELTA -> {
                Filters.delta(data, scratch, len, arg);
                return scratch;
            }
            case RGB -> {
                Filters.rgb(data, scratch, len, arg & 0xffffff, arg >>> 24);
                return scratch;
            }
            default -> {
                Filters.audio(data, scratch, len, arg);
                return scratch;
            }
        }
        return data;
    }
}
