package dev.bulwark.engine.formats.dmg;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.zip.Deflater;

/** Writes small UDIF images: one data run per partition, a property list, the koly trailer. */
final class DmgBuilder {
    record Part(int type, byte[] stored, long sectors) {}

    static byte[] zlib(byte[] d) {
        Deflater def = new Deflater();
        def.setInput(d);
        def.finish();
        byte[] out = new byte[d.length + 1024];
        int n = def.deflate(out);
        def.end();
        return java.util.Arrays.copyOf(out, n);
    }

    /** ADC with literal runs only, plus one back-reference per 64 bytes when {@code refs}. */
    static byte[] adc(byte[] d, boolean refs) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        int i = 0;
        while (i < d.length) {
            int n = Math.min(refs ? 64 : 128, d.length - i);
            o.write(0x80 | (n - 1));
            o.write(d, i, n);
            i += n;
            if (refs && i >= 64 && i + 4 <= d.length && d[i] == d[i - 64] && d[i + 1] == d[i - 63] && d[i + 2] == d[i - 62]
                    && d[i + 3] == d[i - 61]) {
                o.write(0x40); // 3-byte form: length 4, distance 64
                o.write(0);
                o.write(63);
                i += 4;
            }
        }
        return o.toByteArray();
    }

    static byte[] pad(byte[] d) {
        return java.util.Arrays.copyOf(d, (d.length + 511) / 512 * 512);
    }

    static String plist(List<String> dataB64, String blkxKey) {
        StringBuilder sb = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<plist version=\"1.0\">\n<dict>\n"
                + "\t<key>resource-fork</key>\n\t<dict>\n\t\t<key>" + blkxKey + "</key>\n\t\t<array>\n");
        for (String d : dataB64) {
            sb.append("\t\t\t<dict>\n\t\t\t\t<key>Attributes</key>\n\t\t\t\t<string>0x0050</string>\n\t\t\t\t<key>Data</key>\n\t\t\t\t<data>\n")
                    .append(d).append("\t\t\t\t</data>\n\t\t\t</dict>\n");
        }
        return sb.append("\t\t</array>\n\t</dict>\n</dict>\n</plist>\n").toString();
    }

    static String mish(long dataOffset, Part p) {
        ByteBuffer m = ByteBuffer.allocate(Mish.HEADER + 2 * Mish.RUN);
        m.putInt(0x6d697368).putInt(1).putLong(0).putLong(p.sectors()).putLong(0);
        m.position(Mish.HEADER - 4);
        m.putInt(2);
        m.putInt(p.type()).putInt(0).putLong(0).putLong(p.sectors()).putLong(dataOffset).putLong(p.stored().length);
        m.putInt(0xFFFFFFFF).putInt(0).putLong(p.sectors()).putLong(0).putLong(dataOffset + p.stored().length).putLong(0);
        return Base64.getMimeEncoder(76, "\n".getBytes()).encodeToString(m.array()) + "\n";
    }

    /** An image of the given partitions; {@code xmlEdit} may rewrite the property list. */
    static byte[] image(List<Part> parts, java.util.function.UnaryOperator<String> xmlEdit) {
        ByteArrayOutputStream o = new ByteArrayOutputStream();
        List<String> mishes = new java.util.ArrayList<>();
        for (Part p : parts) {
            mishes.add(mish(o.size(), p));
            o.write(p.stored(), 0, p.stored().length);
        }
        byte[] xml = xmlEdit.apply(plist(mishes, "blkx")).getBytes(StandardCharsets.ISO_8859_1);
        long xmlOff = o.size();
        o.write(xml, 0, xml.length);
        ByteBuffer k = ByteBuffer.allocate(512);
        k.put("koly".getBytes(StandardCharsets.ISO_8859_1)).putInt(4).putInt(512).putInt(1);
        k.position(216);
        k.putLong(xmlOff).putLong(xml.length);
        o.write(k.array(), 0, 512);
        return o.toByteArray();
    }
}
