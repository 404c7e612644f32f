package dev.bulwark.engine.formats.udf;

import dev.bulwark.engine.formats.doctest.Samples;
import dev.bulwark.engine.formats.udf.UdfBuilder.Alloc;
import dev.bulwark.engine.formats.udf.UdfBuilder.Options;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;

/** The UDF images of the differential and robustness tests: well-formed layouts and damaged variants. */
final class UdfCases {
    private UdfCases() {}

    static final byte[] README = "nothing to see here\n".getBytes(StandardCharsets.US_ASCII);
    /** Partition block of the first file entry in a flat image (0 file set, 1 terminator, 2 root entry, 3 root identifiers). */
    static final int FIRST_FILE_ENTRY = 4;

    static Map<String, byte[]> flat() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("clam.exe", Samples.read("clam.exe"));
        m.put("readme.txt", README);
        return m;
    }

    static Map<String, byte[]> cases() {
        byte[] exe = Samples.read("clam.exe");
        Map<String, byte[]> c = new LinkedHashMap<>();
        c.put("flat short", UdfBuilder.image(flat(), Options.PLAIN));
        c.put("flat long", UdfBuilder.image(flat(), new Options(Alloc.LONG, false, false)));
        c.put("flat extended", UdfBuilder.image(flat(), new Options(Alloc.EXTENDED, false, false)));
        c.put("embedded data", UdfBuilder.image(flat(), new Options(Alloc.EMBEDDED, false, false)));
        byte[] embedded = c.get("embedded data");
        byte[] ended = Arrays.copyOf(embedded, embedded.length + UdfBuilder.B);
        System.arraycopy(exe, 0, ended, embedded.length, exe.length);
        c.put("embedded data, then an executable block", ended);
        c.put("extended file entries", UdfBuilder.image(flat(), new Options(Alloc.SHORT, true, false)));
        Map<String, byte[]> readmeFirst = new LinkedHashMap<>();
        readmeFirst.put("readme.txt", README);
        readmeFirst.put("clam.exe", exe);
        c.put("readme first", UdfBuilder.image(readmeFirst, Options.PLAIN));
        Map<String, byte[]> nested = new LinkedHashMap<>();
        nested.put("readme.txt", README);
        nested.put("d1/clam.exe", exe);
        nested.put("d1/d2/copy.exe", exe);
        nested.put("last.exe", exe);
        c.put("nested", UdfBuilder.image(nested, Options.PLAIN));
        c.put("nested, extended directory entries", UdfBuilder.image(nested, new Options(Alloc.SHORT, false, true)));
        Map<String, byte[]> many = new LinkedHashMap<>();
        for (int i = 0; i < 150; i++) many.put(String.format("file%03d.txt", i), ("file " + i + "\n").getBytes(StandardCharsets.US_ASCII));
        many.put("clam.exe", exe);
        c.put("many files", UdfBuilder.image(many, Options.PLAIN));
        Map<String, byte[]> manyFirst = new LinkedHashMap<>();
        manyFirst.put("clam.exe", exe);
        manyFirst.putAll(many);
        c.put("many files, exe first", UdfBuilder.image(manyFirst, Options.PLAIN));
        byte[] large = new byte[3 << 20];
        new Random(7).nextBytes(large);
        System.arraycopy(exe, 0, large, large.length - exe.length, exe.length);
        Map<String, byte[]> big = new LinkedHashMap<>();
        big.put("large.bin", large);
        big.put("clam.exe", exe);
        c.put("large file", UdfBuilder.image(big, Options.PLAIN));

        byte[] base = c.get("flat short");
        int fe = (UdfBuilder.PARTITION + FIRST_FILE_ENTRY) * UdfBuilder.B;
        c.put("lying length", patch(base, b -> b.putInt(fe + 176, 0x3FFF_F000)));
        c.put("length with extent type bits", patch(base, b -> b.putInt(fe + 176, 0x4000_0000 | 544)));
        c.put("zero length", patch(base, b -> b.putInt(fe + 176, 0)));
        c.put("two short descriptors", patch(base, b -> b.putInt(fe + 172, 16)));
        c.put("position past the end", patch(base, b -> b.putInt(fe + 180, 0x7FFF_0000)));
        c.put("position wrapping 32 bits", patch(base, b -> b.putInt(fe + 180, (1 << 21) + 6)));
        byte[] longAds = c.get("flat long");
        c.put("long descriptor, other partition", patch(longAds, b -> b.putShort(fe + 176 + 8, (short) 1)));
        c.put("partition number 1 everywhere", patch(longAds, b -> {
            b.putShort(35 * UdfBuilder.B + 22, (short) 1);
            b.putShort(fe + 176 + 8, (short) 1);
            b.putShort(fe + UdfBuilder.B + 176 + 8, (short) 1);
        }));
        c.put("no implementation use descriptor", patch(base, b -> b.putShort(33 * UdfBuilder.B, (short) 3)));
        c.put("no file set descriptor", patch(base, b -> b.put(UdfBuilder.PARTITION * UdfBuilder.B, new byte[UdfBuilder.B])));
        c.put("recognition sequence one sector later", shift(base, UdfBuilder.B));
        c.put("truncated in the data", Arrays.copyOf(base, base.length - UdfBuilder.B - 100));
        c.put("truncated before the files", Arrays.copyOf(base, (UdfBuilder.PARTITION + 3) * UdfBuilder.B + 600));
        c.put("truncated in the descriptors", Arrays.copyOf(base, 35 * UdfBuilder.B + 1000));
        return c;
    }

    interface Patch { void apply(ByteBuffer b); }

    static byte[] patch(byte[] img, Patch p) {
        byte[] d = img.clone();
        p.apply(ByteBuffer.wrap(d).order(ByteOrder.LITTLE_ENDIAN));
        return d;
    }

    /** The image moved {@code by} bytes later (zeros in front). */
    static byte[] shift(byte[] img, int by) {
        byte[] d = new byte[img.length + by];
        System.arraycopy(img, 0, d, by, img.length);
        return d;
    }
}
