package dev.bulwark.engine.match;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link FlatPlan} (planning a stored plain-literal pattern on its encoding) against the general path
 * ({@link PatternCodec#read} then {@link AnchorPlanner#plan}) on seeded random patterns planned in sequence
 * against shared word loads, as the set's builder plans them: same anchors, anchor bytes, lazy parts, filter
 * windows, written anchors, record body and word loads after every pattern. Patterns the flat path does not
 * take (classes, alternatives, case-folded letters) must be refused, and the loads stay in step through them.
 */
class FlatPlanTest {
    private static final String[] BYTES = {"00", "ff", "41", "42", "90", "cc", "e8", "4d", "5a", "8b"};

    private static String randomPattern(Random r) {
        StringBuilder s = new StringBuilder();
        int parts = 1 + r.nextInt(4);
        for (int p = 0; p < parts; p++) {
            if (p > 0) {
                switch (r.nextInt(5)) {
                    case 0 -> s.append('*');
                    case 1 -> s.append('{').append(r.nextInt(300)).append('}'); // inline or a split
                    case 2 -> s.append("{-").append(1 + r.nextInt(400)).append('}');
                    case 3 -> s.append('{').append(r.nextInt(20)).append("-}");
                    default -> { int a = r.nextInt(50); s.append('{').append(a).append('-').append(a + r.nextInt(300)).append('}'); }
                }
            }
            int n = 2 + r.nextInt(14);
            for (int i = 0; i < n; i++) {
                int k = r.nextInt(12);
                if (k == 0) s.append("??");
                else if (k == 1) s.append('?').append(BYTES[r.nextInt(BYTES.length)].charAt(1));
                else if (k == 2) s.append(BYTES[r.nextInt(BYTES.length)].charAt(0)).append('?');
                else s.append(r.nextInt(3) == 0 ? String.format("%02x", r.nextInt(256)) : BYTES[r.nextInt(BYTES.length)]);
            }
            if (r.nextInt(25) == 0) s.append("(aa|bb)cc"); // an alternative: the general path only
            if (r.nextInt(25) == 0) s.append("[1-2]dd");
        }
        return s.toString();
    }

    private static byte[] encoding(BodyPattern p) {
        return p.encoded != null ? p.encoded : FlatHexParserTest.encode(p);
    }

    private static byte[] bytes(FlatBuffers.Out out) {
        ByteBuffer b = out.finish();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
    }

    @Test
    void flatPlanEqualsTheGeneralPath() throws Exception {
        Random r = new Random(20261126);
        int mask = (1 << 9) - 1; // a small table, so that loads pile up and steer the anchors
        int[] loadFlat = new int[mask + 1], loadGeneral = new int[mask + 1];
        FlatPlan flat = new FlatPlan();
        int taken = 0, refused = 0, moved = 0, lazy = 0;
        for (int t = 0; t < 20_000; t++) {
            BodyPattern parsed;
            try {
                parsed = HexPatternParser.parse(randomPattern(r));
            } catch (PatternException e) {
                continue;
            }
            byte[] rec = encoding(parsed);
            BodyPattern read = PatternCodec.read(new FlatBuffers.In(ByteBuffer.wrap(rec)), true);
            BodyPattern q = AnchorPlanner.plan(read, loadGeneral, mask);
            boolean plain = true;
            for (Elem[] part : read.parts) for (Elem e : part) if (!(e instanceof Elem.Lit l) || l.folded()) plain = false;
            if (!flat.read(rec, rec.length)) {
                assertFalse(plain, "a plain-literal pattern refused");
                // the builder plans it on the general path: the loads move in step
                System.arraycopy(loadGeneral, 0, loadFlat, 0, loadFlat.length);
                refused++;
                continue;
            }
            assertTrue(plain, "a pattern with other elements taken");
            flat.plan(loadFlat, mask);
            taken++;
            assertEquals(q.parts.length, flat.parts);
            assertEquals(rec.length - PatternCodec.anchorsSize(read), flat.body);
            assertArrayEquals(q.lazy, flat.lazy);
            for (int j = 0; j < flat.parts; j++) {
                assertEquals(q.anchorElem[j], flat.anchorElem[j]);
                assertEquals(q.anchorLen[j], flat.anchorLen[j]);
                assertEquals(1, q.anchorVariants[j].length);
                assertArrayEquals(q.anchorVariants[j][0], flat.anchor[j]);
                long[] w1 = new long[4], w2 = new long[4];
                PatternSet.window(q.parts[j], q.anchorElem[j], w1, 0);
                flat.window(j, w2, 0);
                assertArrayEquals(w1, w2);
                if (q.anchorElem[j] != read.anchorElem[j]) moved++;
                if (q.lazy[j] != BodyPattern.INDEXED) lazy++;
            }
            FlatBuffers.Out a = new FlatBuffers.Out(64), b = new FlatBuffers.Out(64);
            PatternCodec.writeAnchors(q, a);
            flat.writeAnchors(b);
            assertArrayEquals(bytes(a), bytes(b));
            assertArrayEquals(loadGeneral, loadFlat);
        }
        // the comparison covered every case it is about
        assertTrue(taken > 10_000, "taken " + taken);
        assertTrue(refused > 500, "refused " + refused);
        assertTrue(moved > 1_000, "anchors moved by the loads " + moved);
        assertTrue(lazy > 500, "lazy parts " + lazy);
    }
}
