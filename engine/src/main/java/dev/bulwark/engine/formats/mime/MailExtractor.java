package dev.bulwark.engine.formats.mime;

import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;

/**
 * CL_TYPE_MAIL / CL_TYPE_MHTML: MIME mail and mbox. Attachments and body parts become children,
 * named by their {@code filename=}/{@code name=} parameter (or the uuencode begin line).
 */
public final class MailExtractor implements Extractor {
    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        new MailParser(layer.data(), ctx).run();
    }
}
