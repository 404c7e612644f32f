package dev.bulwark.engine.heuristics.phishing;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The host/path combinations of an URL whose SHA-256 is looked up in {@code .gdb} hashes (Safe
 * Browsing style): up to five host suffixes times up to six path prefixes, each as "host/path".
 * A simplified canonicalisation: user names skipped, %-escapes decoded, host lower-cased.
 */
final class UrlHashes {
    private static final int HOST_COMPONENTS = 5;
    private static final int PATH_COMPONENTS = 4;

    private UrlHashes() {}

    static List<String> candidates(String url) {
        List<String> out = new ArrayList<>();
        int colon = url.indexOf(':');
        if (colon < 0) return out;
        int hb = colon + 1;
        while (hb < url.length() && url.charAt(hb) == '/') hb++;
        int he = hb;
        while (he < url.length() && ":/?".indexOf(url.charAt(he)) < 0) he++;
        int at = url.lastIndexOf('@', he - 1);
        if (at >= hb) hb = at + 1;
        String rest = Urls.percentDecode(url.substring(hb));
        int s = 0;
        while (s < rest.length() && (rest.charAt(s) == '/' || rest.charAt(s) == '.')) s++;
        rest = rest.substring(s);
        int hl = 0;
        while (hl < rest.length() && ":/?".indexOf(rest.charAt(hl)) < 0) hl++;
        String host = rest.substring(0, hl).toLowerCase(Locale.ROOT);
        String path = hl < rest.length() ? rest.substring(hl + 1) : "";
        int hash = path.indexOf('#');
        if (hash >= 0) path = path.substring(0, hash);

        List<String> hosts = new ArrayList<>();
        hosts.add(host);
        String[] labels = host.split("\\.", -1);
        for (int k = Math.min(HOST_COMPONENTS, labels.length - 1); k >= 2; k--) {
            String suffix = String.join(".", java.util.Arrays.copyOfRange(labels, labels.length - k, labels.length));
            if (!suffix.equals(host)) hosts.add(suffix);
        }
        List<String> paths = new ArrayList<>();
        paths.add(path);
        int q = path.indexOf('?');
        if (q >= 0) paths.add(path.substring(0, q));
        paths.add("");
        int from = 0;
        for (int k = 0; k < PATH_COMPONENTS; k++) {
            int slash = path.indexOf('/', from);
            if (slash < 0) break;
            paths.add(path.substring(0, slash + 1));
            from = slash + 1;
        }
        for (String p : paths) for (String h : hosts) out.add(h + "/" + p);
        return out;
    }
}
