package dev.bulwark.engine.formats.ole2;

import dev.bulwark.engine.formats.docio.ByteSink;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A parsed OLE2 compound file (MS-CFB): header, FAT, mini FAT, directory tree. Every chain walk is
 * bounded by the number of sectors the file can hold, so cyclic or lying chains terminate.
 */
final class Ole2File {
    static final long SIGNATURE = 0xE11AB1A1E011CFD0L;
    private static final int FREE = -1, END = -2;
    private static final int HEADER_DIFAT = 109;
    private static final int DIR_ENTRY = 128;
    private static final int MAX_TREE_DEPTH = 64; // storages nested deeper are ignored
    /** Directory entries read: real documents have dozens to a few thousand; this bounds memory to ~20 MB. */
    static final int MAX_DIR_ENTRIES = 1 << 17;

    /** One directory entry. */
    record Entry(int id, String name, int type, int left, int right, int child, int start, long size) {
        boolean isStream() { return type == 2; }
        boolean isStorage() { return type == 1 || type == 5; }
    }

    /** A stream with the path of storages above it. */
    record Node(Entry entry, int parent) {}

    private final ByteBuffer b;
    private final int sectorShift, miniShift;
    private final long miniCutoff;
    private final int maxSectors;
    private final int[] fat;
    private int[] miniFat = new int[0];
    private ByteSink miniStream;
    final List<Entry> entries = new ArrayList<>();

    private Ole2File(ByteBuffer data, int sectorShift, int miniShift, long miniCutoff) {
        this.b = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        this.sectorShift = sectorShift;
        this.miniShift = miniShift;
        this.miniCutoff = miniCutoff;
        this.maxSectors = (int) (((long) b.limit() + (1 << sectorShift) - 1) >> sectorShift);
        this.fat = new int[maxSectors];
        Arrays.fill(fat, END);
    }

    static boolean isOle2(ByteBuffer d) {
        return d.limit() >= 512 && d.duplicate().order(ByteOrder.LITTLE_ENDIAN).getLong(0) == SIGNATURE;
    }

    /** Parses the structures; throws {@link Ole2Exception} when the header is unusable. */
    static Ole2File open(ByteBuffer data) throws Ole2Exception {
        if (!isOle2(data)) throw new Ole2Exception("not an OLE2 file (bad signature)", 0);
        ByteBuffer h = data.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        int shift = h.getShort(0x1E) & 0xffff;
        int mshift = h.getShort(0x20) & 0xffff;
        if (shift < 7 || shift > 16) throw new Ole2Exception("sector shift " + shift + " out of range", 0x1E);
        if (mshift < 2 || mshift >= shift) throw new Ole2Exception("mini sector shift " + mshift + " out of range", 0x20);
        long cutoff = h.getInt(0x38) & 0xffffffffL;
        Ole2File f = new Ole2File(data, shift, mshift, cutoff);
        f.readFat(h);
        f.readDirectory(h.getInt(0x30));
        f.readMini(h.getInt(0x3C));
        return f;
    }

    private int sectorSize() { return 1 << sectorShift; }

    private long sectorOffset(int s) { return ((long) s + 1) << sectorShift; }

    private boolean validSector(int s) {
        return s >= 0 && s < maxSectors && sectorOffset(s) < b.limit();
    }

    private void readFat(ByteBuffer h) {
        int perSector = sectorSize() / 4;
        int fatIndex = 0;
        for (int i = 0; i < HEADER_DIFAT; i++) loadFatSector(h.getInt(0x4C + 4 * i), fatIndex++, perSector);
        int difat = h.getInt(0x44);
        for (int steps = 0; validSector(difat) && steps < maxSectors; steps++) {
            long off = sectorOffset(difat);
            for (int k = 0; k < perSector - 1; k++) {
                long p = off + 4L * k;
                if (p + 4 > b.limit()) return;
                loadFatSector(b.getInt((int) p), fatIndex++, perSector);
            }
            long np = off + 4L * (perSector - 1);
            if (np + 4 > b.limit()) return;
            difat = b.getInt((int) np);
        }
    }

    private void loadFatSector(int sector, int fatIndex, int perSector) {
        if (!validSector(sector)) return;
        long first = (long) fatIndex * perSector;
        if (first >= maxSectors) return;
        long off = sectorOffset(sector);
        for (int k = 0; k < perSector && first + k < maxSectors; k++) {
            long p = off + 4L * k;
            if (p + 4 > b.limit()) return;
            fat[(int) (first + k)] = b.getInt((int) p);
        }
    }

