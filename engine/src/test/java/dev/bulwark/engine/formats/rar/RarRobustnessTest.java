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
}
