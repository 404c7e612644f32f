package dev.bulwark.engine.signatures.yara.modules;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * YARA's dotnet module: CLI header, metadata version, stream headers, the #GUID, #US, #Strings and #Blob heaps,
 * and from the #~ tables the module name, assembly and assembly references, manifest resources, module
 * references, string constants, field RVAs and the typelib GUID attribute. Follows yara 4.x, including its
 * limits (no table of more than 15,000 rows, at most 16 GUIDs), and {@code classes} (YARA 4.3+: types, base
 * types, generic parameters, methods and their signatures; see {@link DotnetClasses}).
 */
final class DotnetModule implements YaraModule {
    private static final int CLI_HEADER_SIZE = 72;
    private static final long METADATA_MAGIC = 0x424A5342L; // "BSJB"
    private static final int METADATA_HEADER = 16; // magic, versions, reserved, version length
    private static final int STREAM_NAME_MAX = 32;
    private static final int MAX_GUID_BYTES = 256; // yara keeps the first 16 GUIDs
    private static final int MAX_STRING = 1024; // yara ignores longer #Strings entries
    private static final int MAX_USER_STRINGS = 1_000_000; // bounds memory on a hostile #US heap

    @Override
    public String name() {
        return "dotnet";
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        Map<String, Object> m = new HashMap<>();
        PeFile pe = PeFile.parse(in);
        if (pe == null) return m;
        long[] cli = cli(pe);
        m.put("is_dotnet", cli == null ? 0L : 1L);
        if (cli != null) new Reader(pe, m, cli[0], cli[1]).read();
        return m;
    }

    /** {CLI header offset, metadata root offset} when the PE is a .NET assembly (yara's checks), else null. */
    private static long[] cli(PeFile pe) {
        long[] dir = pe.directory(14);
        if (dir == null) return null;
        long off = pe.rvaToOffset(dir[0]);
        if (off < 0 || !pe.in.has(off, CLI_HEADER_SIZE) || Bytes.u32(pe.in, off) != CLI_HEADER_SIZE) return null;
        long root = pe.rvaToOffset(Bytes.u32(pe.in, off + 8));
        if (root < 0 || !pe.in.has(root, METADATA_HEADER) || Bytes.u32(pe.in, root) != METADATA_MAGIC) return null;
        long len = Bytes.u32(pe.in, root + 12);
        if (len == 0 || len > 255 || len % 4 != 0 || !pe.in.has(root + METADATA_HEADER, len)) return null;
        return new long[] {off, root};
    }

    static final class Reader {
        final PeFile pe;
        final ScanInput in;
        final Map<String, Object> m;
        final long cli, root;
        long tilde = -1, tildeSize, strings = -1, stringsSize, blob = -1, blobSize, us = -1, usSize, guid = -1, guidSize;

        Reader(PeFile pe, Map<String, Object> m, long cli, long root) {
            this.pe = pe;
            this.in = pe.in;
            this.m = m;
            this.cli = cli;
            this.root = root;
        }

        void read() {
            long len = Bytes.u32(in, root + 12);
            byte[] version = Bytes.slice(in, root + METADATA_HEADER, len);
            for (int i = 0; i < version.length; i++) {
                if (version[i] == 0) {
                    m.put("version", java.util.Arrays.copyOf(version, i));
                    break;
                }
            }
            long off = root + METADATA_HEADER + len + 2;
            if (!in.has(off, 2)) return;
            streams(off + 2, in.u8(off)); // yara reads the stream count's low byte only
            if (guid >= 0) guids();
            if (tilde >= 0 && strings >= 0 && blob >= 0) new DotnetTables(this).read();
            if (us >= 0) userStrings();
        }

