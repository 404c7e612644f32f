package dev.bulwark.engine.formats.cab;

import java.io.IOException;
import java.nio.ByteBuffer;

/** LZX placeholder: not implemented yet. */
final class LzxDecoder {
    LzxDecoder(int windowBits) {}

    int decode(ByteBuffer in, byte[] out, int size) throws IOException {
        throw new IOException("LZX not supported");
    }
}
