package dev.bulwark.engine.formats.sevenzip;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.BufferChannel;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.DictionaryCache;
import dev.bulwark.engine.formats.archivecommon.Emit;
import dev.bulwark.engine.formats.archivecommon.SolidMember;
import dev.bulwark.engine.formats.rar.Ppmd7;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.commons.compress.PasswordRequiredException;
import org.apache.commons.compress.archivers.sevenz.SevenZArchiveEntry;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;
import org.apache.commons.compress.archivers.sevenz.SevenZMethod;
import org.apache.commons.compress.archivers.sevenz.SevenZMethodConfiguration;
import org.tukaani.xz.ArrayCache;
import org.tukaani.xz.FilterOptions;

/**
 * 7z with Commons Compress over the layer buffer (no copy). Encrypted headers and encrypted members
 * are announced and raise {@code Heuristics.Encrypted.7Zip} when asked, as ClamAV does. Directories
 * and empty files are announced only. Like ClamAV, a member's compressed size is unknown (0) and its
 * position is the 0-based entry index. Folders Commons Compress cannot decode are decoded here: PPMd chains
 * ({@link PpmdStream}) and BCJ2 folders ({@link FolderGraph}, {@link Bcj2Stream}), as clamscan 1.4.6 decodes them.
 */
public final class SevenZipExtractor implements Extractor {
    /** Memory (KiB) the library may use for headers and decoders: an LZMA dictionary of 64 MiB fits. */
    static final int MEMORY_LIMIT_KIB = 96 << 10;
    static final String ENCRYPTED = "Heuristics.Encrypted.7Zip";

    private static final byte[] MAGIC = {'7', 'z', (byte) 0xbc, (byte) 0xaf, 0x27, 0x1c};

    /** Commons Compress's header layout ({@link PpmdFolders.Layout}) or why it cannot be read. */
    private final Object layout;

    public SevenZipExtractor() { this(PpmdFolders.LAYOUT); }

