package dev.bulwark.engine.signatures.clamav;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.match.FlatBuffers;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The front-coded name table: exact round trips, compactness on runs of similar names, corrupt input. */
class NamesTest {
    private static List<String> sample(int n, long seed) {
        Random r = new Random(seed);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            names.add(switch (r.nextInt(5)) {
                case 0 -> "Synth.Hash.MD5-" + i;
                case 1 -> "PUA.Win.Tool-" + r.nextInt(1000);
                case 2 -> "";
                case 3 -> "Ünïcødé.名前-" + i + ".UNOFFICIAL";
                default -> names.isEmpty() ? "x" : names.get(names.size() - 1); // repeats: everything shared
            });
        }
        return names;
    }

    private static Names build(List<String> names) {
        Names.Builder b = Names.builder();
        for (int i = 0; i < names.size(); i++) assertEquals(i, b.add(names.get(i)));
        return b.build();
    }

    private static ByteBuffer serialize(Names n) {
        FlatBuffers.Out out = new FlatBuffers.Out();
        n.write(out);
        return out.finish();
    }

    @Test
    void everyNameRoundTripsInMemoryAndThroughASnapshotView() {
        List<String> names = sample(1000, 7);
        Names built = build(names);
        Names read = Names.read(new FlatBuffers.In(serialize(built)));
        assertEquals(names.size(), read.size());
        for (int i = 0; i < names.size(); i++) {
            assertEquals(names.get(i), built.get(i), "built " + i);
            assertEquals(names.get(i), read.get(i), "read " + i);
            assertEquals(SignatureSet.isWeak(names.get(i)), read.weak(i));
        }
        assertThrows(IndexOutOfBoundsException.class, () -> read.get(names.size()));
        assertThrows(IndexOutOfBoundsException.class, () -> read.get(-1));
    }

    /**
     * A table that goes to a temporary file (thresholds from one byte up, so the move happens at every
     * point of a block) reads back the same names as one held on the heap, also after a snapshot
     * round trip, with names added from bytes as the hash-line parser adds them.
     */
    @Test
    void spilledTableEqualsHeapTable() {
        List<String> names = sample(3000, 11);
        Names heap = build(names);
        for (int spillAbove : new int[] {1, 7, 100, 1000, 5000}) {
            Names.Builder b = Names.builder(spillAbove);
            b.reserve(1 << 20); // a reserve larger than the threshold is ignored
            for (int i = 0; i < names.size(); i++) {
                byte[] raw = names.get(i).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                int id = i % 3 == 0 ? b.add(raw, 0, raw.length, false) : b.add(names.get(i));
                assertEquals(i, id);
            }
            Names spilled = b.build();
            Names read = Names.read(new FlatBuffers.In(serialize(spilled)));
            assertEquals(serialize(heap), serialize(spilled), "threshold " + spillAbove);
            for (int i = 0; i < names.size(); i++) {
                assertEquals(names.get(i), spilled.get(i), "threshold " + spillAbove + ", name " + i);
                assertEquals(names.get(i), read.get(i));
            }
        }
    }

    @Test
    void sequentialNamesTakeAFewBytesEach() {
        Names.Builder b = Names.builder();
        int n = 100_000;
        for (int i = 0; i < n; i++) b.add("Synth.Hash.SHA256-" + i);
        int bytes = serialize(b.build()).remaining();
        // "Synth.Hash.SHA256-" + digits is 19-23 bytes as text; front coding keeps only the changed tail
        assertTrue(bytes < n * 6, "name table of " + bytes + " bytes for " + n + " names");
        assertFalse(b.build().weak(5));
    }

    @Test
    void unofficialSuffixIsOneBitAndRoundTripsExactly() {
        String longName = "L".repeat(Names.MAX_NAME - Names.UNOFFICIAL.length()) + Names.UNOFFICIAL;
        String tooLong = "T".repeat(Names.MAX_NAME) + Names.UNOFFICIAL; // cut to MAX_NAME as before: no suffix left
        List<String> names = List.of(Names.UNOFFICIAL, "a" + Names.UNOFFICIAL, "a" + Names.UNOFFICIAL + Names.UNOFFICIAL,
                "a", "a.UNOFFICIA", "a" + Names.UNOFFICIAL, longName, tooLong, "PUA.X" + Names.UNOFFICIAL, "");
        Names built = build(names);
        Names read = Names.read(new FlatBuffers.In(serialize(built)));
        for (int i = 0; i < names.size(); i++) {
            String want = names.get(i).length() > Names.MAX_NAME ? names.get(i).substring(0, Names.MAX_NAME) : names.get(i);
            assertEquals(want, built.get(i), "built " + i);
            assertEquals(want, read.get(i), "read " + i);
        }
        assertTrue(read.weak(8));
        // a generated unofficial database: the suffix costs nothing, the names a few bytes each
        Names.Builder b = Names.builder();
        int n = 100_000;
        for (int i = 0; i < n; i++) b.add("Synth.Hash.MD5-" + i + Names.UNOFFICIAL);
        Names t = b.build();
        int bytes = serialize(t).remaining();
        // about 4.5 bytes a name (1.5 of them the full first name of each block); 15 with the suffix as text
        assertTrue(bytes < n * 5, "name table of " + bytes + " bytes for " + n + " names");
        assertEquals("Synth.Hash.MD5-12345.UNOFFICIAL", t.get(12345));
    }

    @Test
    void corruptBlobGivesAPlaceholderNotAnException() {
        List<String> names = sample(200, 3);
        byte[] image = serialize(build(names)).array().clone();
        Random r = new Random(11);
        int blobStart = 4 + 4 + 4 * ((names.size() + Names.BLOCK - 1) / Names.BLOCK) + 4;
        for (int round = 0; round < 200; round++) {
            byte[] bad = image.clone();
            for (int k = 0; k < 4; k++) bad[blobStart + r.nextInt(bad.length - blobStart)] = (byte) r.nextInt(256);
            Names read = Names.read(new FlatBuffers.In(ByteBuffer.wrap(bad)));
            for (int i = 0; i < read.size(); i++) read.get(i); // any string, never an exception
        }
    }

    @Test
    void truncationAtEveryLengthIsRefusedOrReadable() {
        byte[] image = serialize(build(sample(40, 5))).array();
        int whole = serialize(build(sample(40, 5))).remaining();
        for (int len = 0; len < whole; len++) {
            ByteBuffer cut = ByteBuffer.wrap(image, 0, len).slice();
            try {
                Names read = Names.read(new FlatBuffers.In(cut));
                for (int i = 0; i < read.size(); i++) read.get(i);
            } catch (IllegalArgumentException refused) {
                // a clear refusal
            }
        }
    }
}
