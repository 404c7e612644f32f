package dev.bulwark.engine.formats.sevenzip;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.tukaani.xz.ARMOptions;
import org.tukaani.xz.ARMThumbOptions;
import org.tukaani.xz.DeltaOptions;
import org.tukaani.xz.FilterOptions;
import org.tukaani.xz.IA64Options;
import org.tukaani.xz.PowerPCOptions;
import org.tukaani.xz.SPARCOptions;
import org.tukaani.xz.UnsupportedOptionsException;
import org.tukaani.xz.X86Options;

/**
 * Where the PPMd folders of an archive opened by Commons Compress lie. Commons Compress parses 7z
 * headers but has no PPMd coder and no way to register one, so the folder layout (pack positions,
 * coders, bind pairs, unpack sizes, file-to-folder map) is read from its parsed header by reflection
 * ({@link Layout}: the private fields of Commons Compress 1.28.0, looked up once).
 * A folder is decoded when it is a chain of single-stream coders whose first (innermost) coder is
 * PPMd and whose others are the filters Commons Compress also applies after LZMA (BCJ x86, PPC, IA64,
 * ARM, ARM Thumb, SPARC; Delta), with XZ for Java's implementations of them, as Commons Compress does.
 * 7-Zip puts BCJ before PPMd by itself for executables ({@code 7z a -m0=PPMd prog.exe}).
 * (bcj2) Folders with a BCJ2 coder (four input streams; 7-Zip's choice for executables at {@code -mx=9}) are
 * read into a {@link FolderGraph} ({@link #graphs}) and decoded by it, whatever compresses their streams
 * (LZMA, LZMA2, PPMd, Copy). ARM64, RISC-V and PPMd combined with another compressor (without BCJ2) are not
 * decoded: clamscan 1.4.6 decodes none of them either.
 * {@link #of} returns null when the archive has no PPMd nor encrypted folder; when the layout cannot be read
 * (another Commons Compress), the result has no folder and {@link #failure} says why.
 */
final class PpmdFolders {
    /**
     * A folder whose innermost coder is PPMd: packed bytes at {@code packOffset} from the signature,
     * PPMd's properties and unpack size, then {@code filters} applied in order.
     */
    record Folder(long packOffset, long packSize, byte[] props, long unpackSize, List<FilterOptions> filters) {}

    /** Per folder index: the PPMd folder, or null when Commons Compress decodes it (or nobody does). */
    final Folder[] folders;
    /** Per file index (as {@link SevenZFile#getEntries()}): its folder, or -1. */
    final int[] fileFolder;
    /** Folders that use PPMd or BCJ2 in a way not decoded (another compressor, an unknown filter, a bad layout), one reason each. */
    final List<String> unsupported;
    /** Why the layout could not be read (PPMd folders then go undecoded), else null. */
    final String failure;
    /**
     * Per folder index: clamscan 1.4.6 calls it encrypted (its 7zDec's CheckSupportedFolder answers SZ_ERROR_ENCRYPTED:
     * one to four coders, the first 7zAES), so its members raise {@code Heuristics.Encrypted.7Zip} when asked.
     * Commons Compress tells an entry's methods only once its folder's decoders are built, which fails for AES
     * under BCJ+LZMA or PPMd without a password, so the folder's coders are read here. (sz16) A folder with 7zAES
     * elsewhere or with more coders (7-Zip's encrypted BCJ2: five) is not encrypted for clamscan, only unsupported.
     */
    final boolean[] encrypted;
    /** Per folder index: it has a 7zAES coder anywhere (never decoded; {@link #encrypted} says whether clamscan calls it so). */
    final boolean[] locked;

    /** Per folder index: the folder decoded as a coder graph ({@link FolderGraph}: those with BCJ2), else null. */
    final FolderGraph[] graphs;

    private PpmdFolders(Folder[] folders, int[] fileFolder, List<String> unsupported, String failure, boolean[] encrypted) {
        this(folders, new FolderGraph[folders.length], fileFolder, unsupported, failure, encrypted, encrypted);
    }

    private PpmdFolders(Folder[] folders, FolderGraph[] graphs, int[] fileFolder, List<String> unsupported, String failure,
                        boolean[] encrypted, boolean[] locked) {
        this.graphs = graphs;
        this.encrypted = encrypted;
        this.locked = locked;
        this.folders = folders;
        this.fileFolder = fileFolder;
        this.unsupported = unsupported;
        this.failure = failure;
    }

    /** 7zAES (AES-256 + SHA-256). */
    private static final byte[] AES = {6, (byte) 0xf1, 7, 1};

