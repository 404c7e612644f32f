package dev.bulwark.engine.formats.xmldoc;

import java.nio.ByteBuffer;

/** Text content helpers. */
final class XmlText {
    private XmlText() {}

    /** True when {@code [from, to)} holds a character or entity reference. */
    static boolean hasReference(ByteBuffer b, int from, int to) {
        for (int i = from; i < to; i++) if (b.get(i) == '&') return true;
        return false;
    }
}
