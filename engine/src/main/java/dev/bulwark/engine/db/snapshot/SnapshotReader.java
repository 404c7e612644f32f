package dev.bulwark.engine.db.snapshot;

import dev.bulwark.engine.match.Blocks;
import dev.bulwark.engine.match.FlatBuffers;
import dev.bulwark.engine.DatabaseLoadException;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.db.PlainFiles;
import dev.bulwark.engine.signatures.clamav.SignatureSet;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.io.RandomAccessFile;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32;

/**
 * Opens a snapshot: memory-maps it, checks magic, format version and the per-block CRC32s (all of them, or for
 * a one-shot scan all but the lazily checked ones, see {@link #load(Path, boolean)}), and restores the compiled
 * database without parsing or compiling any signature. Sources that changed since the snapshot was
 * written are reported as warnings of the returned database (never silently ignored).
 */
public final class SnapshotReader {
    private SnapshotReader() {}

    /** Loads a snapshot; every problem becomes a {@link DatabaseLoadException} naming the file. */
    public static Database load(Path file) {
        return load(file, false);
    }

    /**
     * Loads a snapshot; with {@code lazy} (a one-shot scan) a mapped snapshot's hash index arrays, body pattern
     * encodings and name blobs are checked block by block when first read instead of at load (format 13,
     * {@link Blocks}; the rest, ~44 of 238 MB for the large generated database, is checked here): a damaged block
     * met by a scan then fails that scan, and every later one, as a damaged database (exit 2 from {@code bulwark
     * scan}, lines already printed stand). Without it (the daemon, the API's default, {@code db info}) every block
     * is checked here.
     */
    public static Database load(Path file, boolean lazy) {
        String name = file.toString();
        try {
            Parsed p = open(file, lazy);
            List<Diagnostic> warnings = new ArrayList<>();
            for (String s : stale(p.sources)) {
                warnings.add(Diagnostic.warning(name, 0, "snapshot is stale: " + s + " changed since it was compiled; run bulwark db compile again"));
            }
            return new Database(p.set, p.dbSources, warnings, p.version,
                    p.buildTime == Long.MIN_VALUE ? null : Instant.ofEpochMilli(p.buildTime), p.fingerprint);
        } catch (IOException e) {
            throw new DatabaseLoadException(Diagnostic.error(name, 0, "cannot read snapshot: " + e.getMessage()));
        } catch (IllegalArgumentException e) {
            throw new DatabaseLoadException(Diagnostic.error(name, 0, "invalid snapshot: " + e.getMessage()));
        }
    }

    /** Reads a snapshot's description (for {@code bulwark db info}); checks it fully, like {@link #load}. */
    public static Snapshot.Info info(Path file) throws IOException {
        Parsed p = open(file, false); // every block checked
        // a scan decodes body patterns and logical signatures on first use; info checks them all
        p.set.patterns.checkAll();
        p.set.lsigs.decodeAll();
        int hashes = 0;
        for (var h : p.set.hashes) hashes += h.size();
        return new Snapshot.Info(Snapshot.FORMAT, p.fileSize, p.created, p.sources, stale(p.sources),
                p.set.count(), p.set.patterns.size(), p.set.lsigs.size(), hashes,
                p.set.ndbNames.size() + p.set.hashNames.size(), p.version, p.fingerprint);
    }

    /**
     * Snapshots up to this size are read into the heap instead of being mapped: the first
     * {@code FileChannel.map} of a process makes the JDK generate ~30 method-handle classes (tens of
     * milliseconds of CPU, most of a one-file scan's start-up), while reading a few MiB costs a few
     * milliseconds. Larger snapshots stay mapped so that only the pages a scan touches become resident.
     */
    static final long READ_MAX = 16L << 20;

    /** Largest single read of a snapshot into the heap (see {@link #open}). */
    private static final int READ_CHUNK = 64 << 10;

