package dev.bulwark.engine.formats.rar;

import java.nio.ByteBuffer;

/** A RAR decompressor writing into a {@link Window}: RAR 5 or RAR 2.9/3.x/4. */
interface Codec extends Window.Source {
    /** Starts a member whose packed bytes are {@code [start, start+size)}; {@code solid} continues the previous state. */
    void startMember(ByteBuffer b, long start, long size, long unpacked, boolean solid);

    /** Applies this codec's filters. */
    Window.FilterRunner runner();

    /**
     * Decoder state for this codec over the given window; {@code previous} is the codec it replaces (the
     * dictionary size changed between non-solid members), or null: what it allocated may be reused.
     */
    interface Factory {
        Codec create(Window w, Codec previous);
    }
}
