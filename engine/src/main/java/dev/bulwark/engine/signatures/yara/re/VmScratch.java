package dev.bulwark.engine.signatures.yara.re;

/** Mutable per-thread state of the Pike VM; grown on demand, reused across matches so matching allocates nothing. */
public final class VmScratch {
    int[] a;
    int[] b;
    int[] mark;
    int[] stack;
    final int[] cn = new int[1];
    final int[] nn = new int[1];
    int gen;

    public VmScratch(int size) {
        alloc(Math.max(16, size));
    }

    private void alloc(int size) {
        a = new int[size];
        b = new int[size];
        mark = new int[size];
        stack = new int[size * 2 + 2];
        gen = 0;
    }

    void ensure(int size) {
        if (a.length < size) alloc(Math.max(size, a.length * 2));
    }

    void nextGen() {
        if (++gen == Integer.MAX_VALUE) {
            java.util.Arrays.fill(mark, 0);
            gen = 1;
        }
    }
}
