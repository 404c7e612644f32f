package dev.bulwark.engine.formats.ole2;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Writes small version-3 compound files (512-byte sectors, mini stream for streams under 4096 bytes) for tests. */
final class Ole2Builder {
    private static final int SS = 512, MS = 64, CUTOFF = 4096;
    private static final int END = -2, FATSECT = -3, FREE = -1;

    private static final class Dir {
        final String name;
        final int type;
        final byte[] data;
        final List<Dir> kids = new ArrayList<>();
        int id, right = -1, start = END;
        long size;

        Dir(String name, int type, byte[] data) {
            this.name = name;
            this.type = type;
            this.data = data;
        }
    }

    private final Dir root = new Dir("Root Entry", 5, null);
    private final Map<String, Dir> storages = new LinkedHashMap<>();

    Ole2Builder add(String path, byte[] data) {
        String[] parts = path.split("/");
        Dir parent = root;
        StringBuilder p = new StringBuilder();
        for (int i = 0; i < parts.length - 1; i++) {
            p.append('/').append(parts[i]);
            Dir s = storages.get(p.toString());
            if (s == null) {
                s = new Dir(parts[i], 1, null);
                storages.put(p.toString(), s);
                parent.kids.add(s);
            }
            parent = s;
        }
        parent.kids.add(new Dir(parts[parts.length - 1], 2, data));
        return this;
    }

    byte[] build() {
        List<Dir> all = new ArrayList<>();
        collect(root, all);
        for (int i = 0; i < all.size(); i++) all.get(i).id = i;
        for (Dir d : all) for (int i = 0; i + 1 < d.kids.size(); i++) d.kids.get(i).right = d.kids.get(i + 1).id;
        List<byte[]> sectors = new ArrayList<>();
        List<Integer> fat = new ArrayList<>();
        ByteArrayOutputStream mini = new ByteArrayOutputStream();
        List<Integer> miniFat = new ArrayList<>();
        for (Dir d : all) {
            if (d.type != 2) continue;
            d.size = d.data.length;
            if (d.data.length >= CUTOFF) {
                d.start = alloc(d.data, sectors, fat);
            } else if (d.data.length > 0) {
                int first = mini.size() / MS;
                int n = (d.data.length + MS - 1) / MS;
                mini.writeBytes(d.data);
                mini.writeBytes(new byte[n * MS - d.data.length]);
                for (int k = 0; k < n; k++) miniFat.add(k == n - 1 ? END : first + k + 1);
                d.start = first;
            }
        }
        root.size = mini.size();
        root.start = mini.size() > 0 ? alloc(mini.toByteArray(), sectors, fat) : END;
        ByteBuffer mf = ByteBuffer.allocate(Math.max(4, miniFat.size() * 4)).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : miniFat) mf.putInt(v);
        int miniFatStart = miniFat.isEmpty() ? END : alloc(mf.array(), sectors, fat);
        int miniFatSectors = miniFat.isEmpty() ? 0 : (mf.capacity() + SS - 1) / SS;
        ByteBuffer dir = ByteBuffer.allocate(all.size() * 128).order(ByteOrder.LITTLE_ENDIAN);
        for (Dir d : all) entry(dir, d);
        int dirStart = alloc(dir.array(), sectors, fat);
        int nf = 1;
        while ((sectors.size() + nf) > nf * (SS / 4)) nf++;
        int fatStart = sectors.size();
        for (int k = 0; k < nf; k++) { sectors.add(new byte[SS]); fat.add(FATSECT); }
        ByteBuffer fatBytes = ByteBuffer.allocate(nf * SS).order(ByteOrder.LITTLE_ENDIAN);
        for (int k = 0; k < nf * SS / 4; k++) fatBytes.putInt(k < fat.size() ? fat.get(k) : FREE);
        for (int k = 0; k < nf; k++) System.arraycopy(fatBytes.array(), k * SS, sectors.get(fatStart + k), 0, SS);

        ByteBuffer h = ByteBuffer.allocate(SS).order(ByteOrder.LITTLE_ENDIAN);
        h.putLong(0, Ole2File.SIGNATURE);
        h.putShort(0x18, (short) 0x3E).putShort(0x1A, (short) 3).putShort(0x1C, (short) 0xFFFE);
        h.putShort(0x1E, (short) 9).putShort(0x20, (short) 6);
        h.putInt(0x2C, nf).putInt(0x30, dirStart).putInt(0x38, CUTOFF);
        h.putInt(0x3C, miniFatStart).putInt(0x40, miniFatSectors).putInt(0x44, END).putInt(0x48, 0);
        for (int i = 0; i < 109; i++) h.putInt(0x4C + 4 * i, i < nf ? fatStart + i : FREE);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(h.array());
        for (byte[] s : sectors) out.writeBytes(s);
        return out.toByteArray();
    }

    private static void collect(Dir d, List<Dir> all) {
        all.add(d);
        for (Dir k : d.kids) collect(k, all);
    }

    private static int alloc(byte[] data, List<byte[]> sectors, List<Integer> fat) {
        int first = sectors.size();
        int n = Math.max(1, (data.length + SS - 1) / SS);
        for (int k = 0; k < n; k++) {
            byte[] s = new byte[SS];
            System.arraycopy(data, k * SS, s, 0, Math.min(SS, data.length - k * SS));
            sectors.add(s);
            fat.add(k == n - 1 ? END : first + k + 1);
        }
        return first;
    }

    private static void entry(ByteBuffer dir, Dir d) {
        int o = d.id * 128;
        byte[] name = d.name.getBytes(StandardCharsets.UTF_16LE);
        dir.put(o, name, 0, Math.min(62, name.length));
        dir.putShort(o + 0x40, (short) (Math.min(62, name.length) + 2));
        dir.put(o + 0x42, (byte) d.type).put(o + 0x43, (byte) 1);
        dir.putInt(o + 0x44, -1).putInt(o + 0x48, d.right).putInt(o + 0x4C, d.kids.isEmpty() ? -1 : d.kids.get(0).id);
        // siblings form a right-leaning chain: a valid (if unbalanced) tree for readers
        dir.putInt(o + 0x74, d.start).putInt(o + 0x78, (int) d.size);
        if (d.type == 5 && d.size == 0) dir.putInt(o + 0x74, END);
    }

    static byte[] vbaCompress(byte[] src) {
        // literal-only compressed chunks: valid MS-OVBA, but one chunk then holds at most 3640 source bytes
        if (src.length > 3640) throw new IllegalArgumentException("test sources must fit one literal-only chunk");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1);
        for (int off = 0; off < src.length || off == 0; off += 4096) {
            int n = Math.min(4096, src.length - off);
            ByteArrayOutputStream c = new ByteArrayOutputStream();
            for (int i = 0; i < n; i += 8) {
                c.write(0);
                c.write(src, off + i, Math.min(8, n - i));
            }
            int size = c.size() + 2;
            if (size - 3 > 0xfff) throw new IllegalArgumentException("chunk too large for a literal-only encoding");
            int header = 0x8000 | 0x3000 | (size - 3);
            out.write(header & 0xff);
            out.write(header >> 8);
            out.writeBytes(c.toByteArray());
            if (src.length == 0) break;
        }
        return out.toByteArray();
    }
}
