package dev.bulwark.engine.formats.doctest;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.Layer;
import java.nio.ByteBuffer;

/** A top-level layer over a byte array. */
public record TestLayer(ByteBuffer data, FileType type, String name) implements Layer {
    public static TestLayer of(byte[] bytes, FileType type) {
        return new TestLayer(ByteBuffer.wrap(bytes).asReadOnlyBuffer(), type, "");
    }

    @Override public int depth() { return 0; }

    @Override public Layer parent() { return null; }
}
