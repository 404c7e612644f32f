package dev.bulwark.engine.formats.archivecommon;

import org.tukaani.xz.ArrayCache;

/**
 * (fuzz16) One extraction's LZMA dictionary, reused from member to member: xz's LZ decoder takes its
 * dictionary from an {@link ArrayCache} and gives it back on close, and may be handed an array larger than it
 * asked for. Without it every member's decoder allocated (and the JVM zeroed) a dictionary of the size its
 * header declares: an NSIS installer of 1,000 tiny LZMA blocks declaring 128 MiB each (18 KB) took two
 * minutes. Keeps the largest dictionary given back (or the {@code kept} largest, bcj2: a 7z BCJ2 folder has three
 * LZMA decoders open at once, for the main, CALL and JUMP streams), and two small buffers (a member decoded while
 * another is open gets new ones). Not thread-safe: one per extraction.
 * <p>
 * Libraries that create xz decoders themselves (Commons Compress for 7z's LZMA and LZMA2 folders) use xz's
 * default cache: {@link #asDefault} lends this cache to them for the calls it wraps, on the calling thread only
 * (elsewhere, and when an application set a default cache of its own, xz's default behaviour is unchanged).
 */
public final class DictionaryCache extends ArrayCache {
    /** Arrays below this size are buffers, at or above it dictionaries. */
    private static final int SMALL = 1 << 20;
    /** How many dictionaries are kept (one, or the decoders an extraction has open at once). */
    private final int kept;
    /** The largest dictionaries given back, at most {@link #kept}. */
    private final java.util.List<byte[]> big;

    /** Keeps one dictionary (no more memory than one member needs). */
    public DictionaryCache() { this(1); }

    /** Keeps the {@code kept} largest dictionaries given back (bcj2: 3 for 7z, whose BCJ2 folders open three decoders). */
    public DictionaryCache(int kept) {
        this.kept = Math.max(1, kept);
        this.big = new java.util.ArrayList<>(this.kept);
    }
    /** Up to two buffers given back. */
    private final java.util.List<byte[]> small = new java.util.ArrayList<>(2);

    private static final ThreadLocal<DictionaryCache> SCOPE = new ThreadLocal<>();

    /** xz's default cache while {@link #asDefault} runs on a thread, xz's plain allocation elsewhere. */
    private static final class Scoped extends ArrayCache {
        @Override
        public byte[] getByteArray(int size, boolean fillWithZeros) {
            DictionaryCache c = SCOPE.get();
            return c == null ? new byte[size] : c.getByteArray(size, fillWithZeros);
        }

        @Override
        public void putArray(byte[] array) {
            DictionaryCache c = SCOPE.get();
            if (c != null) c.putArray(array);
        }
    }

    private static final boolean INSTALLED = install();

    private static boolean install() {
        synchronized (ArrayCache.class) {
            if (ArrayCache.getDefaultCache() != ArrayCache.getDummyCache()) return false; // the application chose one
            ArrayCache.setDefaultCache(new Scoped());
            return true;
        }
    }

    /** Work that may throw an IOException. */
    public interface Body {
        void run() throws java.io.IOException;
    }

    /** Runs {@code body} with this cache as xz's default cache on this thread (nested calls restore the outer one). */
    public void asDefault(Body body) throws java.io.IOException {
        if (!INSTALLED) {
            body.run();
            return;
        }
        DictionaryCache outer = SCOPE.get();
        SCOPE.set(this);
        try {
            body.run();
        } finally {
            if (outer == null) SCOPE.remove();
            else SCOPE.set(outer);
        }
    }

    @Override
    public byte[] getByteArray(int size, boolean fillWithZeros) {
        byte[] a = null;
        if (size < SMALL) {
            // a decoder's input buffer (LZMA2: 64 KiB), never served from the dictionary
            for (byte[] k : small) if (k.length >= size && (a == null || k.length < a.length)) a = k;
            if (a != null) small.remove(a);
        } else {
            for (byte[] k : big) if (k.length >= size && (a == null || k.length < a.length)) a = k; // the smallest that fits
            if (a != null) big.remove(a);
        }
        if (a == null) return new byte[size];
        if (fillWithZeros) java.util.Arrays.fill(a, 0, size, (byte) 0);
        return a;
    }

    @Override
    public void putArray(byte[] array) {
        if (array.length < SMALL) {
            if (small.size() < 2) small.add(array);
        } else if (big.size() < kept) {
            big.add(array);
        } else {
            byte[] smallest = big.get(0);
            for (byte[] k : big) if (k.length < smallest.length) smallest = k;
            if (array.length > smallest.length) big.set(big.indexOf(smallest), array);
        }
    }
}
