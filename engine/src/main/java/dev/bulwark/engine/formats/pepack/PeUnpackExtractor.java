package dev.bulwark.engine.formats.pepack;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.Extractor;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.formats.upx.Upx;
import java.nio.ByteBuffer;

/**
 * The extractor of PE executables: runs the unpackers that recognise the file (MEW, Upack, UPX, yC, Petite,
 * WWPack, ASPack, PESpin) and hands each unpacked image to the scanner as a child layer (type MSEXE), as
 * ClamAV rescans what its PE unpackers produce; nested packers (yC around UPX) unwind through the recursion. Installer payloads
 * (NSIS, AutoIt) are found by the scanner's embedded-object discovery, not here.
 */
public final class PeUnpackExtractor implements Extractor {
    /** Name of the child that holds a rebuilt UPX image. */
    public static final String UPX_CHILD = "(UPX unpacked)";

    @Override
    public void extract(Layer layer, ExtractContext ctx) {
        ByteBuffer b = layer.data();
        PeHeaders h = PeHeaders.parse(b);
        if (h == null) return;
        if (Mew.matches(b, h) && !emit(ctx, "MEW", Mew.unpack(b, h, ctx.budget()), b.limit())) return;
        if (Upack.matches(b, h) && !emit(ctx, "Upack", Upack.unpack(b, h, ctx.budget()), b.limit())) return;
        if (Upx.packedPair(h) >= 0 && !unpackUpx(b, h, ctx)) return;
        if (Yc.matches(b, h) && !emit(ctx, "yC", Yc.unpack(b, h), b.limit())) return;
        if (Petite.matches(b, h) && !emit(ctx, "Petite", Petite.unpack(b, h, ctx.budget()), b.limit())) return;
        if (WwPack.matches(b, h) && !emit(ctx, "WWPack", WwPack.unpack(b, h, ctx.budget()), b.limit())) return;
        if (Aspack.version(b, h) != null && !emit(ctx, "ASPack", Aspack.unpack(b, h, ctx.budget()), b.limit())) return;
        if (PeSpin.matches(b, h)) emit(ctx, "PESpin", PeSpin.unpack(b, h, ctx.budget()), b.limit());
    }

    private static boolean emit(ExtractContext ctx, String packer, byte[] image, int packedSize) {
        if (image == null) {
            ctx.note(packer.toLowerCase(java.util.Locale.ROOT) + ": unpacking failed");
            return !ctx.stopped();
        }
        return ctx.child(new ChildInfo("(" + packer + " unpacked)", FileType.MSEXE, packedSize, image.length, false, 1, -1),
                ByteBuffer.wrap(image));
    }

    private static boolean unpackUpx(ByteBuffer b, PeHeaders h, ExtractContext ctx) {
        long budget = Math.min(ctx.budget(), (long) Math.max(1, b.limit()) * ctx.limits().maxRatio());
        Upx.Result r = Upx.unpack(b, h, budget);
        if (r.image() == null) {
            // many non-UPX files (NSIS and other installers) have the same section layout: only name real UPX failures
            if (h.name(Upx.packedPair(h)).startsWith("UPX")) ctx.note("upx: " + r.why());
            return !ctx.stopped();
        }
        ChildInfo info = new ChildInfo(UPX_CHILD, FileType.MSEXE, b.limit(), r.image().length, false, 1, -1);
        return ctx.child(info, ByteBuffer.wrap(r.image()));
    }
}
