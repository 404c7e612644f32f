package dev.bulwark.cli;

import dev.bulwark.engine.Detection;
import dev.bulwark.engine.ScanResult;

/** Minimal JSON writing for {@code --json} lines (no dependency needed for this small shape). */
final class Json {
    private Json() {}

    static String quote(String s) {
        if (s == null) return "null";
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> {
                    if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
                    else b.append(c);
                }
            }
        }
        return b.append('"').toString();
    }

    /** One line per scanned file: path, size, sha256, verdict, detections with container paths, timing, tree. */
    static String result(String path, String sha256, ScanResult r) {
        StringBuilder b = new StringBuilder(256);
        b.append("{\"path\":").append(quote(path)).append(",\"size\":").append(r.size())
                .append(",\"sha256\":").append(quote(sha256))
                .append(",\"verdict\":").append(quote(switch (r.status()) {
                    case CLEAN -> "clean";
                    case INFECTED -> "infected";
                    case EMPTY -> "empty";
                    case ERROR -> "error";
                }));
        if (r.error() != null) b.append(",\"error\":").append(quote(r.error()));
        b.append(",\"detections\":[");
        for (int i = 0; i < r.detections().size(); i++) {
            Detection d = r.detections().get(i);
            if (i > 0) b.append(',');
            String where = d.path().isEmpty() ? path : path + "//" + d.path();
            b.append("{\"name\":").append(quote(d.name())).append(",\"path\":").append(quote(where))
                    .append(",\"weak\":").append(d.weak());
            if (d.offset() >= 0) b.append(",\"offset\":").append(d.offset());
            b.append('}');
        }
        b.append("],\"layers\":").append(r.layers()).append(",\"bytes_scanned\":").append(r.bytesScanned())
                .append(",\"scan_ms\":").append(String.format(java.util.Locale.ROOT, "%.3f", r.nanos() / 1e6));
        if (r.tree() != null) b.append(",\"tree\":").append(tree(r.tree(), path));
        return b.append('}').toString();
    }

    private static String tree(ScanResult.LayerInfo t, String root) {
        StringBuilder b = new StringBuilder();
        b.append("{\"path\":").append(quote(t.path().isEmpty() ? root : root + "//" + t.path()))
                .append(",\"type\":").append(quote(t.type())).append(",\"size\":").append(t.size());
        if (t.sha256() != null) b.append(",\"sha256\":").append(quote(t.sha256()));
        if (t.note() != null) b.append(",\"note\":").append(quote(t.note()));
        if (!t.children().isEmpty()) {
            b.append(",\"children\":[");
            for (int i = 0; i < t.children().size(); i++) {
                if (i > 0) b.append(',');
                b.append(tree(t.children().get(i), root));
            }
            b.append(']');
        }
        return b.append('}').toString();
    }
}
