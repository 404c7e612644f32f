package dev.bulwark.engine;

import dev.bulwark.engine.db.Database;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.file.Path;

/** Placeholder: one scan of one object. */
final class Scanner {
    private Scanner() {}

    static ScanResult scanFile(Database db, Path file, ScanOptions o) { throw new UnsupportedOperationException(); }
    static ScanResult scanBuffer(Database db, ByteBuffer b, ScanOptions o) { throw new UnsupportedOperationException(); }
    static ScanResult scanStream(Database db, InputStream in, ScanOptions o) { throw new UnsupportedOperationException(); }
}
