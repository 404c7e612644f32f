package dev.bulwark.engine.formats.udf;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes small UDF 2.01 images (2048-byte blocks, one partition at block 257) for the tests, in the
 * layout ClamAV's parser expects: recognition sequence at 32768; main volume descriptor sequence at
 * block 32 in the order primary, implementation use, logical volume, partition, unallocated space,
 * terminating; integrity sequence (integrity, terminating) right after; anchor at 256; in the
 * partition the file set descriptor and a terminator, then depth first every directory's entry and
 * identifiers, then the files' entries, then the files' data. Tags carry valid checksums and CRCs,
 * so other readers (7-Zip) list the images too.
 */
final class UdfBuilder {
    static final int B = 2048, PARTITION = 257;

    /** How the files are described. */
    enum Alloc { SHORT, LONG, EXTENDED, EMBEDDED }

    /** @param extendedEntries files described by extended file entries (tag 266) instead of file entries */
    record Options(Alloc alloc, boolean extendedEntries, boolean extendedDirectories) {
        static final Options PLAIN = new Options(Alloc.SHORT, false, false);
    }

    private static final class Node {
        final String name;
        final byte[] data; // null for directories
        final Node parent;
        final Map<String, Node> children = new LinkedHashMap<>();
        int entryBlock, dataBlock, dirBlocks;
        byte[] fids;

        Node(String name, byte[] data, Node parent) { this.name = name; this.data = data; this.parent = parent; }
    }

