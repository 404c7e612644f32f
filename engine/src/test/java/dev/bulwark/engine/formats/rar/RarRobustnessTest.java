package dev.bulwark.engine.formats.rar;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.archivetest.Contract;
import dev.bulwark.engine.formats.archivetest.RecordingContext;
import java.util.List;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The decoders under damage: every truncation of small compressed archives, flipped bytes, and header
 * fields rewritten to lying values with the header CRCs recomputed (so the lie gets past the CRC check
 * and reaches the decoder). Contract.run fails on any exception, on output past the limits and on
 * allocation beyond 8 x MaxScanSize + slack.
 */
@Timeout(600) // hang guard only
class RarRobustnessTest {
    private static final RarExtractor X = new RarExtractor();

    @ParameterizedTest
    @ValueSource(strings = {"test_read_format_rar5_compressed.rar", "test_read_format_rar5_multiple_files_solid.rar",
            "test_read_format_rar.rar", "test_read_format_rar3_lowdist_reset.rar", "test_read_format_rar5_arm_filter_on_window_boundary.rar",
            "test_read_format_rar_invalid1.rar", "test_read_format_rar_ppmd_use_after_free.rar"})
    void everyTruncation(String name) {
        byte[] a = RarFixtures.read(name);
        Contract.truncations(X, FileType.RAR, a);
        // a member cut short ends early with a note, never with more bytes than it declares
        RecordingContext half = Contract.run(X, FileType.RAR, java.util.Arrays.copyOf(a, a.length * 2 / 3));
        for (RecordingContext.Child c : half.extracted()) {
            assertTrue(c.info().declaredSize() < 0 || c.data().length <= c.info().declaredSize(), c.info().toString());
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"test_read_format_rar_filter.rar", "test_read_format_rar_compress_normal.rar", "test_read_format_rar5_arm.rar",
            "test_read_format_rar5_solid.rar", "test_read_format_rar.rar", "test_read_format_rar5_win32.rar",
            "test_read_format_rar_compress_best.rar"})
    void flippedBytesAndLyingDataAreaSizes(String name) {
        byte[] a = RarFixtures.read(name);
        Contract.flips(X, FileType.RAR, a, 0xc0ffeeL ^ a.length);
        Contract.lyingSizes(X, FileType.RAR, a);
    }

    @ParameterizedTest
    @ValueSource(strings = {"test_read_format_rar5_compressed.rar", "test_read_format_rar5_solid.rar", "test_read_format_rar.rar",
            "test_read_format_rar_compress_normal.rar", "test_read_format_rar3_lowdist_reset.rar", "test_read_format_rar_compress_best.rar"})
    void lyingHeaderFieldsWithValidCrcs(String name) {
        byte[] a = RarFixtures.read(name);
        boolean v5 = a[6] == 1;
        List<int[]> headers = RarFixtures.headers(a);
        assertTrue(headers.size() >= 2, name);
        int runs = 0;
        for (int[] h : headers) {
            for (int i = h[1]; i < h[1] + h[2] && i < a.length; i++) {
                for (int v : new int[] {0xff, 0x7f, 0x00, 0x80, 0xf0}) {
                    byte[] b = a.clone();
                    b[i] = (byte) v;
                    RarFixtures.fixCrcs(b, headers, v5);
                    Contract.run(X, FileType.RAR, b);
                    runs++;
                }
            }
        }
        assertTrue(runs > 50, "only " + runs + " runs");
    }

    @ParameterizedTest
    @ValueSource(strings = {"test_read_format_rar_compress_normal.rar", "test_read_format_rar3_lowdist_reset.rar"})
    void hugeUnpackedSizeEndsWithTheData(String name) {
        byte[] a = RarFixtures.read(name);
        int file = RarFixtures.firstRar4File(a);
        for (int i = 0; i < 4; i++) a[file + 11 + i] = (byte) 0xff; // UNP_SIZE: 4 GiB - 1
        RarFixtures.fixRar4Crcs(a);
        RecordingContext ctx = RarFixtures.extract(a, ScanOptions.defaults());
        RecordingContext.Child first = ctx.children().get(0);
        assertEquals(0xffffffffL, first.info().declaredSize());
        assertTrue(first.data() != null && first.data().length > 0 && first.data().length < 1 << 20, ctx.notes().toString());
        assertTrue(ctx.notes().stream().anyMatch(n -> n.contains("ends after")), ctx.notes().toString());
        Contract.run(X, FileType.RAR, a);
    }

    /**
     * (fuzz16) RAR 2.9 members alternating 64 and 128 KiB dictionaries (a new decoder each time), each opening with a
     * PPMd block that restarts a 16 MiB model: the decoders share one model heap. Before, each decoder allocated and
     * zeroed its own (20 x 16 MiB here, past Contract's allocation bound; 300 x 256 MiB in a 20 KB archive under the
     * default limits took 30 s). Also in RarFuzzTest's seeds (ppmd-dictionary-alternation).
     */
    @org.junit.jupiter.api.Test
    void decodersShareOnePpmdModelWhenTheDictionaryChanges() {
        byte[] a = ppmdMembers(20, 16);
        RecordingContext ctx = Contract.run(X, FileType.RAR, a);
        assertEquals(20, ctx.children().size(), ctx.notes().toString());
    }

    /** {@code n} RAR 2.9 members (method 0x33) of 32 bytes starting a PPMd block of {@code mb} MiB, order 2. */
    static byte[] ppmdMembers(int n, int mb) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(new byte[] {'R', 'a', 'r', '!', 0x1a, 7, 0});
        out.writeBytes(rar4Header(0x73, 0, new byte[6]));
        for (int i = 0; i < n; i++) {
            byte[] data = new byte[32];
            java.util.Arrays.fill(data, (byte) 0x55);
            data[0] = (byte) 0xa1; // PPMd block, model restart, order 2
            data[1] = (byte) (mb - 1);
            for (int k = 2; k < 6; k++) data[k] = 0;
            byte[] name = ("f" + i).getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.nio.ByteBuffer body = java.nio.ByteBuffer.allocate(25 + name.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
            body.putInt(data.length).putInt(1000).put((byte) 2).putInt(0).putInt(0).put((byte) 29).put((byte) 0x33)
                    .putShort((short) name.length).putInt(0x20).put(name);
            out.writeBytes(rar4Header(0x74, 0x8000 | (i % 2 == 0 ? 0 : 0x20), body.array()));
            out.writeBytes(data);
        }
        out.writeBytes(rar4Header(0x7b, 0x4000, new byte[0]));
        return out.toByteArray();
    }

    private static byte[] rar4Header(int type, int flags, byte[] body) {
        java.nio.ByteBuffer h = java.nio.ByteBuffer.allocate(7 + body.length).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        h.putShort((short) 0).put((byte) type).putShort((short) flags).putShort((short) (7 + body.length)).put(body);
        java.util.zip.CRC32 c = new java.util.zip.CRC32();
        c.update(h.array(), 2, 5 + body.length);
        h.putShort(0, (short) c.getValue());
        return h.array();
    }
}
