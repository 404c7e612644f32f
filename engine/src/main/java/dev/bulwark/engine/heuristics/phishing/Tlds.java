package dev.bulwark.engine.heuristics.phishing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/** The set of top-level domains, and the country-code subset (two letters). */
final class Tlds {
    private static final Set<String> ALL = load();

    private Tlds() {}

    static boolean isTld(String label) {
        return ALL.contains(label.toLowerCase(Locale.ROOT));
    }

    static boolean isCountryCode(String label) {
        return label.length() == 2 && isTld(label);
    }

    private static Set<String> load() {
        Set<String> s = new HashSet<>();
        try (InputStream in = Tlds.class.getResourceAsStream("tlds.txt")) {
            if (in == null) throw new IllegalStateException("tlds.txt resource missing");
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.US_ASCII));
            for (String line; (line = r.readLine()) != null; ) {
                line = line.trim();
                if (!line.isEmpty() && line.charAt(0) != '#') s.add(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(s);
    }
}
