package dev.bulwark.engine.signatures.clamav;

import java.io.IOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * The database's fingerprint: SHA-256 over each loaded file's name and bytes, in load order. Small loads
 * are digested as they are read; from the first {@link #file} on (a file large enough to be read apart
 * from its parser) everything is digested in load order on a thread of its own, which reads such files
 * itself. Without the JIT's SHA-256 intrinsic (C1 only) the digest cost ~0.2 CPU-s of the medium
 * database's 40 MB, a sixth of the load, on the loading thread.
 */
final class LoadFingerprint {
    /** Bytes per read of a {@link SourceFile}. */
    private static final int READ = 1 << 20;
    private static final Object END = new Object();

    /** Null when no fingerprint is computed (see {@code LoadOptions.fingerprint}): everything is ignored. */
    private final MessageDigest sha;
    /** Entries for the digest thread (byte arrays and source files), or null while digesting inline. */
    private LinkedBlockingQueue<Object> queue;
    private Thread thread;
    /** The first read error of the digest thread (its file then counts as unreadable). */
    private volatile String failure;

    /** A fingerprint, or with {@code compute} false none (empty). */
    LoadFingerprint(boolean compute) {
        try {
            sha = compute ? MessageDigest.getInstance("SHA-256") : null;
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Adds bytes; the array must not change afterwards (it may be digested later). */
    void update(byte[] b) {
        if (sha == null) return;
        if (queue == null) sha.update(b);
        else put(b);
    }

    /** Adds a file's name and its bytes, read by the digest thread, which then releases the file. */
    void file(byte[] name, SourceFile f) {
        if (sha == null) {
            f.release();
            return;
        }
        if (queue == null) {
            queue = new LinkedBlockingQueue<>();
            thread = new Thread(this::run, "bulwark-load-digest");
            thread.setDaemon(true);
            thread.start();
        }
        put(name);
        put(f);
    }

    private void put(Object o) {
        // unbounded: entries are arrays the loader holds anyway, and files (read by the thread)
        queue.add(o);
    }

    private void run() {
        byte[] buf = null;
        while (true) {
            Object o = take();
            if (o == END) return;
            if (failure != null) {
                // the digest is lost: only release what is still queued
                if (o instanceof SourceFile f) f.release();
                continue;
            }
            if (o instanceof byte[] b) {
                sha.update(b);
                continue;
            }
            SourceFile f = (SourceFile) o;
            try {
                if (buf == null) buf = new byte[READ];
                long pos = 0;
                for (int r; (r = f.read(pos, buf, 0, buf.length)) >= 0; pos += r) sha.update(buf, 0, r);
            } catch (IOException e) {
                failure = f.path + ": cannot read: " + e.getMessage();
            } catch (RuntimeException | Error e) { // (out of memory): the load fails rather than take a wrong fingerprint
                failure = f.path + ": fingerprint failed: " + e;
            } finally {
                f.release();
            }
        }
    }

    private Object take() {
        while (true) {
            try {
                return queue.take();
            } catch (InterruptedException e) {
                // the loader ends the thread with END; an interrupt alone does not
            }
        }
    }

    /** Ends the digest thread (idempotent); afterwards {@link #hex} may be called. */
    void close() {
        if (thread == null) return;
        queue.add(END);
        boolean interrupted = false;
        while (thread.isAlive()) {
            try {
                thread.join();
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) Thread.currentThread().interrupt();
    }

    /** A read error of the digest thread, or null. */
    String failure() { return failure; }

    /** The fingerprint (after {@link #close}); empty when none is computed. */
    String hex() {
        return sha == null ? "" : HexFormat.of().formatHex(sha.digest());
    }
}
