package dev.bulwark.engine.filetype;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * ClamAV's built-in type-1 rules run over the first bytes of a text or binary layer while its type is decided
 * (cli_determine_fmap_type): the HTML tag rules, the MAIL and MHTML header rules, and the embedded-object
 * rules ({@link EmbeddedTypeFinder}). Matches are taken in the order they end; one changes the type when its
 * type ranks above the current one in ClamAV's type order, or is an SFX-class type or MSEXE. A final SFX
 * archive marker leaves the layer's text type alone (ClamAV finds those later, as embedded objects).
 */
public final class HeadRules {
    private HeadRules() {}

    /** Type-1 rules from a database (.ftm) that take part in the head scan. */
    @FunctionalInterface
    public interface Extra {
        /** Adds the hits of the database's rules in {@code head} whose required type admits {@code text}. */
        void hits(ByteBuffer head, FileType text, List<EmbeddedTypeFinder.Hit> out);
    }

    /**
     * The type these rules give a layer whose first bytes are {@code head} and whose text class is {@code text};
     * null: unchanged. {@code builtin}: ClamAV's own rules take part (they do unless a .ftm brought literal
     * magic); {@code extra}: a database's rules, or null.
     */
    static FileType type(ByteBuffer head, FileType text, boolean builtin, Extra extra) {
        List<EmbeddedTypeFinder.Hit> hits = new ArrayList<>();
        if (builtin) {
            hits.addAll(EmbeddedTypeFinder.headHits(head));
            HtmlMarkers.headHits(head, hits);
            MailMarkers.headHits(head, hits);
            FixedHeadRules.hits(head, hits);
        }
        if (extra != null) extra.hits(head, text, hits);
        if (hits.isEmpty()) return null;
        // stable: same-end hits keep their order. A lambda of this class, not Comparator.comparingInt: the JDK's
        // own lambda inside comparingInt is not kept by the AOT cache and would be generated in every run
        hits.sort((a, b) -> Integer.compare(a.end(), b.end()));
        FileType type = text;
        for (EmbeddedTypeFinder.Hit h : hits) {
            int r = rank(h.type());
            if (r > rank(type) || r >= rank(FileType.SFX) || h.type() == FileType.MSEXE) type = h.type();
        }
        return switch (type) {
            case ZIPSFX, ARJSFX, RARSFX, EGGSFX, CABSFX, SEVENZIPSFX -> null;
            default -> type == text ? null : type;
        };
    }

    /** True when these rules make {@code head} (decoded text) HTML, as ClamAV's checks of UTF-16 heads ask. */
    static boolean isHtml(ByteBuffer head, boolean builtin, Extra extra) {
        if (extra == null) {
            // the type starts as text and takes only the types of hits: without an HTML tag hit it cannot end as
            // HTML, and the embedded-object and mail rules need not run (most folded UTF-16 heads have no tag)
            if (!builtin) return false;
            List<EmbeddedTypeFinder.Hit> tags = new ArrayList<>();
            HtmlMarkers.headHits(head, tags);
            if (tags.isEmpty()) return false;
        }
        return type(head, FileType.TEXT_ASCII, builtin, extra) == FileType.HTML;
    }

    /** Position in ClamAV's cli_file_t order for the types these rules produce (text classes lowest). */
    private static int rank(FileType t) {
        return switch (t) {
            case TEXT_ASCII -> 0;
            case TEXT_UTF8 -> 1;
            case TEXT_UTF16LE -> 2;
            case TEXT_UTF16BE -> 3;
            case BINARY_DATA -> 4;
            case MSEXE -> 10;
            case PDF -> 20;
            case PYTHON_COMPILED -> 21; // (types17) the rest of ClamAV's order for the types FixedHeadRules gives
            case LHA_LZH -> 22;
            case MBR -> 25;
            case HTML -> 30;
            case MAIL -> 31;
            case SFX -> 40;
            case ZIPSFX -> 41;
            case RARSFX -> 42;
            case SEVENZIPSFX -> 43;
            case CABSFX -> 44;
            case ARJSFX -> 45;
            case EGGSFX -> 46;
            case NULSFT -> 47;
            case AUTOIT -> 48;
            case ISHIELD_MSI -> 49;
            case ISO9660 -> 50;
            case APM -> 55;
            case XML_HWP -> 57;
            case MHTML -> 60;
            case IGNORED -> 100;
            default -> 5;
        };
    }
}
