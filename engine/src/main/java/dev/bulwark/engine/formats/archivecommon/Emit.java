package dev.bulwark.engine.formats.archivecommon;

import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import java.io.IOException;
import java.io.InputStream;

/** Hands decoded members to the context with the error handling every archive extractor needs. */
public final class Emit {
    private Emit() {}

    /**
     * Scans a decoding stream as a child. Decoder errors end the member (what was decoded is still
     * scanned) and are noted with the format's prefix.
     *
     * @return false when the extractor must stop
     */
    public static boolean stream(ExtractContext ctx, String format, ChildInfo info, InputStream decoder, long compressedSize) {
        return stream(ctx, format, info, decoder, compressedSize, false);
    }

    /**
     * As {@link #stream(ExtractContext, String, ChildInfo, InputStream, long)}; with {@code keepHead} a
     * member over the max file size has its head scanned ({@link ExtractContext#childHead}).
     */
    public static boolean stream(ExtractContext ctx, String format, ChildInfo info, InputStream decoder, long compressedSize,
                                 boolean keepHead) {
        SafeStream s = new SafeStream(decoder);
        boolean go;
        try {
            go = keepHead ? ctx.childHead(info, s, compressedSize) : ctx.child(info, s, compressedSize);
        } catch (IOException | RuntimeException e) {
            ctx.note(format + ": member " + info.position() + " (" + info.name() + "): " + e);
            go = !ctx.stopped();
        } finally {
            s.close();
        }
        if (s.failure() != null) ctx.note(format + ": member " + info.position() + " (" + info.name() + ") damaged: " + s.describe());
        return go && !ctx.stopped();
    }

    /** Announces an encrypted member and raises the encryption heuristic when the user asked for it. */
    public static boolean encrypted(ExtractContext ctx, ChildInfo info, String heuristic) {
        boolean go = ctx.announce(info);
        if (ctx.options().alert(dev.bulwark.engine.ScanOptions.Alert.ENCRYPTED_ARCHIVE)) go = ctx.heuristic(heuristic) && go;
        return go && !ctx.stopped();
    }
}