    /**
     * Whether clamscan 1.4.6 calls a folder with these method ids encrypted: LZMA SDK 9.20's CheckSupportedFolder
     * refuses a folder of no or more than four coders as unsupported before it looks at the first coder, which it
     * calls encrypted when its id, read as a big-endian number of at most 8 bytes, is 0x06F10701.
     */
    static boolean clamscanEncrypted(List<byte[]> methodIds) {
        if (methodIds.isEmpty() || methodIds.size() > 4) return false;
        byte[] id = methodIds.get(0);
        if (id == null || id.length > 8) return false;
        long v = 0;
        for (byte b : id) v = v << 8 | (b & 0xff);
        return v == 0x06F10701L;
    }

    /** The Commons Compress version on the class path (for messages). */
    static String commonsCompressVersion() {
        String v = SevenZFile.class.getPackage().getImplementationVersion();
        return v == null ? "(unknown version)" : v;
    }

    /** The private fields read, resolved once; {@link #load} fails when one is missing. */
    record Layout(Field archive, Field folders, Field packPos, Field packSizes, Field streamMap, Field firstPack,
                  Field packOffsets, Field fileFolder, Field coders, Field bindPairs, Field packedStreams,
                  Field unpackSizes, Field methodId, Field numIn, Field numOut, Field properties, Field bindIn,
                  Field bindOut) {
        private static final String PKG = "org.apache.commons.compress.archivers.sevenz.";

        /** The layout, with field names passed through {@code rename} (tests simulate another version). */
        static Layout load(UnaryOperator<String> rename) throws ReflectiveOperationException {
            Class<?> archive = Class.forName(PKG + "Archive"), map = Class.forName(PKG + "StreamMap");
            Class<?> folder = Class.forName(PKG + "Folder"), coder = Class.forName(PKG + "Coder"), bind = Class.forName(PKG + "BindPair");
            return new Layout(f(SevenZFile.class, "archive", rename), f(archive, "folders", rename), f(archive, "packPos", rename),
                    f(archive, "packSizes", rename), f(archive, "streamMap", rename), f(map, "folderFirstPackStreamIndex", rename),
                    f(map, "packStreamOffsets", rename), f(map, "fileFolderIndex", rename), f(folder, "coders", rename),
                    f(folder, "bindPairs", rename), f(folder, "packedStreams", rename), f(folder, "unpackSizes", rename),
                    f(coder, "decompressionMethodId", rename), f(coder, "numInStreams", rename), f(coder, "numOutStreams", rename),
                    f(coder, "properties", rename), f(bind, "inIndex", rename), f(bind, "outIndex", rename));
        }

        private static Field f(Class<?> c, String name, UnaryOperator<String> rename) throws ReflectiveOperationException {
            Field f = c.getDeclaredField(rename.apply(name));
            f.setAccessible(true);
            return f;
        }
    }

    /** The layout of the Commons Compress on the class path, or the reason it cannot be read (a String). */
    static final Object LAYOUT = loadLayout(UnaryOperator.identity());

    static Object loadLayout(UnaryOperator<String> rename) {
        try {
            return Layout.load(rename);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return "Commons Compress " + commonsCompressVersion() + " header layout unreadable (" + e + ")";
        }
    }

    static PpmdFolders of(SevenZFile sz) { return of(sz, LAYOUT); }