        void streams(long p, int count) {
            List<Object> list = new ArrayList<>();
            int i = 0;
            for (; i < count; i++) {
                if (!in.has(p, 8) || !in.has(p + 8, STREAM_NAME_MAX)) break;
                byte[] raw = Bytes.slice(in, p + 8, STREAM_NAME_MAX);
                int n = 0;
                while (n < STREAM_NAME_MAX && raw[n] != 0) n++;
                if (n == STREAM_NAME_MAX) break;
                String name = new String(raw, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
                long so = root + Bytes.u32(in, p), size = Bytes.u32(in, p + 4);
                list.add(Map.of("name", java.util.Arrays.copyOf(raw, n), "offset", so, "size", size));
                if ((name.startsWith("#~") || name.startsWith("#-")) && tilde < 0) {
                    tilde = so;
                    tildeSize = size;
                } else if (name.startsWith("#GUID")) {
                    guid = so;
                    guidSize = size;
                } else if (name.startsWith("#Strings") && strings < 0) {
                    strings = so;
                    stringsSize = size;
                } else if (name.startsWith("#Blob") && blob < 0) {
                    blob = so;
                    blobSize = size;
                } else if (name.startsWith("#US") && us < 0) {
                    us = so;
                    usSize = size;
                }
                p += 8 + n + 4 - n % 4;
            }
            m.put("streams", list);
            m.put("number_of_streams", (long) i);
        }

        void guids() {
            List<Object> out = new ArrayList<>();
            long p = guid;
            for (long left = Math.min(guidSize, MAX_GUID_BYTES); left >= 16 && in.has(p, 16); left -= 16, p += 16) {
                out.add(Args.str(String.format("%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", Bytes.u32(in, p),
                        Bytes.u16(in, p + 4), Bytes.u16(in, p + 6), in.u8(p + 8), in.u8(p + 9), in.u8(p + 10),
                        in.u8(p + 11), in.u8(p + 12), in.u8(p + 13), in.u8(p + 14), in.u8(p + 15))));
            }
            m.put("guids", out);
            m.put("number_of_guids", (long) out.size());
        }

        void userStrings() {
            if (usSize == 0 || !in.has(us, usSize) || in.u8(us) != 0) return;
            List<Object> out = new ArrayList<>();
            long p = us + 1, end = us + usSize;
            while (p < end && out.size() < MAX_USER_STRINGS) {
                long[] b = blobEntry(p);
                if (b == null) break;
                p += b[0];
                long len = b[1] > 0 ? b[1] - 1 : 0; // drop the trailing flag byte
                if (len > 0 && in.has(p, len)) {
                    out.add(Bytes.slice(in, p, len));
                    p += len;
                }
            }
            m.put("user_strings", out);
            m.put("number_of_user_strings", (long) out.size());
        }

        /** ECMA-335 compressed length at p: {header bytes, length}, or null when malformed or not in the file. */
        long[] blobEntry(long p) {
            int b0 = Bytes.u8(in, p);
            if (b0 < 0) return null;
            long[] r;
            if ((b0 & 0x80) == 0) r = new long[] {1, b0};
            else if ((b0 & 0xC0) == 0x80) r = in.has(p, 2) ? new long[] {2, (b0 & 0x3F) << 8 | in.u8(p + 1)} : null;
            else if ((b0 & 0xE0) == 0xC0 && in.has(p, 5)) {
                r = new long[] {4, (long) (b0 & 0x1F) << 24 | in.u8(p + 1) << 16 | in.u8(p + 2) << 8 | in.u8(p + 3)};
            } else return null;
            return r != null && in.has(p, r[0] + r[1]) ? r : null;
        }

        /** NUL-terminated #Strings entry at index, or null (outside the heap or the file, unterminated, > 1 KiB). */
        byte[] string(long index) {
            if (index < 0 || index >= stringsSize || !in.has(strings + index, 1)) return null;
            byte[] s = Bytes.cstr(in, strings + index, MAX_STRING + 1);
            if (s == null || s.length > MAX_STRING || !in.has(strings + index + s.length, 1)) return null;
            return s;
        }

        /** The #Blob entry at index: its bytes, or null. */
        byte[] blob(long index) {
            long[] b = blobEntry(blob + index);
            return b == null ? null : Bytes.slice(in, blob + index + b[0], b[1]);
        }
    }
}