    /** Reads a regular-sector chain, at most {@code max} bytes. */
    ByteSink chain(int start, long max) {
        ByteSink out = new ByteSink(Math.min(max, (long) maxSectors << sectorShift));
        int s = start;
        for (int steps = 0; validSector(s) && steps < maxSectors && out.size() < max; steps++) {
            long off = sectorOffset(s);
            int n = (int) Math.min(sectorSize(), b.limit() - off);
            if (!out.put(b, (int) off, (int) Math.min(n, max - out.size()))) break;
            s = fat[s];
        }
        return out;
    }

    private void readDirectory(int start) {
        ByteSink dir = chain(start, Math.min((long) maxSectors << sectorShift, (long) MAX_DIR_ENTRIES * DIR_ENTRY));
        ByteBuffer d = dir.view().order(ByteOrder.LITTLE_ENDIAN);
        int n = dir.size() / DIR_ENTRY;
        for (int i = 0; i < n; i++) {
            int o = i * DIR_ENTRY;
            int nameLen = Math.min(64, d.getShort(o + 0x40) & 0xffff);
            StringBuilder name = new StringBuilder();
            for (int k = 0; k + 1 < nameLen; k += 2) {
                char c = d.getChar(o + k);
                if (c == 0) break;
                name.append(c);
            }
            long size = d.getInt(o + 0x78) & 0xffffffffL; // v3 files leave the high half undefined
            if (sectorShift > 9) size |= (d.getInt(o + 0x7C) & 0xffffffffL) << 32;
            entries.add(new Entry(i, name.toString(), d.get(o + 0x42), d.getInt(o + 0x44), d.getInt(o + 0x48),
                    d.getInt(o + 0x4C), d.getInt(o + 0x74), size));
        }
    }

    private void readMini(int miniFatStart) {
        if (entries.isEmpty()) return;
        Entry root = entries.get(0);
        ByteSink mf = chain(miniFatStart, (long) maxSectors << sectorShift);
        ByteBuffer m = mf.view().order(ByteOrder.LITTLE_ENDIAN);
        miniFat = new int[mf.size() / 4];
        for (int i = 0; i < miniFat.length; i++) miniFat[i] = m.getInt(4 * i);
        miniStream = chain(root.start(), Math.min(root.size(), (long) maxSectors << sectorShift));
    }

    /** The bytes of a stream entry, at most {@code max}; {@code truncated[0]} is set when cut short. */
    ByteSink read(Entry e, long max, boolean[] truncated) {
        long want = Math.min(e.size(), max);
        ByteSink out;
        if (e.size() < miniCutoff && e.id() != 0) {
            out = new ByteSink(want);
            int ms = 1 << miniShift;
            int s = e.start();
            int limit = miniStream == null ? 0 : miniStream.size() >> miniShift;
            ByteBuffer mini = miniStream == null ? ByteBuffer.allocate(0) : miniStream.view();
            for (int steps = 0; s >= 0 && s < limit && steps <= limit && out.size() < want; steps++) {
                out.put(mini, s << miniShift, (int) Math.min(ms, want - out.size()));
                s = s < miniFat.length ? miniFat[s] : END;
            }
        } else {
            out = chain(e.start(), want);
        }
        truncated[0] = out.size() < e.size();
        return out;
    }

    /** Streams reachable from the root, depth first, each with the index of its parent storage. */
    List<Node> walk() {
        List<Node> out = new ArrayList<>();
        if (entries.isEmpty()) return out;
        boolean[] seen = new boolean[entries.size()];
        seen[0] = true;
        visitStorage(0, 0, seen, out);
        return out;
    }

    private void visitStorage(int storage, int depth, boolean[] seen, List<Node> out) {
        if (depth > MAX_TREE_DEPTH) return;
        // the children of a storage form a red-black tree rooted at its child pointer
        // (every entry is pushed at most once in the whole walk thanks to seen[])
        List<Integer> members = new ArrayList<>();
        java.util.ArrayDeque<Integer> stack = new java.util.ArrayDeque<>();
        int c = entries.get(storage).child();
        if (c >= 0 && c < entries.size() && !seen[c]) { seen[c] = true; stack.push(c); }
        while (!stack.isEmpty()) {
            int i = stack.pop();
            members.add(i);
            Entry e = entries.get(i);
            for (int n : new int[] {e.left(), e.right()}) {
                if (n >= 0 && n < entries.size() && !seen[n]) { seen[n] = true; stack.push(n); }
            }
        }
        members.sort(null);
        for (int i : members) {
            Entry e = entries.get(i);
            if (e.isStream()) out.add(new Node(e, storage));
            else if (e.isStorage()) visitStorage(i, depth + 1, seen, out);
        }
    }

    /** The stream named {@code name} (case-insensitive) directly inside storage {@code parent}. */
    static Node find(List<Node> nodes, int parent, String name) {
        for (Node n : nodes) if (n.parent() == parent && n.entry().name().equalsIgnoreCase(name)) return n;
        return null;
    }
}
