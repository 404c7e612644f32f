package dev.bulwark.engine.formats.udf;

import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.doctest.Contract;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Fuzzes the UDF extractor through edits of a small valid image: UDF structures start at 32 KiB and
 * the partition at 514 KiB, out of reach of byte strings a fuzzer grows from scratch. The input is a
 * truncation length (3 bytes, 0 = none) followed by patches: a 3-byte position past the 32 KiB system
 * area, a length byte, and the bytes to write there. Seeds replay in every build.
 */
class UdfExtractorFuzzTest {
    private static final byte[] TEMPLATE;

    static {
        Map<String, byte[]> files = new LinkedHashMap<>();
        byte[] exe = new byte[600];
        exe[0] = 'M';
        exe[1] = 'Z';
        files.put("a.exe", exe);
        files.put("dir/b.txt", "text\n".getBytes(StandardCharsets.US_ASCII));
        files.put("c.txt", "more text\n".getBytes(StandardCharsets.US_ASCII));
        TEMPLATE = UdfBuilder.image(files, UdfBuilder.Options.PLAIN);
    }

    @FuzzTest(maxDuration = "60s")
    void fuzz(byte[] data) {
        Contract.run(new UdfExtractor(), edit(data), FileType.UDF, Contract.smallBudget(1 << 20));
    }

    static byte[] edit(byte[] data) {
        int span = TEMPLATE.length - UdfExtractor.VRS_OFFSET;
        byte[] img = TEMPLATE.clone();
        int p = 0;
        if (data.length >= 3) {
            int cut = u24(data, 0);
            if (cut != 0) img = Arrays.copyOf(img, UdfExtractor.VRS_OFFSET + cut % span);
            p = 3;
        }
        while (p + 4 <= data.length) {
            int at = UdfExtractor.VRS_OFFSET + u24(data, p) % span, len = data[p + 3] & 0xFF;
            p += 4;
            for (int i = 0; i < len && p < data.length; i++, p++) if (at + i < img.length) img[at + i] = data[p];
        }
        return img;
    }

    private static int u24(byte[] d, int p) {
        return (d[p] & 0xFF) << 16 | (d[p + 1] & 0xFF) << 8 | (d[p + 2] & 0xFF);
    }
}
