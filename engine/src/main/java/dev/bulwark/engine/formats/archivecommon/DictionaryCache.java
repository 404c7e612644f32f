package dev.bulwark.engine.formats.archivecommon;

import org.tukaani.xz.ArrayCache;

/**
 * (fuzz16) One extraction's LZMA dictionary, reused from member to member: xz's LZ decoder takes its
 * dictionary from an {@link ArrayCache} and gives it back on close, and may be handed an array larger than it
 * asked for. Without it every member's decoder allocated (and the JVM zeroed) a dictionary of the size its
 * header declares: an NSIS installer of 1,000 tiny LZMA blocks declaring 128 MiB each (18 KB) took two
 * minutes. Keeps the largest array given back (one at a time: a member decoded while another is open gets a
 * new one). Not thread-safe: one per extraction.
 */
public final class DictionaryCache extends ArrayCache {
    private byte[] kept;

    @Override
    public byte[] getByteArray(int size, boolean fillWithZeros) {
        byte[] a = kept;
        if (a == null || a.length < size) return new byte[size];
        kept = null;
        if (fillWithZeros) java.util.Arrays.fill(a, 0, size, (byte) 0);
        return a;
    }

    @Override
    public void putArray(byte[] array) {
        if (kept == null || array.length > kept.length) kept = array;
    }
}
