package dev.bulwark.engine.formats;

import java.io.IOException;

/**
 * Opens one container format and hands each member to {@link ExtractContext#child}. An extractor never
 * recurses itself, never allocates from a size read in a header without asking the context, and
 * reports malformed input through the context instead of throwing. An {@link IOException} or runtime
 * exception that escapes is caught by the scanner and recorded as a malformed layer.
 */
@FunctionalInterface
public interface Extractor {
    void extract(Layer layer, ExtractContext ctx) throws IOException;
}
