package dev.bulwark.engine.signatures.yara.modules;

/** The data being scanned: bytes {@code data[off] .. data[off + len - 1]}. */
public record ScanInput(byte[] data, int off, int len) {
    public int u8(long i) {
        return data[off + (int) i] & 0xFF;
    }

    public boolean has(long pos, long n) {
        return pos >= 0 && n >= 0 && pos + n <= len;
    }
}
