package dev.bulwark.engine.exe;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Writes small but well-formed thin Mach-O files for tests (no Mach-O toolchain is installed here). */
final class MachoBuilder {
    record Section(long addr, long size, long offset, int align) {}

    private final int cpu;
    private final boolean m64;
    private final boolean bigEndian;
    private final List<Section> sections = new ArrayList<>();
    private long threadPc = -1;
    private int fileSize = 4096;
    private long seed = 1;

    MachoBuilder(int cpu, boolean m64, boolean bigEndian) {
        this.cpu = cpu;
        this.m64 = m64;
        this.bigEndian = bigEndian;
    }

    static final int CPU_X86 = 7, CPU_X86_64 = 7 | 0x1000000, CPU_ARM64 = 12 | 0x1000000, CPU_PPC = 18,
            CPU_PPC64 = 18 | 0x1000000;

    MachoBuilder section(long addr, long size, long offset, int align) {
        sections.add(new Section(addr, size, offset, align));
        return this;
    }

    /** Adds an LC_UNIXTHREAD whose program counter is {@code pc} (state layout of the cpu type). */
    MachoBuilder thread(long pc) {
        threadPc = pc;
        return this;
    }

    MachoBuilder size(int n) {
        fileSize = n;
        return this;
    }

    MachoBuilder seed(long s) {
        seed = s;
        return this;
    }

    byte[] build() {
        byte[] out = new byte[fileSize];
        new Random(seed).nextBytes(out);
        ByteBuffer b = ByteBuffer.wrap(out).order(bigEndian ? ByteOrder.BIG_ENDIAN : ByteOrder.LITTLE_ENDIAN);
        int ncmds = 1 + (threadPc >= 0 ? 1 : 0);
        b.putInt(0, m64 ? 0xfeedfacf : 0xfeedface);
        b.putInt(4, cpu);
        b.putInt(8, 3);
        b.putInt(12, 2); // MH_EXECUTE
        b.putInt(16, ncmds);
        b.putInt(24, 0);
        int at = m64 ? 32 : 28;
        if (m64) b.putInt(28, 0);
        int sectSize = m64 ? 80 : 68;
        int segSize = (m64 ? 72 : 56) + sectSize * sections.size();
        int sizeofcmds = segSize;
        b.putInt(at, m64 ? 0x19 : 0x1);
        b.putInt(at + 4, segSize);
        putName(out, at + 8, "__TEXT");
        int p = at + 8 + 16;
        if (m64) {
            b.putLong(p, 0x1000);
            b.putLong(p + 8, 0x10000);
            b.putLong(p + 16, 0);
            b.putLong(p + 24, fileSize);
            b.putInt(p + 32, 7);
            b.putInt(p + 36, 5);
            b.putInt(p + 40, sections.size());
            b.putInt(p + 44, 0);
            p += 48;
        } else {
            b.putInt(p, 0x1000);
            b.putInt(p + 4, 0x10000);
            b.putInt(p + 8, 0);
            b.putInt(p + 12, fileSize);
            b.putInt(p + 16, 7);
            b.putInt(p + 20, 5);
            b.putInt(p + 24, sections.size());
            b.putInt(p + 28, 0);
            p += 32;
        }
        for (Section s : sections) {
            putName(out, p, "__text");
            putName(out, p + 16, "__TEXT");
            if (m64) {
                b.putLong(p + 32, s.addr);
                b.putLong(p + 40, s.size);
                b.putInt(p + 48, (int) s.offset);
                b.putInt(p + 52, s.align);
                for (int k = 56; k < 80; k += 4) b.putInt(p + k, 0);
            } else {
                b.putInt(p + 32, (int) s.addr);
                b.putInt(p + 36, (int) s.size);
                b.putInt(p + 40, (int) s.offset);
                b.putInt(p + 44, s.align);
                for (int k = 48; k < 68; k += 4) b.putInt(p + k, 0);
            }
            p += sectSize;
        }
        if (threadPc >= 0) {
            int state = cpu == CPU_PPC64 ? 312 : cpu == CPU_PPC ? 160 : 64;
            int flavorCount = state / 4;
            b.putInt(p, 0x5);
            b.putInt(p + 4, 16 + state);
            b.putInt(p + 8, 1);
            b.putInt(p + 12, flavorCount);
            for (int k = 0; k < state; k += 4) b.putInt(p + 16 + k, 0);
            if (cpu == CPU_PPC64) b.putLong(p + 16, threadPc);
            else if (cpu == CPU_PPC) b.putInt(p + 16, (int) threadPc);
            else b.putInt(p + 16 + 40, (int) threadPc); // i386 eip
            sizeofcmds += 16 + state;
            p += 16 + state;
        }
        b.putInt(20, sizeofcmds);
        return out;
    }

    private static void putName(byte[] out, int at, String s) {
        for (int i = 0; i < 16; i++) out[at + i] = i < s.length() ? (byte) s.charAt(i) : 0;
    }

    /** A universal binary holding {@code slices}, each aligned to 4096 bytes. */
    static byte[] fat(byte[]... slices) {
        int off = 4096;
        int total = off;
        for (byte[] s : slices) total = align(total, 4096) + s.length;
        byte[] out = new byte[total];
        ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.BIG_ENDIAN);
        b.putInt(0, 0xcafebabe);
        b.putInt(4, slices.length);
        int at = 8;
        for (byte[] s : slices) {
            off = align(off, 4096);
            b.putInt(at, CPU_X86_64);
            b.putInt(at + 4, 3);
            b.putInt(at + 8, off);
            b.putInt(at + 12, s.length);
            b.putInt(at + 16, 12);
            System.arraycopy(s, 0, out, off, s.length);
            off += s.length;
            at += 20;
        }
        return out;
    }

    private static int align(int v, int a) {
        return (v + a - 1) / a * a;
    }
}
