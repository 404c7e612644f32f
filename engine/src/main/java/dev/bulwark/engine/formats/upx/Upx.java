package dev.bulwark.engine.formats.upx;

import dev.bulwark.engine.formats.pepack.PeHeaders;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.tukaani.xz.LZMAInputStream;

/**
 * Unpacks Windows executables compressed by UPX (PE32 and PE32+). The layout UPX leaves is an empty
 * section (UPX0: virtual size only) followed by the section holding the compressed stream (UPX1),
 * which the stub decompresses to the start of UPX0. The decoder is chosen from the stub at the entry
 * point and, as ClamAV does, the others are tried when it fails. The result is rebuilt into a PE
 * image by {@link Rebuild}.
 */
public final class Upx {
    /** Smallest compressed section worth trying (the stream header and end marker alone take more). */
    private static final int MIN_PACKED = 0x1a;
    /** Bytes of the entry-point code searched for decoder signatures. */
    private static final int STUB_WINDOW = 0x400;
    /** Offset some UPX versions leave between the section start and the compressed stream. */
    private static final int OLD_SKEW = 0x15;
    /** Largest skew a {@code mov esi, imm32} at the entry point may announce. */
    private static final int MAX_SKEW = 0xfff;
    /** LZMA properties UPX uses by default: lc=3, lp=0, pb=2. */
    private static final int DEFAULT_LZMA_PROPS = 0x20003;

    // Instruction sequences from the UPX decoder loops (the bit-refill and offset arithmetic of each variant).
    static final byte[] SIG_2B = hex("11db11c901db75078b1e83eefc");
    static final byte[] SIG_2D = hex("83f0ff7478d1f889c5eb0b01db");
    static final byte[] SIG_2E = hex("eb5231c983e8037211c1e0088a");
    private static final byte[] SIG_LZMA = hex("5683c3045350c703"); // add ebx,4; push ebx; push eax; mov [ebx], props

    private Upx() {}

    /** What was found: the rebuilt image, or null with the reason in {@code why}. */
    public record Result(byte[] image, String method, String why) {}

    /** Index of the first empty section followed by one with data (UPX0, UPX1), or -1: the layout ClamAV keys on. */
    public static int packedPair(PeHeaders h) {
        for (int i = 0; i + 1 < h.sections(); i++) {
            if (h.rawSize(i) == 0 && h.virtualSize(i) != 0 && h.rawSize(i + 1) != 0 && h.virtualSize(i + 1) != 0) return i;
        }
        return -1;
    }

    /**
     * Unpacks {@code file}. {@code budget} bounds the decompressed image (MaxFileSize, what the scan may
     * still read, the compression ratio); a failure comes back with its reason in {@link Result#why()}.
     */
    public static Result unpack(ByteBuffer file, PeHeaders h, long budget) {
        int i = packedPair(h);
        if (i < 0) return new Result(null, null, "no empty section followed by packed data");
        long ssizeL = Math.min(h.rawSize(i + 1), Math.max(0, file.limit() - h.rawPointer(i + 1)));
        long dsizeL = h.virtualSize(i) + h.virtualSize(i + 1);
        if (h.rawPointer(i + 1) >= file.limit() || ssizeL < MIN_PACKED) return new Result(null, null, "packed section truncated");
        if (dsizeL <= ssizeL) return new Result(null, null, "unpacked size not above packed size");
        if (dsizeL > budget || dsizeL > Integer.MAX_VALUE - 16) return new Result(null, null, "unpacked size " + dsizeL + " over the limit");
        int ssize = (int) ssizeL;
        byte[] src = new byte[ssize];
        file.get((int) h.rawPointer(i + 1), src, 0, ssize);
        byte[] stub = stub(file, h);
        long upx0 = h.rva(i), upx1 = h.rva(i + 1);
        byte[] dst = new byte[(int) dsizeL];

        List<Nrv.Variant> order = new ArrayList<>(List.of(Nrv.Variant.NRV2B, Nrv.Variant.NRV2D, Nrv.Variant.NRV2E));
        Nrv.Variant preferred = find(stub, SIG_2E) >= 0 ? Nrv.Variant.NRV2E : find(stub, SIG_2D) >= 0 ? Nrv.Variant.NRV2D
                : find(stub, SIG_2B) >= 0 ? Nrv.Variant.NRV2B : null;
        if (preferred != null) {
            order.remove(preferred);
            order.add(0, preferred);
        }
        int skew = announcedSkew(stub, h, upx1, ssize);
        int[] skews = skew > 0 && skew != OLD_SKEW ? new int[] {skew, 0, OLD_SKEW} : new int[] {0, OLD_SKEW};
        int lzma = find(stub, SIG_LZMA);
        if (lzma < 0) {
            for (Nrv.Variant v : order) {
                for (int s : skews) {
                    if (s >= ssize) continue;
                    int n = Nrv.decode(v, src, s, ssize, dst);
                    if (n > 0) return rebuilt(dst, n, upx0, v.name());
                }
            }
        }
        // LZMA decodes garbage for as long as it is asked to: only try it on the stub's word or on UPX's section names
        if (lzma < 0 && !h.name(i).startsWith("UPX")) return new Result(null, null, "no decoder reached the end of the stream");
        int props = lzma >= 0 && lzma + 12 <= stub.length ? u32(stub, lzma + 8) : DEFAULT_LZMA_PROPS;
        for (int s : skews) {
            int n = lzma(src, s, dst, props);
            if (n > 0 && (lzma >= 0 || Rebuild.findHeader(dst, n, upx0) != null)) return rebuilt(dst, n, upx0, "LZMA");
        }
        return new Result(null, null, "no decoder reached the end of the stream");
    }