    /** With another layout (tests: a Commons Compress whose private fields moved). */
    SevenZipExtractor(Object layout) { this.layout = layout; }

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer data = layer.data();
        int start = Bytes.indexOf(data, MAGIC, 0, data.limit()); // 0 unless an SFX stub precedes the archive
        if (start < 0) {
            ctx.note("7z: no signature");
            return;
        }
        SevenZFile sz;
        ByteBuffer archive = Bytes.slice(data, start, data.limit() - start);
        try {
            sz = SevenZFile.builder().setSeekableByteChannel(new BufferChannel(archive.duplicate()))
                    .setMaxMemoryLimitKiB(MEMORY_LIMIT_KIB).setTryToRecoverBrokenArchives(false).get();
        } catch (PasswordRequiredException e) {
            ctx.note("7z: encrypted headers");
            Emit.encrypted(ctx, new ChildInfo("", null, -1, -1, true, 1, -1), ENCRYPTED);
            return;
        } catch (IOException | RuntimeException e) {
            ctx.note("7z: cannot open: " + e);
            return;
        }
        try (sz) {
            PpmdFolders ppmd = PpmdFolders.of(sz, layout);
            // (fuzz16) Commons Compress makes an xz decoder per LZMA/LZMA2 folder with xz's default cache: the
            // folders share one dictionary (300 one-file folders declaring 64 MiB, 13 KB: 1.9 s of CPU before)
            DictionaryCache cache = new DictionaryCache(3); // (bcj2) a BCJ2 folder has three LZMA decoders open at once
            cache.asDefault(() -> {
                if (ppmd != null && ppmd.failure != null) {
                    // every PPMd and BCJ2 member then fails in Commons Compress ("unsupported compression method")
                    ctx.note("7z: PPMd unsupported: " + ppmd.failure);
                    members(sz, ctx);
                } else if (ppmd == null) members(sz, ctx);
                else membersWithPpmd(sz, ppmd, archive, ctx, cache);
            });
        } catch (IOException | RuntimeException e) {
            ctx.note("7z: " + e);
        }
    }

    private static void members(SevenZFile sz, ExtractContext ctx) throws IOException {
        int position = -1; // ClamAV passes the 0-based entry index (directories included) to .cdb rules
        while (!ctx.stopped()) {
            SevenZArchiveEntry e = sz.getNextEntry();
            if (e == null) return;
            // (compat17) cli_7unz checks the file count at the top of each entry (cli_checklimits with no size) and
            // ends the archive there, before the entry's metadata: clamscan -a then names no member (or the last one
            // it did extract), Bulwark went on recording the later members as refused and named the last of them
            if (!ctx.admits(0)) return;
            position++;
            ChildInfo info = info(e, position);
            Step step = prelude(e, info, ctx);
            if (step == Step.STOP) return;
            if (step == Step.SKIP) continue;
            InputStream in = new InputStream() {
                @Override public int read() throws IOException { return sz.read(); }
                @Override public int read(byte[] b, int off, int len) throws IOException { return sz.read(b, off, len); }
            };
            if (!Emit.stream(ctx, "7z", info, in, -1)) return;
        }
    }

    private static ChildInfo info(SevenZArchiveEntry e, int position) { return info(e, position, false); }

    private static ChildInfo info(SevenZArchiveEntry e, int position, boolean encryptedFolder) {
        return info(e, position, encryptedFolder, true);
    }

    /** With {@code askMethods} false, {@code encrypted} alone is the member's encryption flag. */
    private static ChildInfo info(SevenZArchiveEntry e, int position, boolean encrypted, boolean askMethods) {
        return new ChildInfo(e.getName() == null ? "" : e.getName(), null, 0, e.getSize(), encrypted || askMethods && isEncrypted(e), position,
                e.getHasCrc() ? e.getCrcValue() : -1);
    }

    /** What an entry needs before its data is read: nothing more (SKIP), its data (SCAN), or the walk ends (STOP). */
    private enum Step { SCAN, SKIP, STOP }

    private static Step prelude(SevenZArchiveEntry e, ChildInfo info, ExtractContext ctx) { return prelude(e, info, ctx, info.encrypted()); }

    /** As {@link #prelude(SevenZArchiveEntry, ChildInfo, ExtractContext)}; {@code encrypted}: the member's folder is. */
    private static Step prelude(SevenZArchiveEntry e, ChildInfo info, ExtractContext ctx, boolean encrypted) {
        if (encrypted) return Emit.encrypted(ctx, info, ENCRYPTED) ? Step.SKIP : Step.STOP;
        if (e.isDirectory()) return Step.SKIP; // ClamAV reports no metadata for directories
        if (!e.hasStream() || e.getSize() == 0) return ctx.announce(info) && !ctx.stopped() ? Step.SKIP : Step.STOP;
        return Step.SCAN;
    }

    /**
     * As {@link #members}, for an archive with PPMd or BCJ2 folders (which Commons Compress cannot decode) or
     * encrypted folders (whose members are announced as encrypted from the folder's coders):
     * members of a PPMd folder come from one {@link PpmdStream} per folder, those of a BCJ2 folder from its
     * {@link FolderGraph} (closed when the next folder starts: its dictionaries go back to {@code cache}), read
     * in order; the others from Commons Compress by entry (a member Commons Compress cannot open fails alone).
     */
    private static void membersWithPpmd(SevenZFile sz, PpmdFolders pf, ByteBuffer archive, ExtractContext ctx, DictionaryCache cache)
            throws IOException {
        for (String why : pf.unsupported) ctx.note("7z: " + why + ": not decoded");
        long maxScan = ctx.limits().maxScanSize();
        int position = -1; // entry index, directories included (as members)
        int openFolder = -1;
        InputStream folderIn = null;
        SolidMember previous = null;
        Ppmd7 model = new Ppmd7("7z"); // one for all folders: its heap is allocated once, at the largest size met
        // (sz16) clamscan's cli_7unz: once a member was refused as encrypted, the metadata (.cdb) of every later member
        // says encrypted too (its flag is never reset)
        boolean encryptedSeen = false;
        try {
            for (SevenZArchiveEntry e : sz.getEntries()) {
                if (ctx.stopped() || !ctx.admits(0)) return; // (compat17) cli_7unz's file count check, as in members()
                position++;
                if (e.isDirectory()) continue; // ClamAV reports no metadata for directories
                int f = position < pf.fileFolder.length ? pf.fileFolder[position] : -1;
                boolean inFolder = f >= 0 && f < pf.locked.length;
                if (inFolder && pf.locked[f]) {
                    // (sz16) as cli_7unz: the limits first (a member over them is skipped without a word), then the
                    // folder, which only clamscan's "encrypted" folders (PpmdFolders.encrypted) answer as encrypted
                    if (!ctx.admits(e.getSize())) continue;
                    boolean encrypted = pf.encrypted[f];
                    encryptedSeen |= encrypted;
                    ChildInfo info = info(e, position, encryptedSeen, false);
                    boolean go = encrypted ? Emit.encrypted(ctx, info, ENCRYPTED) : ctx.announce(info) && !ctx.stopped();
                    if (!go) return;
                    continue;
                }
                ChildInfo info = info(e, position, encryptedSeen, false);
                Step step = prelude(e, info, ctx, false);
                if (step == Step.STOP) return;
                if (step == Step.SKIP) continue;
                InputStream in;
                boolean ours = f >= 0 && f < pf.folders.length && (pf.folders[f] != null || pf.graphs[f] != null);
                if (ours) {
                    if (f != openFolder) {
                        openFolder = f;
                        previous = null;
                        close(folderIn); // its dictionaries go back to the cache for the next folder
                        folderIn = pf.graphs[f] != null ? openGraph(pf.graphs[f], model, archive, cache, maxScan)
                                : openPpmd(model, pf.folders[f], archive, maxScan);
                    } else if (previous != null) {
                        previous.skipRest(); // the rest of the previous member, so this one starts where it should
                    }
                    in = previous = new SolidMember(folderIn, e.getSize(), "7z: folder ends inside a member");
                } else {
                    try {
                        in = sz.getInputStream(e);
                    } catch (IOException | RuntimeException ex) { // (bcj2) a folder nobody decodes: this member only
                        in = failing(ex instanceof IOException io ? io : new IOException(ex.toString(), ex));
                    }
                }
                if (!Emit.stream(ctx, "7z", info, in, -1)) return;
            }
        } finally {
            close(folderIn);
        }
    }

    private static void close(InputStream in) {
        if (in == null) return;
        try {
            in.close();
        } catch (IOException | RuntimeException e) {
            // decoders over memory: nothing is lost
        }
    }

    private static InputStream failing(IOException failure) {
        return new InputStream() {
            @Override public int read() throws IOException { throw failure; }
        };
    }

    /** A BCJ2 folder's data (bcj2): {@link FolderGraph}; a failure to build it fails the folder's members. */
    private static InputStream openGraph(FolderGraph g, Ppmd7 model, ByteBuffer archive, DictionaryCache cache, long maxScan) {
        try {
            return g.open(archive, model, cache, maxScan);
        } catch (IOException | RuntimeException ex) {
            return failing(ex instanceof IOException io ? io : new IOException(ex.toString(), ex));
        }
    }

    private static InputStream openPpmd(Ppmd7 model, PpmdFolders.Folder f, ByteBuffer archive, long maxScan) {
        try {
            if (f.packOffset() < 0 || f.packOffset() > archive.limit() || f.packSize() < 0)
                throw new IOException("7z: PPMd packed stream outside the archive");
            long len = Math.min(f.packSize(), archive.limit() - f.packOffset());
            InputStream in = new PpmdStream(model, Bytes.slice(archive, f.packOffset(), len), f.props(), f.unpackSize(), Ppmd7.memoryCap(maxScan), maxScan);
            for (FilterOptions filter : f.filters()) in = filter.getInputStream(in, ArrayCache.getDummyCache());
            return in;
        } catch (IOException | RuntimeException ex) {
            return failing(ex instanceof IOException io ? io : new IOException(ex.getMessage(), ex));
        }
    }

    private static boolean isEncrypted(SevenZArchiveEntry e) {
        try {
            for (SevenZMethodConfiguration m : e.getContentMethods()) if (m.getMethod() == SevenZMethod.AES256SHA256) return true;
        } catch (RuntimeException ex) {
            return false;
        }
        return false;
    }
}
