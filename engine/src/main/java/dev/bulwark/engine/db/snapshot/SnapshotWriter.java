package dev.bulwark.engine.db.snapshot;

import dev.bulwark.engine.RawNames;
import dev.bulwark.engine.match.Blocks;

import dev.bulwark.engine.match.FlatIO;
import dev.bulwark.engine.db.Database;
import dev.bulwark.engine.signatures.clamav.SignatureSet;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;

/** Writes a loaded {@link Database} as a snapshot file (atomically: temporary file, then rename). */
public final class SnapshotWriter {
    private SnapshotWriter() {}

    /**
     * Writes {@code db}, compiled from {@code sources}, to {@code out}.
     *
     * @throws IllegalArgumentException when the database holds something the snapshot format cannot store
     *         (nothing since format 2: container, magic, phishing and YARA sources are stored as text)
     */
    public static void write(Database db, List<Path> sources, Path out) throws IOException {
        SignatureSet set = db.signatures();
        String blocker = set.snapshotBlocker();
        if (blocker != null) {
            throw new IllegalArgumentException("snapshot format " + Snapshot.FORMAT + " cannot store " + blocker
                    + "; load those sources directly");
        }
        List<Snapshot.Source> src = describe(sources);
        Path abs = out.toAbsolutePath();
        // (a name not valid in the locale: the sibling of exactly its bytes)
        Path tmp = RawNames.path(RawNames.string(abs) + ".tmp");
        boolean done = false;
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
                StandardOpenOption.WRITE, StandardOpenOption.READ)) {
            // the payload streams to the file after room for the header; header and checksum follow
            ch.position(Snapshot.HEADER);
            FileOut o = new FileOut(ch);
            try {
                writePayload(o, db, set, src);
                o.flush();
            } catch (java.io.UncheckedIOException e) {
                throw e.getCause();
            }
            long payload = o.size();
            if (Snapshot.HEADER + payload + Snapshot.trailer(payload) > Snapshot.MAX_FILE) {
                throw new IllegalArgumentException("snapshot would exceed 2 GiB");
            }
            ByteBuffer head = ByteBuffer.allocate(Snapshot.HEADER).order(ByteOrder.LITTLE_ENDIAN);
            head.put(Snapshot.MAGIC).putInt(Snapshot.FORMAT).putInt(0).putLong(payload).flip();
            while (head.hasRemaining()) ch.write(head, head.position());
            int[] crcs = crcs(ch, Snapshot.HEADER + payload);
            ByteBuffer tail = ByteBuffer.allocate((int) Snapshot.trailer(payload)).order(ByteOrder.LITTLE_ENDIAN);
            tail.putInt(crcs.length);
            for (int c : crcs) tail.putInt(c);
            CRC32 table = new CRC32();
            table.update(tail.array(), 0, tail.position());
            tail.putInt((int) table.getValue()).put(Snapshot.END).flip();
            ch.position(Snapshot.HEADER + payload);
            while (tail.hasRemaining()) ch.write(tail);
            ch.force(true);
            done = true;
        } finally {
            if (!done) Files.deleteIfExists(tmp);
        }
        Files.move(tmp, abs, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private static void writePayload(FlatIO.Writer o, Database db, SignatureSet set, List<Snapshot.Source> src) {
        o.i64(System.currentTimeMillis());
        o.i32(src.size());
        for (Snapshot.Source s : src) {
            o.bytes(RawNames.bytes(s.path())); // (as string() does: UTF-8, and a name that is not UTF-8 its bytes)
            o.bool(s.directory());
            o.i64(s.size());
            o.i64(s.mtimeMillis());
            o.string(s.sha256());
        }
        o.i32(db.sources().size());
        for (String s : db.sources()) o.string(s);
        o.i64(db.version());
        o.i64(db.buildTime() == null ? Long.MIN_VALUE : db.buildTime().toEpochMilli());
        o.string(db.fingerprint());
        set.write(o);
    }

    /** CRC32 of each block of the first {@code end} bytes of the file, read back in chunks (they are in the page cache). */
    private static int[] crcs(FileChannel ch, long end) throws IOException {
        int[] out = new int[Blocks.count(end)];
        CRC32 crc = new CRC32();
        ByteBuffer chunk = ByteBuffer.allocate(FileOut.BUFFER); // a multiple of the block size
        for (long pos = 0; pos < end; ) {
            chunk.clear().limit((int) Math.min(FileOut.BUFFER, end - pos));
            while (chunk.hasRemaining()) {
                int n = ch.read(chunk, pos + chunk.position());
                if (n <= 0) throw new IOException("snapshot file shrank while it was written");
            }
            chunk.flip();
            for (int at = 0; at < chunk.limit(); at += Blocks.SIZE) {
                crc.reset();
                crc.update(chunk.array(), at, Math.min(Blocks.SIZE, chunk.limit() - at));
                out[(int) ((pos + at) >>> Blocks.SHIFT)] = (int) crc.getValue();
            }
            pos += chunk.limit();
        }
        return out;
    }

    /** Files (and directory listings) behind the given sources, as they are now. */
    static List<Snapshot.Source> describe(List<Path> sources) throws IOException {
        List<Snapshot.Source> out = new ArrayList<>();
        for (Path p : sources) {
            Path a = p.toAbsolutePath().normalize();
            if (Files.isDirectory(a)) {
                List<Path> files;
                try (Stream<Path> s = Files.list(a)) {
                    files = s.filter(Files::isRegularFile).sorted().toList();
                }
                MessageDigest md = sha256();
                for (Path f : files) md.update(RawNames.bytes(RawNames.fileName(f) + "\n"));
                out.add(new Snapshot.Source(RawNames.string(a), true, files.size(), Files.getLastModifiedTime(a).toMillis(),
                        HexFormat.of().formatHex(md.digest())));
                for (Path f : files) out.add(file(f));
            } else {
                out.add(file(a));
            }
        }
        return out;
    }

    static Snapshot.Source file(Path f) throws IOException {
        MessageDigest md = sha256();
        try (InputStream in = Files.newInputStream(f)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
        }
        return new Snapshot.Source(RawNames.string(f), false, Files.size(f), Files.getLastModifiedTime(f).toMillis(),
                HexFormat.of().formatHex(md.digest()));
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