    /** An image holding {@code files} (paths with '/' separators; directories are created as needed). */
    static byte[] image(Map<String, byte[]> files, Options o) {
        Node root = new Node("", null, null);
        for (var f : files.entrySet()) {
            Node d = root;
            String[] parts = f.getKey().split("/");
            for (int i = 0; i < parts.length - 1; i++) {
                Node parent = d;
                d = d.children.computeIfAbsent(parts[i], n -> new Node(n, null, parent));
            }
            d.children.put(parts[parts.length - 1], new Node(parts[parts.length - 1], f.getValue(), d));
        }
        List<Node> dirs = new ArrayList<>(), leaves = new ArrayList<>();
        walk(root, dirs, leaves);
        int next = 2; // partition blocks 0 and 1: file set descriptor and its terminator
        for (Node d : dirs) {
            d.entryBlock = next++;
            d.dataBlock = next;
            next += d.dirBlocks = (fidBytes(d) + B - 1) / B;
        }
        for (Node f : leaves) f.entryBlock = next++;
        for (Node f : leaves) {
            if (o.alloc() == Alloc.EMBEDDED) continue;
            f.dataBlock = next;
            next += (f.data.length + B - 1) / B;
        }
        int partitionBlocks = next;
        ByteBuffer img = ByteBuffer.allocate((PARTITION + partitionBlocks) * B).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 3; i++) {
            img.put(16 * B + i * B + 1, (i == 0 ? "BEA01" : i == 1 ? "NSR02" : "TEA01").getBytes(StandardCharsets.US_ASCII));
            img.put(16 * B + i * B + 6, (byte) 1);
        }
        volumeSequence(img, partitionBlocks);
        // file set descriptor: root directory ICB at 400, domain at 416
        int fsd = PARTITION * B;
        img.putShort(fsd + 28, (short) 3).putShort(fsd + 30, (short) 3).putInt(fsd + 32, 1).putInt(fsd + 36, 1);
        longAd(img, fsd + 400, B, root.entryBlock);
        regid(img, fsd + 416, "*OSTA UDF Compliant");
        tag(img, fsd, Descriptors.FILE_SET, 0, 512);
        tag(img, fsd + B, Descriptors.TERMINATING, 1, 512);
        for (Node d : dirs) {
            byte[] f = fidBytes(d, img);
            img.put(at(d.dataBlock), f);
            entry(img, d, f.length, true, o.extendedDirectories(), Alloc.SHORT);
        }
        for (Node f : leaves) {
            if (o.alloc() != Alloc.EMBEDDED) img.put(at(f.dataBlock), f.data);
            entry(img, f, f.data.length, false, o.extendedEntries(), o.alloc());
        }
        return img.array();
    }

    private static void walk(Node d, List<Node> dirs, List<Node> leaves) {
        dirs.add(d);
        for (Node c : d.children.values()) if (c.data == null) walk(c, dirs, leaves);
        for (Node c : d.children.values()) if (c.data != null) leaves.add(c);
    }

    private static int at(int partitionBlock) { return (PARTITION + partitionBlock) * B; }

    private static int fidSize(int nameLength) { return (38 + nameLength + 3) & ~3; }

    private static int fidBytes(Node d) {
        int n = fidSize(0);
        for (Node c : d.children.values()) n += fidSize(1 + c.name.length());
        return n;
    }

    /** The directory's identifiers: parent first, then its children; tags record the block each starts in. */
    private static byte[] fidBytes(Node d, ByteBuffer img) {
        ByteBuffer out = ByteBuffer.allocate(fidBytes(d)).order(ByteOrder.LITTLE_ENDIAN);
        int p = 0;
        p = fid(out, p, d, d.parent == null ? d : d.parent, "", 0x0A);
        for (Node c : d.children.values()) p = fid(out, p, d, c, c.name, c.data == null ? 0x02 : 0x00);
        return out.array();
    }

    private static int fid(ByteBuffer out, int p, Node dir, Node target, String name, int characteristics) {
        int nameLength = name.isEmpty() ? 0 : 1 + name.length();
        out.putShort(p + 16, (short) 1);
        out.put(p + 18, (byte) characteristics).put(p + 19, (byte) nameLength);
        longAd(out, p + 20, B, target.entryBlock);
        if (nameLength > 0) {
            out.put(p + 38, (byte) 8);
            out.put(p + 39, name.getBytes(StandardCharsets.ISO_8859_1));
        }
        int size = fidSize(nameLength);
        tag(out, p, Descriptors.FILE_IDENTIFIER, dir.dataBlock + p / B, size - 16);
        return p + size;
    }

    /** A file entry (or extended file entry) with one allocation descriptor, or the data embedded. */
    private static void entry(ByteBuffer img, Node n, int length, boolean dir, boolean extended, Alloc alloc) {
        int e = at(n.entryBlock);
        int flags = alloc.ordinal(); // 0 short, 1 long, 2 extended, 3 embedded
        img.putShort(e + 20, (short) 4).putShort(e + 24, (short) 1).put(e + 27, (byte) (dir ? 4 : 5)).putShort(e + 34, (short) flags);
        img.putInt(e + 36, -1).putInt(e + 40, -1).putInt(e + 44, 0x14A5).putShort(e + 48, (short) 1);
        img.putLong(e + 56, length);
        int blocks = (length + B - 1) / B;
        int ea, ad;
        if (extended) {
            img.putLong(e + 64, length).putLong(e + 72, alloc == Alloc.EMBEDDED ? 0 : blocks);
            img.putInt(e + 128, 1);
            regid(img, e + 168, "*bulwark");
            img.putLong(e + 200, 16 + n.entryBlock);
            ea = 208;
            ad = 216;
        } else {
            img.putLong(e + 64, alloc == Alloc.EMBEDDED ? 0 : blocks);
            img.putInt(e + 108, 1);
            regid(img, e + 128, "*bulwark");
            img.putLong(e + 160, 16 + n.entryBlock);
            ea = 168;
            ad = 176;
        }
        int adLength = switch (alloc) {
            case SHORT -> { img.putInt(e + ad, length).putInt(e + ad + 4, n.dataBlock); yield 8; }
            case LONG -> { longAd(img, e + ad, length, n.dataBlock); yield 16; }
            case EXTENDED -> {
                img.putInt(e + ad, length).putInt(e + ad + 4, length).putInt(e + ad + 8, length);
                img.putInt(e + ad + 12, n.dataBlock).putShort(e + ad + 16, (short) 0);
                yield 20;
            }
            case EMBEDDED -> { img.put(e + ad, n.data); yield n.data.length; }
        };
        img.putInt(e + ea, 0).putInt(e + ea + 4, adLength);
        tag(img, e, extended ? Descriptors.EXTENDED_FILE_ENTRY : Descriptors.FILE_ENTRY, n.entryBlock, ad + adLength - 16);
    }

    private static void volumeSequence(ByteBuffer img, int partitionBlocks) {
        int s = 32 * B;
        // primary volume descriptor
        img.putShort(s + 56, (short) 1).putShort(s + 58, (short) 1).putShort(s + 60, (short) 2).putShort(s + 62, (short) 3);
        img.putInt(s + 64, 1).putInt(s + 68, 1);
        dstring(img, s + 24, 32, "BULWARK");
        tag(img, s, Descriptors.PRIMARY_VOLUME, 32, 496);
        // implementation use volume descriptor
        img.putInt(s + B + 16, 1);
        regid(img, s + B + 20, "*UDF LV Info");
        tag(img, s + B, Descriptors.IMPLEMENTATION_USE, 33, 496);
        // logical volume descriptor: block size, file set at partition block 0, one type-1 partition map
        int l = s + 2 * B;
        img.putInt(l + 16, 2).putInt(l + 212, B);
        regid(img, l + 216, "*OSTA UDF Compliant");
        img.putShort(l + 240, (short) 0x0201);
        longAd(img, l + 248, B, 0);
        img.putInt(l + 264, 6).putInt(l + 268, 1);
        img.putInt(l + 432, 2 * B).putInt(l + 436, 38);
        img.put(l + 440, (byte) 1).put(l + 441, (byte) 6).putShort(l + 442, (short) 1).putShort(l + 444, (short) 0);
        tag(img, l, Descriptors.LOGICAL_VOLUME, 34, 446 - 16);
        // partition descriptor
        int p = s + 3 * B;
        img.putInt(p + 16, 3).putShort(p + 20, (short) 1).putShort(p + 22, (short) 0);
        regid(img, p + 24, "+NSR02");
        img.putInt(p + 184, 1).putInt(p + 188, PARTITION).putInt(p + 192, partitionBlocks);
        tag(img, p, Descriptors.PARTITION, 35, 496);
        img.putInt(s + 4 * B + 16, 4);
        tag(img, s + 4 * B, Descriptors.UNALLOCATED_SPACE, 36, 8);
        tag(img, s + 5 * B, Descriptors.TERMINATING, 37, 496);
        // integrity sequence: closed, one partition, no free space
        int i = 38 * B;
        img.putInt(i + 28, 1).putLong(i + 40, 16 + 1000).putInt(i + 72, 1).putInt(i + 76, 46);
        regid(img, i + 88, "*bulwark");
        img.putShort(i + 88 + 40, (short) 0x0201).putShort(i + 88 + 42, (short) 0x0201).putShort(i + 88 + 44, (short) 0x0201);
        tag(img, i, Descriptors.INTEGRITY, 38, 88 + 46 - 16);
        tag(img, i + B, Descriptors.TERMINATING, 39, 496);
        // anchor at 256: main and reserve sequences (the same blocks)
        int a = 256 * B;
        img.putInt(a + 16, 6 * B).putInt(a + 20, 32).putInt(a + 24, 6 * B).putInt(a + 28, 32);
        tag(img, a, Descriptors.ANCHOR, 256, 496);
    }

    private static void longAd(ByteBuffer b, int off, int length, int block) {
        b.putInt(off, length).putInt(off + 4, block).putShort(off + 8, (short) 0);
    }

    private static void regid(ByteBuffer b, int off, String id) {
        b.put(off + 1, id.getBytes(StandardCharsets.US_ASCII));
    }

    private static void dstring(ByteBuffer b, int off, int size, String s) {
        b.put(off, (byte) 8).put(off + 1, s.getBytes(StandardCharsets.US_ASCII)).put(off + size - 1, (byte) (s.length() + 1));
    }

    /** Writes a descriptor tag at {@code off}: version 2, CRC over {@code crcLength} bytes after the tag, checksum. */
    static void tag(ByteBuffer b, int off, int id, int location, int crcLength) {
        b.putShort(off, (short) id).putShort(off + 2, (short) 2).putShort(off + 6, (short) 1);
        b.putShort(off + 8, (short) crc(b, off + 16, crcLength)).putShort(off + 10, (short) crcLength).putInt(off + 12, location);
        int sum = 0;
        for (int i = 0; i < 16; i++) if (i != 4) sum += b.get(off + i) & 0xFF;
        b.put(off + 4, (byte) sum);
    }

    /** CRC-16/CCITT (polynomial 0x1021, initial 0) as ECMA-167 7.2.6 specifies. */
    private static int crc(ByteBuffer b, int off, int len) {
        int crc = 0;
        for (int i = 0; i < len; i++) {
            crc ^= (b.get(off + i) & 0xFF) << 8;
            for (int k = 0; k < 8; k++) crc = (crc & 0x8000) != 0 ? (crc << 1) ^ 0x1021 : crc << 1;
        }
        return crc & 0xFFFF;
    }
}
