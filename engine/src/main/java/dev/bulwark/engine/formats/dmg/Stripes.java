package dev.bulwark.engine.formats.dmg;

import dev.bulwark.engine.formats.archivecommon.BufferInputStream;
import dev.bulwark.engine.formats.archivecommon.NativeInput;
import dev.bulwark.engine.formats.docio.ByteSink;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;
import org.apache.commons.compress.compressors.bzip2.BZip2CompressorInputStream;

/**
 * Decoders of the DMG block types ("stripes"): zero fill, stored, ADC (Apple Data Compression),
 * zlib and bzip2. Each writes into the partition being rebuilt and returns false on corrupt data,
 * which ends the partition as ClamAV's do (it is then not scanned).
 */
final class Stripes {
    static final int ZEROES_EMPTY = 0x00000000, STORED = 0x00000001, ZEROES = 0x00000002, ADC = 0x80000004,
            DEFLATE = 0x80000005, BZIP2 = 0x80000006, SKIP = 0x7FFFFFFE, END = 0xFFFFFFFF;
    /** ClamAV's output buffer (BUFSIZ): its size checks run once per buffer, so output may overshoot by this. */
    private static final int SLACK = 8192;
    /** ADC back-references reach at most 64 KiB back. */
    private static final int ADC_WINDOW = 0x10000;

    private Stripes() {}

    static void zeroes(long bytes, ByteSink out) {
        byte[] z = new byte[(int) Math.min(bytes, SLACK)];
        for (long left = bytes; left > 0 && !out.overflowed(); left -= z.length) out.put(z, 0, (int) Math.min(z.length, left));
    }

    /** zlib stream; true unless the data is corrupt or decodes past the stripe's size (input running out is fine). */
    static boolean inflate(ByteBuffer in, long expected, ByteSink out) {
        Inflater inf = new Inflater();
        try {
            // (sigbus) a direct (mapped) image goes to zlib as heap copies: see NativeInput
            NativeInput.Feed feed = new NativeInput.Feed(inf, in, in.position(), in.limit());
            byte[] buf = new byte[SLACK];
            long produced = 0;
            while (!inf.finished() && (!inf.needsInput() || feed.next())) {
                if (produced > expected) return false;
                int n = inf.inflate(buf);
                if (n == 0 && inf.needsInput()) continue; // the next slice, or the end of the input
                if (n == 0 && inf.needsDictionary()) break;
                produced += n;
                if (!out.put(buf, 0, n)) return true; // the sink's cap is the limit, reported by the caller
            }
            return true;
        } catch (DataFormatException e) {
            return false;
        } finally {
            inf.end();
        }
    }

    static boolean bzip2(ByteBuffer in, long expected, ByteSink out) {
        try (BZip2CompressorInputStream s = new BZip2CompressorInputStream(new BufferInputStream(in), false)) {
            byte[] buf = new byte[SLACK];
            long produced = 0;
            for (int n; (n = s.read(buf)) > 0; ) {
                produced += n;
                if (produced > expected + SLACK) return false;
                if (!out.put(buf, 0, n)) return true;
            }
            return true;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /** Apple Data Compression: literal runs and 2- or 3-byte back-references. */
    static boolean adc(ByteBuffer in, long expected, ByteSink out) {
        int start = out.size();
        int i = 0, n = in.limit();
        while (i < n) {
            if (out.overflowed()) return true; // the sink's cap is the limit, reported by the caller
            if (out.size() - start > expected + SLACK) return false;
            int c = in.get(i++) & 0xFF;
            if ((c & 0x80) != 0) {
                int len = (c & 0x7F) + 1;
                int k = Math.min(len, n - i);
                out.put(in, i, k);
                i += k;
                continue;
            }
            int len, dist;
            if ((c & 0x40) != 0) {
                if (i + 2 > n) return true;
                len = (c & 0x3F) + 4;
                dist = ((in.get(i) & 0xFF) << 8 | in.get(i + 1) & 0xFF) + 1;
                i += 2;
            } else {
                if (i + 1 > n) return true;
                len = ((c & 0x3C) >> 2) + 3;
                dist = ((c & 3) << 8 | in.get(i) & 0xFF) + 1;
                i++;
            }
            int have = out.size() - start;
            if (dist > ADC_WINDOW || dist > have) return false;
            for (int k = 0; k < len; k++) if (!out.put(out.get(out.size() - dist))) return true;
        }
        return true;
    }
}
