package dev.bulwark.engine.filetype;

/**
 * One file-type magic entry (ClamAV {@code .ftm}): literal bytes at an offset (type 0) or a body
 * pattern anywhere in the first 1024 bytes (type 1), turning a layer of {@code required} type into
 * {@code result}.
 */
public record MagicRule(int kind, int offset, byte[] magic, String name, FileType required, FileType result) {}
