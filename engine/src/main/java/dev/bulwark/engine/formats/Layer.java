package dev.bulwark.engine.formats;

import dev.bulwark.engine.filetype.FileType;
import java.nio.ByteBuffer;

/**
 * One level of the recursion stack: the bytes of a file, a member or a decoded buffer.
 * {@link #data()} is a read-only buffer whose index 0 is the first byte of the layer; use absolute gets.
 */
public interface Layer {
    ByteBuffer data();

    default int size() { return data().limit(); }

    FileType type();

    /** Member name within the parent container ("" for the top level). */
    String name();

    /** 0 for the top-level object. */
    int depth();

    /** The enclosing layer, or null at the top. */
    Layer parent();

    /** Copies {@code len} bytes at {@code off} into a new array (bounded by the layer). */
    default byte[] bytes(int off, int len) {
        int n = Math.max(0, Math.min(len, size() - off));
        byte[] b = new byte[n];
        data().get(off, b, 0, n);
        return b;
    }
}
