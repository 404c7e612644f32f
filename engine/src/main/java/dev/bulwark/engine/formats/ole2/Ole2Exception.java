package dev.bulwark.engine.formats.ole2;

/** A structural error in an OLE2 file, with the offset where it was found. */
final class Ole2Exception extends Exception {
    final long offset;

    Ole2Exception(String message, long offset) {
        super(message + " (at offset " + offset + ")");
        this.offset = offset;
    }
}
