package dev.bulwark.engine.formats.archivecommon;

/**
 * Thrown by archive parsers for structurally broken input; carries the layer offset where parsing
 * failed. Extractors catch it at their top level and report it with {@code ctx.note}.
 */
public final class MalformedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final long offset;

    public MalformedException(String message, long offset) {
        super(message + " at offset " + offset, null, false, false);
        this.offset = offset;
    }

    public long offset() { return offset; }
}
