package dev.bulwark.engine.formats.autoit;

/**
 * The two XOR keystreams of compiled AutoIt scripts. EA05 uses the Mersenne Twister (MT19937) and
 * takes bits 1..8 of each tempered output; EA06 uses a 17-word lagged generator with rotations
 * (AutoIt's "RanRot" variant) and takes the top byte of every second output.
 */
abstract class Keystream {
    abstract int next();

    /** XORs {@code len} bytes of {@code b} from {@code off} with the stream. */
    final void apply(byte[] b, int off, int len) {
        for (int i = 0; i < len; i++) b[off + i] ^= (byte) next();
    }

    static Keystream ea05(int seed) {
        return new MersenneTwister(seed);
    }

    static Keystream ea06(int seed) {
        return new RanRot(seed);
    }

    /** MT19937, seeded with the reference initialisation; output byte = (tempered >>> 1) & 0xff. */
    private static final class MersenneTwister extends Keystream {
        private static final int N = 624, M = 397;
        private final int[] mt = new int[N];
        private int index = N;

        MersenneTwister(int seed) {
            mt[0] = seed;
            for (int i = 1; i < N; i++) mt[i] = 1812433253 * (mt[i - 1] ^ (mt[i - 1] >>> 30)) + i;
        }

        @Override
        int next() {
            if (index == N) twist();
            int y = mt[index++];
            y ^= y >>> 11;
            y ^= (y << 7) & 0x9d2c5680;
            y ^= (y << 15) & 0xefc60000;
            y ^= y >>> 18;
            return (y >>> 1) & 0xff;
        }

        private void twist() {
            for (int i = 0; i < N; i++) {
                int y = (mt[i] & 0x80000000) | (mt[(i + 1) % N] & 0x7fffffff);
                mt[i] = mt[(i + M) % N] ^ (y >>> 1) ^ ((y & 1) != 0 ? 0x9908b0df : 0);
            }
            index = 0;
        }
    }

    /**
     * Seeded by 17 rounds of {@code s = 1 - s * 0x53a9b4fb}; each step adds two rotated words
     * (lags 0 and 10, indices counting down modulo 17) and stores the sum. The byte is the sum's top
     * eight bits, as AutoIt derives it by scaling the sum to a double in [0, 1) and multiplying by 256.
     */
    private static final class RanRot extends Keystream {
        private static final int WORDS = 17;
        private final int[] w = new int[WORDS];
        private int a, b = 10;

        RanRot(int seed) {
            int s = seed;
            for (int i = 0; i < WORDS; i++) {
                s = 1 - s * 0x53a9b4fb;
                w[i] = s;
            }
            for (int i = 0; i < 9; i++) step();
        }

        private int step() {
            int r = Integer.rotateLeft(w[a], 9) + Integer.rotateLeft(w[b], 13);
            w[a] = r;
            a = a == 0 ? WORDS - 1 : a - 1;
            b = b == 0 ? WORDS - 1 : b - 1;
            return r;
        }

        @Override
        int next() {
            step();
            return step() >>> 24;
        }
    }
}