    /** As {@link #of(SevenZFile)} with {@code layout} (a {@link Layout}, or a failure reason). */
    static PpmdFolders of(SevenZFile sz, Object layout) {
        if (!(layout instanceof Layout l)) return new PpmdFolders(new Folder[0], new int[0], List.of(), String.valueOf(layout), new boolean[0]);
        try {
            Object archive = l.archive.get(sz);
            Object[] folders = (Object[]) l.folders.get(archive);
            if (folders == null) return null;
            long packPos = (Long) l.packPos.get(archive);
            long[] packSizes = (long[]) l.packSizes.get(archive);
            Object map = l.streamMap.get(archive);
            int[] firstPack = (int[]) l.firstPack.get(map);
            long[] packOffsets = (long[]) l.packOffsets.get(map);
            int[] fileFolder = (int[]) l.fileFolder.get(map);
            Folder[] out = new Folder[folders.length];
            FolderGraph[] graphs = new FolderGraph[folders.length];
            boolean any = false;
            List<String> unsupported = new ArrayList<>();
            boolean[] encrypted = new boolean[folders.length], locked = new boolean[folders.length];
            boolean anyEncrypted = false;
            for (int i = 0; i < folders.length; i++) {
                Object[] coders = (Object[]) l.coders.get(folders[i]);
                boolean ppmd = false, bcj2 = false;
                List<byte[]> ids = new ArrayList<>(coders.length);
                for (Object c : coders) {
                    byte[] id = (byte[]) l.methodId.get(c);
                    ids.add(id);
                    ppmd |= Arrays.equals(id, PpmdStream.METHOD_ID);
                    bcj2 |= Arrays.equals(id, Bcj2Stream.METHOD_ID);
                    locked[i] |= Arrays.equals(id, AES);
                }
                encrypted[i] = clamscanEncrypted(ids);
                anyEncrypted |= locked[i];
                if (locked[i]) { // an encrypted member is announced, not decoded
                    if (!encrypted[i]) unsupported.add("folder " + i + ": 7zAES in a folder of " + coders.length
                            + " coders (clamscan does not call it encrypted)");
                    continue;
                }
                if (bcj2) { // (bcj2) a graph of coders, which Commons Compress does not decode
                    Object g = graph(l, folders[i], coders, firstPack[i], packPos, packSizes, packOffsets);
                    String why = g instanceof String w ? w : ((FolderGraph) g).check();
                    if (why != null) unsupported.add("folder " + i + ": BCJ2 folder: " + why);
                    else graphs[i] = (FolderGraph) g;
                    any |= why == null;
                    continue;
                }
                if (!ppmd) continue;
                Object folder = chain(l, folders[i], coders, firstPack[i], packSizes.length);
                if (folder instanceof String why) {
                    unsupported.add("folder " + i + ": " + why);
                    continue;
                }
                Object[] c = (Object[]) folder; // {ppmd coder index, unpack size, filters}
                int p = firstPack[i];
                out[i] = new Folder(32 + packPos + packOffsets[p], packSizes[p], (byte[]) l.properties.get(coders[(Integer) c[0]]),
                        (Long) c[1], castFilters(c[2]));
                any = true;
            }
            return any || !unsupported.isEmpty() || anyEncrypted
                    ? new PpmdFolders(out, graphs, fileFolder, List.copyOf(unsupported), null, encrypted, locked) : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return new PpmdFolders(new Folder[0], new int[0], List.of(),
                    "Commons Compress " + commonsCompressVersion() + " header layout unreadable (" + e + ")", new boolean[0]);
        }
    }

    /** The folder as a {@link FolderGraph} (packed streams placed in the archive), or a String saying why not. */
    private static Object graph(Layout l, Object folder, Object[] coders, int firstPack, long packPos, long[] packSizes,
                                long[] packOffsets) throws ReflectiveOperationException {
        if (coders.length > FolderGraph.MAX_CODERS) return coders.length + " coders";
        List<FolderGraph.Coder> cs = new ArrayList<>(coders.length);
        for (Object c : coders) {
            long in = (Long) l.numIn.get(c), out = (Long) l.numOut.get(c);
            if (in < 0 || in > 64 || out < 0 || out > 64) return "coder with " + in + " inputs and " + out + " outputs";
            cs.add(new FolderGraph.Coder((byte[]) l.methodId.get(c), (byte[]) l.properties.get(c), (int) in, (int) out));
        }
        Object[] binds = (Object[]) l.bindPairs.get(folder);
        long[] bindIn = new long[binds.length], bindOut = new long[binds.length];
        for (int i = 0; i < binds.length; i++) {
            bindIn[i] = (Long) l.bindIn.get(binds[i]);
            bindOut[i] = (Long) l.bindOut.get(binds[i]);
        }
        long[] packed = ((long[]) l.packedStreams.get(folder)).clone();
        long[] offset = new long[packed.length], size = new long[packed.length];
        for (int j = 0; j < packed.length; j++) {
            long p = (long) firstPack + j;
            if (firstPack < 0 || p >= packSizes.length || p >= packOffsets.length) return "packed stream out of range";
            offset[j] = 32 + packPos + packOffsets[(int) p];
            size[j] = packSizes[(int) p];
        }
        return new FolderGraph(List.copyOf(cs), bindIn, bindOut, packed, offset, size, ((long[]) l.unpackSizes.get(folder)).clone());
    }

    @SuppressWarnings("unchecked")
    private static List<FilterOptions> castFilters(Object o) { return (List<FilterOptions>) o; }

