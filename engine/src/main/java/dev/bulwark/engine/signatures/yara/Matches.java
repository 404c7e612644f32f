package dev.bulwark.engine.signatures.yara;

import java.util.Arrays;

/** Per-scan match lists, one per string: sorted offsets and lengths, no duplicates. Reused across scans. */
final class Matches {
    static final int MAX_MATCHES_PER_STRING = 1_000_000; // YARA's YR_MAX_STRING_MATCHES; extra matches are dropped

    final int[] count;
    final int[][] offsets;
    final int[][] lengths;

    Matches(int strings) {
        count = new int[strings];
        offsets = new int[strings][];
        lengths = new int[strings][];
    }

    void reset() {
        Arrays.fill(count, 0);
    }

    void add(int s, int offset, int length) {
        int n = count[s];
        int[] o = offsets[s];
        if (o == null) {
            o = offsets[s] = new int[4];
            lengths[s] = new int[4];
        }
        if (n > 0 && o[n - 1] >= offset) {
            int i = Arrays.binarySearch(o, 0, n, offset);
            if (i >= 0) {
                if (lengths[s][i] < length) lengths[s][i] = length;
                return;
            }
            if (n >= MAX_MATCHES_PER_STRING) return;
            grow(s, n);
            o = offsets[s];
            int at = -i - 1;
            System.arraycopy(o, at, o, at + 1, n - at);
            System.arraycopy(lengths[s], at, lengths[s], at + 1, n - at);
            o[at] = offset;
            lengths[s][at] = length;
            count[s] = n + 1;
            return;
        }
        if (n >= MAX_MATCHES_PER_STRING) return;
        grow(s, n);
        offsets[s][n] = offset;
        lengths[s][n] = length;
        count[s] = n + 1;
    }

    private void grow(int s, int n) {
        if (n == offsets[s].length) {
            offsets[s] = Arrays.copyOf(offsets[s], n * 2);
            lengths[s] = Arrays.copyOf(lengths[s], n * 2);
        }
    }
}
