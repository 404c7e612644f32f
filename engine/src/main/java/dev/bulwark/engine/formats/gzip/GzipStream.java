package dev.bulwark.engine.formats.gzip;

import dev.bulwark.engine.formats.archivecommon.BulkInputStream;
import dev.bulwark.engine.formats.archivecommon.Bytes;
import dev.bulwark.engine.formats.archivecommon.MalformedException;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * Decodes all members of a gzip file (RFC 1952) as one stream, like {@code gunzip}. Reads the layer
 * buffer in fixed chunks; never allocates from header fields.
 */
final class GzipStream extends BulkInputStream {
    static final int FTEXT = 1, FHCRC = 2, FEXTRA = 4, FNAME = 8, FCOMMENT = 16;
    /** Members followed; each is at least 18 bytes, the cap only bounds pathological files. */
    static final int MAX_MEMBERS = 100_000;
    private static final int IN_CHUNK = 64 * 1024;

    private final ByteBuffer src;
    private final Inflater inf = new Inflater(true);
    private final byte[] in;
    private int pos;
    private int members = 1;
    private boolean eof;
    private String trailingNote;
    /** A data error met by an inflate call that still produced bytes: thrown by the next read. */
    private IOException pending;

    /** Starts at {@code dataStart}, the first byte after the first member's header. */
    GzipStream(ByteBuffer src, int dataStart) {
        this.src = src;
        this.pos = dataStart;
        // a small file needs no 64 KiB input buffer (it was most of the per-object allocation)
        this.in = new byte[Math.max(1, Math.min(IN_CHUNK, src.limit() - dataStart))];
    }

    /** Parses a member header at {@code off}; returns the offset of its deflate data. */
    static int header(ByteBuffer b, int off) {
        if (Bytes.u8(b, off) != 0x1f || Bytes.u8(b, off + 1) != 0x8b) throw new MalformedException("no gzip magic", off);
        if (Bytes.u8(b, off + 2) != 8) throw new MalformedException("gzip method is not deflate", off + 2);
        int flags = Bytes.u8(b, off + 3);
        int p = off + 10;
        Bytes.need(b, off, 10);
        if ((flags & FEXTRA) != 0) p += 2 + Bytes.u16le(b, p);
        if ((flags & FNAME) != 0) p = skipZero(b, p);
        if ((flags & FCOMMENT) != 0) p = skipZero(b, p);
        if ((flags & FHCRC) != 0) p += 2;
        Bytes.need(b, p, 0);
        return p;
    }

    /** The FNAME field of the header at {@code off} (at most 255 characters), or "". */
    static String name(ByteBuffer b, int off) {
        int flags = Bytes.u8(b, off + 3);
        if ((flags & FNAME) == 0) return "";
        int p = off + 10;
        if ((flags & FEXTRA) != 0) p += 2 + Bytes.u16le(b, p);
        int end = skipZero(b, p) - 1;
        return Bytes.text(b, p, Math.min(end - p, 255), false);
    }

    private static int skipZero(ByteBuffer b, int p) {
        while (Bytes.u8(b, p) != 0) p++; // bounded by the layer: u8 throws at its end
        return p + 1;
    }

    int members() { return members; }

    String trailingNote() { return trailingNote; }


    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) return 0;
        if (pending != null) throw pending;
        while (!eof) {
            if (inf.finished()) {
                if (!nextMember()) eof = true;
                continue;
            }
            if (inf.needsInput()) {
                if (pos >= src.limit()) throw new EOFException("gzip stream truncated");
                int n = Math.min(in.length, src.limit() - pos);
                src.get(pos, in, 0, n);
                inf.setInput(in, 0, n);
                pos += n;
            }
            long before = inf.getBytesWritten();
            try {
                int r = inf.inflate(b, off, len);
                if (r > 0) return r;
                if (inf.needsDictionary()) throw new IOException("gzip member needs a preset dictionary");
            } catch (DataFormatException e) {
                // the bytes this call decoded before the damage are data, as ClamAV's cli_scangzip writes out
                // what inflate() put in its buffer before it returned Z_DATA_ERROR
                IOException err = new IOException("gzip: " + e.getMessage(), e);
                int written = (int) (inf.getBytesWritten() - before);
                if (written > 0) {
                    pending = err;
                    return written;
                }
                throw err;
            }
        }
        return -1;
    }

    /** After a member: skip its trailer and continue with the next member if one follows. */
    private boolean nextMember() {
        int next = pos - inf.getRemaining() + 8; // CRC32 and ISIZE
        if (next + 10 > src.limit()) return false;
        if (src.get(next) != 0x1f || (src.get(next + 1) & 0xff) != 0x8b) {
            trailingNote = "gzip: " + (src.limit() - next) + " bytes after the last member";
            return false;
        }
        if (members >= MAX_MEMBERS) {
            trailingNote = "gzip: more than " + MAX_MEMBERS + " members, rest ignored";
            return false;
        }
        try {
            pos = header(src, next);
        } catch (MalformedException e) {
            trailingNote = "gzip: " + e.getMessage();
            return false;
        }
        members++;
        inf.reset();
        return true;
    }

    @Override
    public void close() { inf.end(); }
}
