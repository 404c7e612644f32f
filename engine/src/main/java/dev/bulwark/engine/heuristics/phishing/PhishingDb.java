package dev.bulwark.engine.heuristics.phishing;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The phishing databases: {@code .pdb} (domains whose look-alike links are suspicious), {@code .wdb}
 * (allowed real/displayed pairs) and {@code .gdb} (URL hashes). Immutable once built; {@link #check}
 * decides one link found in mail-borne HTML the way ClamAV 1.4 does.
 */
public final class PhishingDb {
    /** ClamAV's phishing code looks at no more than this many characters of an URL. */
    private static final int URL_MAX_LEN = 1024;

    private final List<Entry> domainList;   // .pdb H: and R:
    private final List<Entry> allowList;    // .wdb M:, X:, Y:
    private final Map<String, Character> hashes; // .gdb full hashes (upper-case hex) -> kind
    private final int count;

    private PhishingDb(Builder b) {
        this.domainList = List.copyOf(b.domainList);
        this.allowList = List.copyOf(b.allowList);
        this.hashes = Map.copyOf(b.hashes);
        this.count = b.count;
    }

    public static Builder builder(int engineFlevel) {
        return new Builder(engineFlevel);
    }

    /** One list entry: a static host suffix (H, M) or a regular expression over the whole buffer. */
    private record Entry(String literal, Pattern regex) {
        boolean matches(String buffer) {
            if (literal != null) {
                // the buffer ends with the entry, preceded by nothing or a label boundary
                if (!buffer.endsWith(literal)) return false;
                int at = buffer.length() - literal.length();
                return at == 0 || buffer.charAt(at - 1) == '.' || buffer.charAt(at - 1) == ' ';
            }
            try {
                return regex.matcher(new BoundedText(buffer)).matches();
            } catch (BoundedText.Exhausted e) {
                return false;
            }
        }
    }

    public static final class Builder {
        private final int flevel;
        private final List<Entry> domainList = new ArrayList<>();
        private final List<Entry> allowList = new ArrayList<>();
        private final Map<String, Character> hashes = new HashMap<>();
        private int count;

        private Builder(int flevel) {
            this.flevel = flevel;
        }

        /**
         * Adds one line of a .pdb/.wdb/.gdb file (comments/blank lines allowed: return false). Throws
         * IllegalArgumentException with a clear message for malformed lines. Lines outside the FLEVEL
         * range are skipped (return false). Returns true when an entry was added.
         */
        public boolean addPdbLine(String line) { return add(line, 'p'); }

        public boolean addWdbLine(String line) { return add(line, 'w'); }

        public boolean addGdbLine(String line) { return add(line, 'g'); }

        public PhishingDb build() { return new PhishingDb(this); }

        private boolean add(String raw, char db) {
            String line = chomp(raw);
            if (line.isEmpty() || line.charAt(0) == '#') return false;
            line = flevel(line);
            if (line == null) return false;
            int colon = line.indexOf(':');
            if (colon < 0) throw new IllegalArgumentException("malformed phishing database line (no ':'): " + line);
            char kind = line.charAt(0);
            String pattern = line.substring(colon + 1);
            boolean allow = db == 'w';
            if ((kind == 'R' && !allow) || ((kind == 'X' || kind == 'Y') && allow)) {
                (allow ? allowList : domainList).add(new Entry(null, compile(pattern + "/")));
            } else if ((kind == 'H' && !allow) || (kind == 'M' && allow)) {
                (allow ? allowList : domainList).add(new Entry(pattern + "/", null));
            } else if (kind == 'S' && (!allow || pattern.startsWith("W"))) {
                addHash(line, pattern);
            } else {
                throw new IllegalArgumentException("malformed phishing database line (unknown entry type '"
                        + kind + "' in ." + (db == 'p' ? "pdb" : db == 'w' ? "wdb" : "gdb") + "): " + line);
            }
            count++;
            return true;
        }

        private void addHash(String line, String pattern) {
            if (pattern.length() < 2 || pattern.charAt(1) != ':' || "WFP".indexOf(pattern.charAt(0)) < 0) {
                throw new IllegalArgumentException("malformed phishing hash line (expected S[12]:P|F|W:<hex>): " + line);
            }
            String hex = pattern.substring(2);
            int want = pattern.charAt(0) == 'P' ? 8 : 64;
            if (hex.length() != want || !hex.chars().allMatch(c -> Character.digit(c, 16) >= 0)) {
                throw new IllegalArgumentException("malformed phishing hash (need " + want + " hex digits): " + line);
            }
            if (pattern.charAt(0) == 'P') return; // host-key prefixes: loaded, not used for decisions (as ClamAV 1.4)
            char flag = pattern.charAt(0) == 'W' ? 'W' : line.charAt(1) == ':' ? 'S' : line.charAt(1);
            hashes.putIfAbsent(hex.toUpperCase(Locale.ROOT), flag);
        }

        /** Strips a trailing {@code :MIN-[MAX]} functionality level; null when outside this engine's level. */
        private String flevel(String line) {
            int c = line.lastIndexOf(':');
            if (c < 0) return line;
            String spec = line.substring(c + 1);
            int dash = spec.indexOf('-');
            if (dash < 0) return line;
            String min = spec.substring(0, dash), max = spec.substring(dash + 1);
            if (!digits(min) || !digits(max)) return line;
            long lo = min.isEmpty() ? 0 : parse(min);
            long hi = max.isEmpty() ? Integer.MAX_VALUE : parse(max);
            if (lo > flevel || hi < flevel) return null;
            return line.substring(0, c);
        }

        private static boolean digits(String s) {
            for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
            return true;
        }

        private static long parse(String s) {
            return s.length() > 9 ? Integer.MAX_VALUE : Long.parseLong(s);
        }

        private static String chomp(String s) {
            int e = s.length();
            while (e > 0 && (s.charAt(e - 1) == '\n' || s.charAt(e - 1) == '\r')) e--;
            return s.substring(0, e);
        }

        private static Pattern compile(String posix) {
            try {
                return Pattern.compile(PosixRegex.toJava(posix));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("malformed phishing regex '" + posix + "': " + e.getMessage(), e);
            }
        }
    }

    /** Entries loaded (one per H:/R:/M:/X:/Y:/S… line). */
    public int count() { return count; }

    public boolean isEmpty() { return count == 0; }

    /** Detection name (e.g. "Heuristics.Phishing.Email.SpoofedDomain") or null when the link is fine. */
    public String check(String realUrl, String displayedText, boolean alertSsl, boolean alertCloak) {
        if (realUrl == null || displayedText == null || (domainList.isEmpty() && hashes.isEmpty())) return null;
        String real = cap(realUrl), display = cap(displayedText);
        if (Urls.asUrl(real, false) == null) return null;
        String hashed = hashVerdict(real);
        if (hashed != null) return hashed.isEmpty() ? null : hashed;
        if (real.equals(display) || display.isEmpty()) return null;
        real = Urls.cleanup(real, true);
        display = Urls.cleanup(display, false);
        if (real == null || display == null || real.equals(display)) return null;
        display = Urls.asUrl(display, true);
        if (display == null) return null;
        if (matchesAny(allowList, real + ":" + display + "/")) return null;
        boolean listed = matchesAny(domainList, real + ":" + display + "/");
        String displayHost = Urls.host(display, false);
        String realHost = Urls.host(real, true);
        if (displayHost == null || realHost == null) return null;
        if (real.equals(display)) return null;
        if (matchesAny(allowList, realHost + ":" + displayHost + "/")) return null;
        boolean checkSsl = true;
        if (matchesAny(domainList, displayHost + "/")) {
            listed = true;
        } else {
            checkSsl = alertSsl;
        }
        if (checkSsl && display.startsWith("https:") && !real.startsWith("https:")) {
            return "Heuristics.Phishing.Email.SSL-Spoof";
        }
        if (!listed) return null;
        if (Urls.domain(realHost).equals(Urls.domain(displayHost))) return null;
        return "Heuristics.Phishing.Email.SpoofedDomain";
    }

    private static String cap(String s) {
        return s.length() > URL_MAX_LEN ? s.substring(0, URL_MAX_LEN) : s;
    }

    private static boolean matchesAny(List<Entry> list, String buffer) {
        String b = buffer.startsWith(".") ? buffer.substring(1) : buffer;
        if (b.length() < 3) return false;
        for (Entry e : list) if (e.matches(b)) return true;
        return false;
    }

    /** null: no hash decision; "": allowed by hash; otherwise the detection name. */
    private String hashVerdict(String url) {
        if (hashes.isEmpty()) return null;
        for (String key : UrlHashes.candidates(url)) {
            Character kind = hashes.get(sha256Hex(key));
            if (kind == null) continue;
            return switch (kind) {
                case 'W' -> null; // allowed hash: keep checking like ClamAV does
                case '1' -> "Heuristics.Phishing.URL.Blocked";
                case '2' -> "Heuristics.Safebrowsing.Suspected-phishing_safebrowsing.clamav.net";
                default -> "Heuristics.Safebrowsing.Suspected-malware_safebrowsing.clamav.net";
            };
        }
        return null;
    }

    private static String sha256Hex(String s) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            return HexFormat.of().withUpperCase().formatHex(md.digest(s.getBytes(StandardCharsets.ISO_8859_1)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
