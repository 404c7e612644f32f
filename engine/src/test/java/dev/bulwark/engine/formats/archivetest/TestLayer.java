package dev.bulwark.engine.formats.archivetest;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.Layer;
import java.nio.ByteBuffer;

/** A top-level layer over a byte array, as the scanner would hand it to an extractor. */
public record TestLayer(ByteBuffer data, FileType type, String name) implements Layer {

    public static TestLayer of(byte[] bytes, FileType type) {
        return new TestLayer(ByteBuffer.wrap(bytes).asReadOnlyBuffer(), type, "");
    }

    @Override public ByteBuffer data() { return data.duplicate(); }
    @Override public int depth() { return 0; }
    @Override public Layer parent() { return null; }
}