    /**
     * The folder as a chain from its packed stream: {ppmd coder index, PPMd unpack size, filters in
     * decoding order}, or a String saying why it is not decoded. Each coder has one in and one out
     * stream, so coder k owns in-stream k and out-stream k; the packed stream feeds the innermost coder,
     * which must be PPMd, and each bind pair feeds a coder's output to the next coder's input.
     */
    private static Object chain(Layout l, Object folder, Object[] coders, int firstPack, int packCount) throws ReflectiveOperationException {
        long[] packed = (long[]) l.packedStreams.get(folder);
        long[] unpackSizes = (long[]) l.unpackSizes.get(folder);
        Object[] binds = (Object[]) l.bindPairs.get(folder);
        int n = coders.length;
        for (Object c : coders) {
            if ((Long) l.numIn.get(c) != 1 || (Long) l.numOut.get(c) != 1)
                return "PPMd with a multi-stream coder (" + name((byte[]) l.methodId.get(c)) + ")";
        }
        if (packed.length != 1 || unpackSizes.length != n || binds.length != n - 1 || firstPack < 0 || firstPack >= packCount)
            return "PPMd folder layout not a chain";
        int k = (int) packed[0];
        if (k < 0 || k >= n) return "PPMd folder layout not a chain";
        if (!Arrays.equals((byte[]) l.methodId.get(coders[k]), PpmdStream.METHOD_ID))
            return "PPMd behind " + name((byte[]) l.methodId.get(coders[k]));
        int ppmd = k;
        long size = unpackSizes[k];
        List<FilterOptions> filters = new ArrayList<>();
        boolean[] seen = new boolean[n];
        seen[k] = true;
        while (true) {
            int next = -1; // the coder whose input is k's output
            for (Object b : binds) if ((Long) l.bindOut.get(b) == k) next = (int) (long) (Long) l.bindIn.get(b);
            if (next < 0) break;
            if (next >= n || seen[next]) return "PPMd folder layout not a chain";
            seen[next] = true;
            byte[] id = (byte[]) l.methodId.get(coders[next]);
            FilterOptions f = filter(id, (byte[]) l.properties.get(coders[next]));
            if (f == null) return "PPMd followed by " + name(id);
            if (unpackSizes[next] != size) return "filter " + name(id) + " changes the size (" + size + " to " + unpackSizes[next] + ")";
            filters.add(f);
            k = next;
        }
        for (boolean s : seen) if (!s) return "PPMd folder layout not a chain";
        return new Object[] {ppmd, size, List.copyOf(filters)};
    }

    /** The filter Commons Compress applies for method {@code id} (XZ for Java's), or null when it has none. */
    static FilterOptions filter(byte[] id, byte[] props) {
        if (id == null) return null;
        try {
            if (id.length == 1 && id[0] == 3) { // Delta: distance - 1 in one byte
                return new DeltaOptions(props != null && props.length >= 1 ? (props[0] & 0xff) + 1 : 1);
            }
            if (id.length != 4 || id[0] != 3 || id[1] != 3) return null;
            int start = 0; // a start offset (7-Zip writes none by default)
            if (props != null && props.length == 4) {
                start = (props[0] & 0xff) | (props[1] & 0xff) << 8 | (props[2] & 0xff) << 16 | (props[3] & 0xff) << 24;
            } else if (props != null && props.length != 0) {
                return null;
            }
            switch ((id[2] & 0xff) << 8 | id[3] & 0xff) {
                case 0x0103: { X86Options o = new X86Options(); o.setStartOffset(start); return o; }
                case 0x0205: { PowerPCOptions o = new PowerPCOptions(); o.setStartOffset(start); return o; }
                case 0x0401: { IA64Options o = new IA64Options(); o.setStartOffset(start); return o; }
                case 0x0501: { ARMOptions o = new ARMOptions(); o.setStartOffset(start); return o; }
                case 0x0701: { ARMThumbOptions o = new ARMThumbOptions(); o.setStartOffset(start); return o; }
                case 0x0805: { SPARCOptions o = new SPARCOptions(); o.setStartOffset(start); return o; }
                default: return null;
            }
        } catch (UnsupportedOptionsException e) {
            return null;
        }
    }

    static String name(byte[] id) {
        if (id == null) return "?";
        if (Arrays.equals(id, new byte[] {3, 3, 1, 0x1b})) return "BCJ2";
        if (Arrays.equals(id, new byte[] {0x0a})) return "ARM64";
        if (Arrays.equals(id, new byte[] {0x0b})) return "RISCV";
        StringBuilder sb = new StringBuilder("method ");
        for (byte b : id) sb.append(String.format("%02x", b));
        return sb.toString();
    }
}
