package dev.bulwark.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;

import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * (daemon12) {@link LayerImpl#digest} makes its digests by cloning one unused instance per algorithm instead of a
 * provider look-up per call: the results must be the provider's own, for whole buffers and slices, each call must get
 * its own instance, and threads hashing at once must not see each other's state (a shared instance that was updated
 * would give wrong digests here).
 */
class LayerDigestTest {
    private static final String[] ALGORITHMS = {"MD5", "SHA-1", "SHA-256"};

    private static byte[] expected(int kind, byte[] b, int off, int len) throws Exception {
        MessageDigest md = MessageDigest.getInstance(ALGORITHMS[kind]);
        md.update(b, off, len);
        return md.digest();
    }

    @Test
    void digestsAreTheProvidersForEveryKindWholeAndSliced() throws Exception {
        byte[] b = new byte[100_000];
        new Random(12).nextBytes(b);
        for (int kind = 0; kind < ALGORITHMS.length; kind++) {
            assertArrayEquals(expected(kind, b, 0, b.length), LayerImpl.digest(ByteBuffer.wrap(b), kind));
            assertArrayEquals(expected(kind, b, 0, 0), LayerImpl.digest(ByteBuffer.allocate(0), kind));
            assertArrayEquals(expected(kind, b, 1234, 5678), LayerImpl.digest(ByteBuffer.wrap(b), 1234, 5678, kind));
            // twice: the second call must not start from the first one's state
            assertArrayEquals(expected(kind, b, 7, 64), LayerImpl.digest(ByteBuffer.wrap(b), 7, 64, kind));
            assertArrayEquals(expected(kind, b, 7, 64), LayerImpl.digest(ByteBuffer.wrap(b), 7, 64, kind));
            assertNotSame(LayerImpl.newDigest(kind), LayerImpl.newDigest(kind));
        }
    }

    @Test
    void threadsHashingAtOnceGetCorrectDigests() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                int seed = t;
                done.add(pool.submit(() -> {
                    Random r = new Random(seed);
                    for (int i = 0; i < 2_000; i++) {
                        byte[] b = new byte[1 + r.nextInt(3000)];
                        r.nextBytes(b);
                        int kind = r.nextInt(ALGORITHMS.length);
                        assertArrayEquals(expected(kind, b, 0, b.length), LayerImpl.digest(ByteBuffer.wrap(b), kind));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) f.get();
        } finally {
            pool.shutdownNow();
        }
    }
}