    private static Result rebuilt(byte[] dst, int n, long upx0, String method) {
        byte[] image = Rebuild.image(dst, n, upx0);
        return new Result(image, method, null);
    }

    /** Decodes UPX's LZMA stream (two header bytes, then raw LZMA); returns bytes produced or -1. */
    private static int lzma(byte[] src, int from, byte[] dst, int props) {
        int lc = props & 0xff, lp = props >> 8 & 0xff, pb = props >> 16 & 0xff;
        if (lc > 8 || lp > 4 || pb > 4 || from + 2 >= src.length) return -1;
        int dict = Math.max(4096, dst.length);
        int n = 0;
        try (LZMAInputStream in = new LZMAInputStream(new ByteArrayInputStream(src, from + 2, src.length - from - 2),
                dst.length, lc, lp, pb, dict, null)) {
            while (n < dst.length) {
                int r = in.read(dst, n, dst.length - n);
                if (r < 0) break;
                n += r;
            }
            return n;
        } catch (IOException | RuntimeException e) {
            return n; // UPX streams carry no end marker: what decoded before the error is the result
        }
    }

    /** The first bytes at the entry point (empty when it is not in the file). */
    private static byte[] stub(ByteBuffer file, PeHeaders h) {
        long off = h.rvaToOffset(h.entryRva);
        if (off < 0 || off >= file.limit()) return new byte[0];
        int n = (int) Math.min(STUB_WINDOW, file.limit() - off);
        byte[] b = new byte[n];
        file.get((int) off, b, 0, n);
        return b;
    }

    /** The 32-bit stub starts "pusha; mov esi, VA": the VA's distance from UPX1 is where the stream starts. */
    private static int announcedSkew(byte[] stub, PeHeaders h, long upx1, int ssize) {
        if (h.is64 || stub.length < 6 || stub[1] != (byte) 0xbe) return 0;
        long skew = (u32(stub, 2) & 0xffffffffL) - h.imageBase - upx1;
        return skew > 0 && skew <= MAX_SKEW && skew < ssize ? (int) skew : 0;
    }

    static int find(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) if (hay[i + j] != needle[j]) continue outer;
            return i;
        }
        return -1;
    }

    static int u32(byte[] b, int o) {
        return (b[o] & 0xff) | (b[o + 1] & 0xff) << 8 | (b[o + 2] & 0xff) << 16 | (b[o + 3] & 0xff) << 24;
    }

    private static byte[] hex(String s) {
        return java.util.HexFormat.of().parseHex(s);
    }
}
