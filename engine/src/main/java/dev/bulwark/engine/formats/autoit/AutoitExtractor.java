package dev.bulwark.engine.formats.autoit;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Compiled AutoIt v3 scripts (CL_TYPE_AUTOIT). The layer starts at AutoIt's 16-byte GUID, followed by
 * "AU3!EA05" or "AU3!EA06" and 16 bytes of key material; then one record per embedded file: an
 * obfuscated "FILE" tag, the encrypted tag string and original name, a method byte, sizes XORed with
 * constants, 16 bytes of times, and the encrypted data (LZ-compressed when the method byte is 1).
 * Each file (the script and every FileInstall'd file) becomes a child named by its original path.
 * EA06 scripts are handed on in AutoIt's tokenised form: they are not turned back into source text.
 */
public final class AutoitExtractor implements Extractor {
    /** GUID (16) + "AU3!EA0" (7): the version digit follows. */
    static final int VERSION_AT = 23;
    /** Bytes of key material after the version (EA05 sums them into its data key). */
    private static final int KEY_BYTES = 16;
    /** Method byte, compressed size, uncompressed size, checksum. */
    private static final int RECORD_FIXED = 13;
    /** File times after the fixed fields. */
    private static final int TIMES = 16;
    /** Longest tag or file name we decrypt for naming; longer ones are skipped unread. */
    private static final int MAX_NAME = 4096;

    /** The per-version constants of the record layout. */
    private record Version(int fileTag, int tagKey, int tagSeed, int nameKey, int nameSeed, int sizeKey,
                           boolean utf16, int dataMagic, boolean matchBitSet) {}

    private static final Version EA05 = new Version(0xceb06dff, 0x29bc, 0xa25e, 0x29ac, 0xf25e, 0x45aa, false,
            0x35304145, true);
    private static final Version EA06 = new Version(0x52ca436b, 0xadbc, 0xb33f, 0xf820, 0xf479, 0x87bc, true,
            0x36304145, false);
    private static final int EA06_DATA_SEED = 0x2477;
    private static final int EA05_DATA_SEED = 0x22af;

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        if (b.limit() < VERSION_AT + 1 + KEY_BYTES) {
            ctx.note("autoit: header truncated");
            return;
        }
        byte v = b.get(VERSION_AT);
        if (v != '5' && v != '6') {
            ctx.note("autoit: unknown version '" + (char) v + "'");
            return;
        }
        Version ver = v == '5' ? EA05 : EA06;
        int pos = VERSION_AT + 1;
        int sum = 0;
        for (int i = 0; i < KEY_BYTES; i++) sum += b.get(pos + i) & 0xff;
        int dataSeed = ver == EA05 ? EA05_DATA_SEED + sum : EA06_DATA_SEED; // EA06 ignores the key bytes
        pos += KEY_BYTES;
        int index = 0;
        while (!ctx.stopped()) {
            if (!has(b, pos, 8) || le32(b, pos) != ver.fileTag) return; // no more records
            long tagLen = (le32(b, pos + 4) ^ ver.tagKey) & 0xffffffffL;
            pos += 8;
            String tag = text(b, pos, tagLen, ver, (int) tagLen + ver.tagSeed);
            long tagBytes = ver.utf16 ? tagLen * 2 : tagLen;
            if (tagBytes > b.limit() - pos - 4) return;
            pos += (int) tagBytes;
            long nameLen = (le32(b, pos) ^ ver.nameKey) & 0xffffffffL;
            pos += 4;
            String name = text(b, pos, nameLen, ver, (int) nameLen + ver.nameSeed);
            long nameBytes = ver.utf16 ? nameLen * 2 : nameLen;
            if (nameBytes > b.limit() - pos - RECORD_FIXED - TIMES) return;
            pos += (int) nameBytes;
            int method = b.get(pos) & 0xff;
            long csize = (le32(b, pos + 1) ^ ver.sizeKey) & 0xffffffffL;
            pos += RECORD_FIXED + TIMES;
            if (csize == 0) continue;
            if (csize > b.limit() - pos) {
                ctx.note("autoit: record " + index + " (" + name + ") truncated: " + csize + " bytes declared");
                return;
            }
            index++;
            if (csize > ctx.budget()) {
                pos += (int) csize;
                continue; // over the limits: skipped as ClamAV skips it
            }
            byte[] data = new byte[(int) csize];
            b.get(pos, data);
            pos += (int) csize;
            (ver == EA05 ? Keystream.ea05(dataSeed) : Keystream.ea06(dataSeed)).apply(data, 0, data.length);
            byte[] out = data;
            if (method == 1) {
                out = Lz.decode(data, ver.dataMagic, ver.matchBitSet, ctx.budget());
                if (out == null) {
                    ctx.note("autoit: record " + index + " (" + name + ") not in the expected compressed form");
                    continue;
                }
            }
            if (out.length < 4) continue;
            String label = name.isEmpty() ? tag : name;
            if (!ctx.child(new ChildInfo(label, null, csize, out.length, false, index, -1), ByteBuffer.wrap(out))) return;
        }
    }

    private static int le32(ByteBuffer b, int pos) {
        return (b.get(pos) & 0xff) | (b.get(pos + 1) & 0xff) << 8 | (b.get(pos + 2) & 0xff) << 16 | (b.get(pos + 3) & 0xff) << 24;
    }

    private static boolean has(ByteBuffer b, int pos, int n) {
        return pos >= 0 && n <= b.limit() - pos;
    }

    /** Decrypts a tag or name for display; empty when too long or past the end. */
    private static String text(ByteBuffer b, int pos, long chars, Version ver, int seed) {
        long bytes = ver.utf16 ? chars * 2 : chars;
        if (chars <= 0 || chars > MAX_NAME || bytes > b.limit() - pos) return "";
        byte[] t = new byte[(int) bytes];
        b.get(pos, t);
        (ver == EA05 ? Keystream.ea05(seed) : Keystream.ea06(seed & 0xffff)).apply(t, 0, t.length); // EA06 seeds are 16-bit
        return new String(t, ver.utf16 ? StandardCharsets.UTF_16LE : StandardCharsets.ISO_8859_1);
    }
}
