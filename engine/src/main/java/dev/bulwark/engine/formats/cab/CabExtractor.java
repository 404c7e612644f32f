package dev.bulwark.engine.formats.cab;

import dev.bulwark.engine.formats.archivecommon.BulkInputStream;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.Emit;
import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Microsoft Cabinet: CFHEADER, CFFOLDER and CFFILE records parsed here, folder data decoded by
 * {@link FolderStream} (stored, MSZIP, Quantum, LZX). Files are extracted folder
 * by folder in offset order so each folder is decoded once; a file that starts before the
 * current position (overlapping files) restarts its folder, at most {@link #MAX_RESTARTS} times.
 */
public final class CabExtractor implements Extractor {
    private static final int HEADER = 36, FLAG_PREV = 1, FLAG_NEXT = 2, FLAG_RESERVE = 4;
    /** Folder re-decodes allowed for overlapping files: bounds the work of crafted CABs. */
    static final int MAX_RESTARTS = 16;
    /** Names are cut here for metadata (libmspack allows 255 bytes). */
    private static final int MAX_NAME = 255;
    private static final byte[] MAGIC = {'M', 'S', 'C', 'F'};

    private record Folder(long dataOffset, int blocks, int type) {}

    private record CabFile(String name, long size, long offset, int folder, int position) {}

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer all = layer.data();
        int start = Bytes.indexOf(all, MAGIC, 0, all.limit()); // 0 unless an SFX stub precedes the cabinet
        if (start < 0) {
            ctx.note("cab: no signature");
            return;
        }
        ByteBuffer b = Bytes.slice(all, start, all.limit() - start);
        try {
            parse(b, ctx);
        } catch (MalformedException e) {
            ctx.note("cab: " + e.getMessage());
        }
    }

    private static void parse(ByteBuffer b, ExtractContext ctx) {
        long filesOff = Bytes.u32le(b, 16);
        int nFolders = Bytes.u16le(b, 26);
        int nFiles = Bytes.u16le(b, 28);
        int flags = Bytes.u16le(b, 30);
        long p = HEADER;
        int folderReserve = 0, dataReserve = 0;
        if ((flags & FLAG_RESERVE) != 0) {
            int headerReserve = Bytes.u16le(b, p);
            folderReserve = Bytes.u8(b, p + 2);
            dataReserve = Bytes.u8(b, p + 3);
            p += 4 + headerReserve;
        }
        if ((flags & FLAG_PREV) != 0) p = skipString(b, skipString(b, p));
        if ((flags & FLAG_NEXT) != 0) p = skipString(b, skipString(b, p));
        List<Folder> folders = new ArrayList<>(); // bounded: nFolders <= 65535 and each needs 8 bytes
        for (int i = 0; i < nFolders; i++, p += 8 + folderReserve) {
            folders.add(new Folder(Bytes.u32le(b, p), Bytes.u16le(b, p + 4), Bytes.u16le(b, p + 6)));
        }
        List<CabFile> files = new ArrayList<>();
        // ClamAV's cab_open reads the file entries right after the folder entries; coffFiles is not used (a
        // damaged coffFiles must not hide the files)
        long q = p;
        if (q != filesOff) ctx.note("cab: coffFiles " + filesOff + " ignored, file entries read at " + q);
        for (int i = 0; i < nFiles; i++) {
            if (!Bytes.has(b, q, 16)) {
                ctx.note("cab: file table truncated after " + i + " entries");
                break;
            }
            long size = Bytes.u32le(b, q);
            long offset = Bytes.u32le(b, q + 4);
            int folder = Bytes.u16le(b, q + 8);
            int attribs = Bytes.u16le(b, q + 14);
            long nameEnd = skipString(b, q + 16);
            int nlen = (int) Math.min(nameEnd - 1 - (q + 16), MAX_NAME);
            String name = Bytes.text(b, q + 16, nlen, (attribs & 0x80) != 0);
            if (folder >= 0xfffd) folder = folder == 0xfffe ? nFolders - 1 : 0; // continued across cabinets
            files.add(new CabFile(name, size, offset, folder, i)); // ClamAV (libmspack) numbers files from 0
            q = nameEnd;
        }
        files.sort(Comparator.comparingInt(CabFile::folder).thenComparingLong(CabFile::offset));
        int restarts = 0;
        FolderStream stream = null;
        int streamFolder = -1;
        long streamPos = 0;
        try (FolderStream.Decoders decoders = new FolderStream.Decoders()) {
            for (CabFile f : files) {
                if (ctx.stopped()) return;
                ChildInfo info = new ChildInfo(f.name(), null, 0, f.size(), false, f.position(), -1);
                if (f.folder() < 0 || f.folder() >= folders.size() || f.size() == 0) {
                    if (!ctx.announce(info)) return;
                    continue;
                }
                Folder fo = folders.get(f.folder());
                if (stream == null || streamFolder != f.folder() || f.offset() < streamPos) {
                    if (stream != null && streamFolder == f.folder() && ++restarts > MAX_RESTARTS) {
                        ctx.note("cab: too many overlapping files, rest announced only");
                        if (!ctx.announce(info)) return;
                        continue;
                    }
                    if (stream != null) stream.close();
                    try {
                        stream = new FolderStream(b, fo.dataOffset(), fo.blocks(), fo.type(), dataReserve, decoders);
                    } catch (IOException e) {
                        stream = null;
                        ctx.note("cab: folder " + f.folder() + ": " + e.getMessage());
                        if (!ctx.announce(info)) return;
                        continue;
                    }
                    streamFolder = f.folder();
                    streamPos = 0;
                }
                try {
                    streamPos += stream.skipNBytesSafe(f.offset() - streamPos);
                } catch (IOException e) {
                    ctx.note("cab: folder " + f.folder() + ": " + e.getMessage());
                    if (!ctx.announce(info)) return;
                    continue;
                }
                Window w = new Window(stream, f.size());
                boolean go = Emit.stream(ctx, "cab", info, w, -1);
                streamPos += w.consumed;
                if (!go) return;
            }
        } finally {
            if (stream != null) stream.close();
        }
    }

    /** Reads at most {@code size} bytes of the folder stream for one file, counting what it took. */
    private static final class Window extends BulkInputStream {
        private final InputStream in;
        private long left;
        long consumed;

        Window(InputStream in, long size) { this.in = in; this.left = size; }


        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (left <= 0) return -1;
            int r = in.read(b, off, (int) Math.min(len, left));
            if (r > 0) {
                left -= r;
                consumed += r;
            }
            return r;
        }
    }

    private static long skipString(ByteBuffer b, long p) {
        while (Bytes.u8(b, p) != 0) p++; // bounded by the layer
        return p + 1;
    }
}
