package dev.bulwark.engine.formats.zip;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Random;
import java.util.zip.Deflater;
import java.util.zip.Inflater;
import java.util.zip.InflaterInputStream;
import org.junit.jupiter.api.Test;

/**
 * {@link ZipMethods.Inflating} decodes what the JDK's InflaterInputStream over the same bytes decoded (it replaced
 * it): the same bytes, then the same end or the same error, for whole, truncated and damaged members, read in
 * chunks as the scanner reads members; heap, read-only and direct buffers.
 */
class ZipInflatingTest {
    /** What one reading gave: the bytes, then "EOF" or the error's class and message. */
    private static String readAll(InputStream in, int chunk) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[chunk];
        String end;
        try {
            int r;
            while ((r = in.read(b, 0, b.length)) >= 0) out.write(b, 0, r);
            end = "EOF";
        } catch (IOException | RuntimeException e) {
            end = e.getClass().getName() + ": " + e.getMessage();
        }
        return out.size() + ":" + java.util.Arrays.hashCode(out.toByteArray()) + ":" + end;
    }

    private static String reference(ByteBuffer member, int chunk) throws IOException {
        Inflater inf = new Inflater(true);
        try (InputStream in = new InflaterInputStream(new BufferInputStream(member), inf, 16 * 1024)) {
            return readAll(in, chunk);
        } finally {
            inf.end();
        }
    }

    private static String ours(ByteBuffer member, int chunk) {
        try (InputStream in = new ZipMethods.Inflating(member)) {
            return readAll(in, chunk);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static byte[] deflate(byte[] plain, int level) {
        Deflater d = new Deflater(level, true);
        d.setInput(plain);
        d.finish();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] b = new byte[8192];
        while (!d.finished()) out.write(b, 0, d.deflate(b));
        d.end();
        return out.toByteArray();
    }

    private static byte[] sample(Random r, int n) {
        byte[] p = new byte[n];
        for (int i = 0; i < n; i++) p[i] = r.nextInt(4) == 0 ? (byte) r.nextInt(256) : (byte) "abc defg\n".charAt(r.nextInt(9));
        return p;
    }

    private static void same(byte[] member, int chunk) throws IOException {
        String want = reference(ByteBuffer.wrap(member), chunk);
        assertEquals(want, ours(ByteBuffer.wrap(member), chunk), "heap");
        assertEquals(want, ours(ByteBuffer.wrap(member).asReadOnlyBuffer(), chunk), "read-only");
        ByteBuffer direct = ByteBuffer.allocateDirect(member.length + 7).position(7);
        direct.put(member).position(7);
        assertEquals(want, ours(direct.slice(), chunk), "direct, at an offset");
    }

    @Test
    void wholeMembersDecodeTheSame() throws IOException {
        Random r = new Random(6);
        for (int n : new int[] {0, 1, 100, 16 * 1024 - 1, 16 * 1024, 70_000, 300_000}) {
            for (int level : new int[] {0, 1, 9}) {
                byte[] plain = sample(r, n);
                byte[] member = deflate(plain, level);
                same(member, 64 * 1024);
                same(member, 1000);
                try (InputStream in = new ZipMethods.Inflating(ByteBuffer.wrap(member))) {
                    assertTrue(java.util.Arrays.equals(plain, in.readAllBytes()), n + " bytes at level " + level);
                }
            }
        }
    }

    @Test
    void truncatedMembersEndTheSameAtEveryLength() throws IOException {
        byte[] member = deflate(sample(new Random(7), 60_000), 6);
        for (int len = 0; len < member.length; len += len < 200 ? 1 : 97) {
            same(java.util.Arrays.copyOf(member, len), 64 * 1024);
        }
    }

    @Test
    void damagedMembersFailTheSame() throws IOException {
        Random r = new Random(8);
        byte[] good = deflate(sample(r, 50_000), 6);
        for (int i = 0; i < 300; i++) {
            byte[] bad = good.clone();
            int hits = 1 + r.nextInt(3);
            for (int k = 0; k < hits; k++) bad[r.nextInt(bad.length)] ^= (byte) (1 + r.nextInt(255));
            same(bad, 64 * 1024);
        }
        byte[] noise = new byte[40_000];
        r.nextBytes(noise);
        same(noise, 64 * 1024);
    }

    @Test
    void smallReadsAndClose() throws IOException {
        byte[] member = deflate("hello, hello, hello".getBytes(java.nio.charset.StandardCharsets.US_ASCII), 9);
        for (int chunk : new int[] {1, 2, 3, 7}) same(member, chunk);
        InputStream in = new ZipMethods.Inflating(ByteBuffer.wrap(member));
        assertEquals('h', in.read());
        in.close();
        in.close();
        assertTrue(readAll(in, 10).endsWith("java.io.IOException: Stream closed"));
    }
}