    /** Reads (small) or maps (large) a snapshot and parses it. */
    private static Parsed open(Path file, boolean lazy) throws IOException {
        // (startup12) a small snapshot is read without a FileChannel (as dev.bulwark.engine.Scanner reads small files: the first
        // channel loads libnet and reads through a temporary direct buffer as large as the file); a failure to open it
        // so goes on to FileChannel.open below, which reports it as ever
        RandomAccessFile raf = PlainFiles.open(file);
        if (raf != null) {
            try (raf) {
                long size = raf.length();
                if (size > Snapshot.MAX_FILE) throw new IllegalArgumentException("file larger than 2 GiB");
                if (size > READ_MAX) return parse(raf.getChannel().map(FileChannel.MapMode.READ_ONLY, 0, size), file, file.toString(), lazy);
                byte[] a = new byte[(int) size];
                // in chunks: RandomAccessFile reads through a native buffer as large as the request (malloc'd above
                // 8 KiB); one of 64 KiB comes from the C heap and is reused, one as large as the file is mapped and
                // faulted in afresh (~200 more page faults for the small snapshot)
                for (int got = 0, n; got < size; got += n) {
                    if ((n = raf.read(a, got, (int) Math.min(size - got, READ_CHUNK))) < 0) {
                        throw new IllegalArgumentException("snapshot changed while reading it");
                    }
                }
                return parse(ByteBuffer.wrap(a), null, file.toString(), false);
            }
        }
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Snapshot.MAX_FILE) throw new IllegalArgumentException("file larger than 2 GiB");
            if (size > READ_MAX) return parse(ch.map(FileChannel.MapMode.READ_ONLY, 0, size), file, file.toString(), lazy);
            ByteBuffer b = ByteBuffer.allocate((int) size);
            while (b.hasRemaining()) {
                if (ch.read(b, b.position()) < 0) throw new IllegalArgumentException("snapshot changed while reading it");
            }
            return parse(b.flip(), null, file.toString(), false); // in the heap already: the checksum needs no second read
        }
    }

    record Parsed(long created, List<Snapshot.Source> sources, List<String> dbSources, long version,
                          long buildTime, String fingerprint, SignatureSet set, long fileSize) {}

    /** Parses and checks a whole snapshot image held in memory. */
    static Parsed parse(ByteBuffer whole) {
        try {
            return parse(whole, null, "snapshot", false);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e); // not reached: no file is read
        }
    }

    /**
     * Parses and checks a snapshot image; with {@code file}, the checksum is computed from ordinary reads
     * of the file rather than through the mapping, so the check does not make every page of the mapping
     * resident (only what the scan touches counts towards the process's memory).
     */
    static Parsed parse(ByteBuffer whole, Path file) throws IOException {
        return parse(whole, file, String.valueOf(file), false);
    }

    /** As {@link #parse(ByteBuffer, Path)}, with the hash indexes' blocks checked on first use when {@code lazy}. */
    static Parsed parse(ByteBuffer whole, Path file, boolean lazy) throws IOException {
        return parse(whole, file, String.valueOf(file), lazy);
    }

    /** As {@link #parse(ByteBuffer, Path)}; {@code origin} names the snapshot in errors found after opening. */
    private static Parsed parse(ByteBuffer whole, Path file, String origin, boolean lazy) throws IOException {
        ByteBuffer b = whole.duplicate().order(ByteOrder.LITTLE_ENDIAN);
        long size = b.remaining();
        if (size < Snapshot.HEADER + Snapshot.TRAILER_FIXED) throw new IllegalArgumentException("not a Bulwark snapshot (too short)");
        byte[] magic = new byte[8];
        b.get(0, magic);
        if (!Arrays.equals(magic, Snapshot.MAGIC)) throw new IllegalArgumentException("not a Bulwark snapshot (bad magic)");
        int format = b.getInt(8);
        if (format != Snapshot.FORMAT) {
            throw new IllegalArgumentException("snapshot format " + format + " is not supported (this Bulwark reads format "
                    + Snapshot.FORMAT + "); recompile it with bulwark db compile");
        }
        long payload = b.getLong(16);
        if (payload < 0 || payload > size || Snapshot.HEADER + payload + Snapshot.trailer(payload) != size) {
            throw new IllegalArgumentException("snapshot truncated or padded (payload length " + payload + ", file " + size + " bytes)");
        }
        int end = (int) (Snapshot.HEADER + payload);
        byte[] endMark = new byte[8];
        b.get((int) size - 8, endMark);
        if (!Arrays.equals(endMark, Snapshot.END)) throw new IllegalArgumentException("snapshot truncated (no end marker)");
        int nb = Blocks.count(end);
        CRC32 tc = new CRC32();
        tc.update(b.duplicate().position(end).limit(end + 4 + 4 * nb));
        if (b.getInt(end) != nb || (int) tc.getValue() != b.getInt(end + 4 + 4 * nb)) {
            throw new IllegalArgumentException("checksum mismatch: the snapshot is corrupt (block checksum table)");
        }
        int[] crcs = new int[nb];
        b.duplicate().order(ByteOrder.LITTLE_ENDIAN).position(end + 4).asIntBuffer().get(crcs);
        Blocks blocks = new Blocks(b, crcs, end);
        lazy &= file != null; // only a mapping is read lazily (an image in the heap was read whole anyway)
        FlatBuffers.In in = new FlatBuffers.In(b.duplicate().position(Snapshot.HEADER).limit(end).slice());
        if (lazy) in.lazy(blocks, Snapshot.HEADER);
        Parsed p;
        try {
            p = parseBody(in, origin, size);
        } catch (IllegalArgumentException e) {
            verify(b, blocks, file, false); // damage reads as damage, not as whatever it made the parser see
            throw e;
        }
        verify(b, blocks, file, lazy);
        return p;
    }

    private static Parsed parseBody(FlatBuffers.In in, String origin, long size) {
        long created = in.i64();
        int ns = in.i32();
        if (ns < 0 || ns > 1 << 20) throw new IllegalArgumentException("bad source count");
        List<Snapshot.Source> sources = new ArrayList<>();
        for (int i = 0; i < ns; i++) {
            byte[] path = in.bytes(); // (written as a string's bytes; a name that is not UTF-8 keeps its bytes, see RawNames)
            sources.add(new Snapshot.Source(dev.bulwark.engine.RawNames.decode(path, 0, path.length), in.bool(), in.i64(), in.i64(), in.string()));
        }
        int nd = in.i32();
        if (nd < 0 || nd > 1 << 20) throw new IllegalArgumentException("bad source count");
        List<String> dbSources = new ArrayList<>();
        for (int i = 0; i < nd; i++) dbSources.add(in.string());
        long version = in.i64(), buildTime = in.i64();
        String fingerprint = in.string();
        SignatureSet set = SignatureSet.read(in, origin);
        if (in.remaining() != 0) throw new IllegalArgumentException("unexpected data after the signatures");
        return new Parsed(created, sources, dbSources, version, buildTime, fingerprint, set, size);
    }

    /** Bytes read at a time for the checksums. */
    private static final int CRC_CHUNK = 1 << 20;

    /**
     * Checks every block (but those left to first use when {@code skipLazy}) against its checksum: through the
     * image when it is in the heap; with {@code file}, from ordinary reads of the file rather than through the
     * mapping, so the check does not make the pages resident (only what the scan touches counts towards the
     * process's memory).
     */
    private static void verify(ByteBuffer b, Blocks blocks, Path file, boolean skipLazy) throws IOException {
        int nb = blocks.blocks();
        CRC32 crc = new CRC32();
        int end = (int) (b.limit() - Snapshot.trailer(b.getLong(16)));
        if (file == null || skipLazy) {
            // in the heap; or mapped, for a one-shot scan: every block left to check at load was read by the parse
            // (the pattern tables and atom index are copied into arrays), so its pages are mapped already and the
            // checksum reads them in place instead of copying them again
            byte[] a = b.hasArray() ? b.array() : null;
            ByteBuffer d = a == null ? b.duplicate().clear() : null;
            for (int k = 0; k < nb; k++) {
                if (skipLazy && blocks.isLazy(k)) continue;
                int at = k << Blocks.SHIFT, n = Math.min(Blocks.SIZE, end - at);
                crc.reset();
                if (a != null) crc.update(a, b.arrayOffset() + at, n);
                else crc.update(d.limit(at + n).position(at));
                check(blocks, k, crc, end);
            }
            return;
        }
        // a direct buffer: the file's bytes are copied once, from the page cache into it, and the checksum
        // reads them there (a heap buffer costs a second copy: the JDK reads through a direct buffer of its own;
        // large snapshot, 237 MB, load only: see docs/benchmarks/load-and-memory.md "large, round 7")
        ByteBuffer chunk = ByteBuffer.allocateDirect(CRC_CHUNK);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            for (int k = 0; k < nb; ) {
                if (skipLazy && blocks.isLazy(k)) { k++; continue; }
                int run = k; // blocks [k, run) are read in one go
                while (run < nb && run - k < CRC_CHUNK / Blocks.SIZE && !(skipLazy && blocks.isLazy(run))) run++;
                long from = (long) k << Blocks.SHIFT;
                int len = (int) Math.min((long) (run - k) << Blocks.SHIFT, end - from);
                chunk.clear().limit(len);
                while (chunk.hasRemaining()) {
                    if (ch.read(chunk, from + chunk.position()) <= 0) throw new IllegalArgumentException("snapshot changed while reading it");
                }
                for (int j = k; j < run; j++) {
                    int at = (j - k) << Blocks.SHIFT;
                    chunk.limit(Math.min(at + Blocks.SIZE, len)).position(at);
                    crc.reset();
                    crc.update(chunk);
                    check(blocks, j, crc, end);
                }
                k = run;
            }
        }
    }

    private static void check(Blocks blocks, int k, CRC32 crc, int end) {
        if ((int) crc.getValue() != blocks.crc(k)) {
            long at = (long) k << Blocks.SHIFT;
            throw new IllegalArgumentException(Blocks.message(k, at, Math.min(at + Blocks.SIZE, end)));
        }
        blocks.verified(k);
    }

    /** Sources whose size, modification time or directory listing changed (or that vanished). */
    static List<String> stale(List<Snapshot.Source> sources) {
        List<String> out = new ArrayList<>();
        for (Snapshot.Source s : sources) {
            Path p = dev.bulwark.engine.RawNames.path(s.path()); // (a name not valid in the locale: its bytes)
            try {
                if (s.directory()) {
                    if (listedAsRecorded(s, sources)) continue;
                    // a directory stream and a loop, not Files.list's stream pipeline: its sort and lambdas
                    // cost a one-file scan about a millisecond of interpreted start-up
                    List<Path> files = new ArrayList<>();
                    try (java.nio.file.DirectoryStream<Path> st = Files.newDirectoryStream(p)) {
                        for (Path f : st) if (Files.isRegularFile(f)) files.add(f);
                    }
                    files.sort(null);
                    if (!sameListing(s, files, sources)) out.add(s.path() + " (files added or removed)");
                } else {
                    // one stat for both (startup12): Files.size and getLastModifiedTime read the attributes twice
                    var a = Files.readAttributes(p, java.nio.file.attribute.BasicFileAttributes.class);
                    if (a.size() != s.size() || a.lastModifiedTime().toMillis() != s.mtimeMillis()) out.add(s.path());
                }
            } catch (IOException e) {
                out.add(s.path() + " (missing)");
            }
        }
        return out;
    }

    /**
     * (startup12) The usual case decided cheaply: the directory, listed with {@code java.io.File} (one native call; no
     * directory stream, no {@code Path} per entry), holds exactly the regular files recorded as sources directly in it.
     * False whenever that is not plainly so (unreadable, a name differs, a count differs, a path spelled unusually):
     * {@link #stale} then decides as before, so this never reports a change the full check would not.
     */
    private static boolean listedAsRecorded(Snapshot.Source dir, List<Snapshot.Source> sources) {
        String d = dir.path();
        if (d.isEmpty() || d.endsWith("/")) return false;
        String[] names = new java.io.File(d).list();
        if (names == null || names.length < dir.size()) return false;
        List<String> recorded = new ArrayList<>();
        for (Snapshot.Source f : sources) {
            String p = f.path();
            if (!f.directory() && p.length() > d.length() + 1 && p.startsWith(d) && p.charAt(d.length()) == '/'
                    && p.indexOf('/', d.length() + 1) < 0) {
                recorded.add(p.substring(d.length() + 1));
            }
        }
        if (recorded.size() != dir.size()) return false;
        List<String> now = new ArrayList<>();
        java.io.File parent = new java.io.File(d);
        for (String n : names) if (new java.io.File(parent, n).isFile()) now.add(n);
        if (now.size() != recorded.size()) return false;
        recorded.sort(null);
        now.sort(null);
        return recorded.equals(now);
    }

    /**
     * Whether a directory still holds exactly the regular files it held at compile time. The snapshot
     * records each of those files as a source of its own, so the names are compared with those entries
     * directly; the SHA-256 of the listing is computed only when the entries do not account for the whole
     * listing. (Computing a first digest also initialises the JDK's security providers and logging, a
     * noticeable part of a one-file scan's start-up.)
     */
    private static boolean sameListing(Snapshot.Source dir, List<Path> files, List<Snapshot.Source> sources) {
        if (files.size() != dir.size()) return false;
        List<String> recorded = new ArrayList<>();
        for (Snapshot.Source f : sources) {
            int slash = f.path().lastIndexOf('/'); // (the recorded absolute path's parent and name, as strings: no lossy Path)
            if (!f.directory() && slash >= 0 && dir.path().equals(slash == 0 ? "/" : f.path().substring(0, slash))) {
                recorded.add(f.path().substring(slash + 1));
            }
        }
        if (recorded.size() == dir.size()) {
            recorded.sort(null);
            List<String> now = new ArrayList<>();
            for (Path f : files) now.add(dev.bulwark.engine.RawNames.fileName(f));
            now.sort(null);
            return recorded.equals(now);
        }
        var md = SnapshotWriter.sha256();
        for (Path f : files) md.update(dev.bulwark.engine.RawNames.bytes(dev.bulwark.engine.RawNames.fileName(f) + "\n"));
        return java.util.HexFormat.of().formatHex(md.digest()).equals(dir.sha256());
    }
}
