package dev.bulwark.engine.match;

import java.util.Arrays;

/** A growable int array without boxing, reused as scratch. */
public final class IntList {
    private int[] a = new int[8];
    private int n;

    public int size() { return n; }
    public int get(int i) { return a[i]; }
    public void clear() { n = 0; }
    public void set(int i, int v) { a[i] = v; }
    /** Keeps the first {@code size} values. */
    public void truncate(int size) { n = Math.min(n, size); }

    public void add(int v) {
        if (n == a.length) a = Arrays.copyOf(a, n * 2);
        a[n++] = v;
    }

    /** Adds v unless already present (lists stay tiny: verification results). */
    public void addUnique(int v) {
        for (int i = 0; i < n; i++) if (a[i] == v) return;
        add(v);
    }

    public int min() {
        int m = Integer.MAX_VALUE;
        for (int i = 0; i < n; i++) m = Math.min(m, a[i]);
        return m;
    }

    public int[] toArray() { return Arrays.copyOf(a, n); }
}
