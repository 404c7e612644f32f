package dev.bulwark.engine.formats.archivecommon;

/**
 * (startup16) The start of a raw LZMA stream with its dictionary from a {@link DictionaryCache} (was
 * {@code DictionaryCache.lzma}, fuzz17). A class of its own: the JVM's verifier loads the classes such a method creates
 * or throws (xz's LZMAInputStream, CorruptedInputException and their super classes, SequenceInputStream) when it links
 * the class that holds it, and DictionaryCache is linked by every ZIP scan: the AOT training's small ZIP (no LZMA
 * member) put nine xz classes into the tiny cache, which every one-file scan then loads at start.
 */
public final class LzmaStreams {
    private LzmaStreams() {}

    /**
     * (fuzz17) A raw LZMA stream whose dictionary comes from {@code cache}. xz's LZMAInputStream takes its
     * dictionary from the cache before it reads the range coder's first five bytes, and when they are short or the
     * first is not 0 its constructor throws without giving the dictionary back: the next member allocated another
     * (ZipFuzzTest: ten LZMA members declaring 64 MiB, one of them damaged, allocated two). Those bytes are checked
     * first, so a damaged stream is refused before anything is allocated.
     */
    public static java.io.InputStream open(java.io.InputStream raw, long size, byte props, int dict, org.tukaani.xz.ArrayCache cache)
            throws java.io.IOException {
        byte[] head;
        java.io.InputStream in = raw;
        if (raw.markSupported()) {
            raw.mark(5);
            head = raw.readNBytes(5);
            raw.reset();
        } else {
            head = raw.readNBytes(5);
            in = new java.io.SequenceInputStream(new java.io.ByteArrayInputStream(head), raw);
        }
        if (head.length < 5) throw new java.io.EOFException("LZMA stream truncated");
        if (head[0] != 0) throw new org.tukaani.xz.CorruptedInputException("LZMA stream does not start with 0");
        return new org.tukaani.xz.LZMAInputStream(in, size, props, dict, null, cache);
    }
}
