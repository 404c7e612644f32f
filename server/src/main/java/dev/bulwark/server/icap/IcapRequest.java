package dev.bulwark.server.icap;

import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A parsed ICAP request head: method, service name, headers (case-insensitive, repeatable) and the
 * {@code Encapsulated} offsets.
 */
record IcapRequest(String method, String uri, String service, Map<String, List<String>> headers,
                   Map<String, Integer> encapsulated) {

    /** Header lines we accept in one head: a real client sends a dozen. */
    static final int MAX_HEADERS = 100;

    /** Why a head could not be parsed: the status code and reason to send back. */
    static final class BadRequest extends Exception {
        final int status;

        BadRequest(int status, String msg) {
            super(msg);
            this.status = status;
        }
    }

    String header(String name) {
        List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    boolean allows(String code) {
        for (String v : headers.getOrDefault("allow", List.of())) {
            for (String p : v.split(",")) if (p.strip().equals(code)) return true;
        }
        return false;
    }

    /** Preview size the client announced, or -1 when it sends no preview. */
    int preview() {
        String p = header("preview");
        if (p == null) return -1;
        try {
            return Integer.parseInt(p.strip());
        } catch (NumberFormatException e) {
            return -1;
        }
    }

    /** Offset of the body section (req-body/res-body/opt-body) or -1 for null-body. */
    int bodyOffset() {
        for (var e : encapsulated.entrySet()) {
            if (e.getKey().endsWith("-body") && !e.getKey().equals("null-body")) return e.getValue();
        }
        return -1;
    }

    /** Length of the encapsulated header sections (everything before the body or null-body). */
    int headersLength() {
        int body = bodyOffset();
        if (body >= 0) return body;
        Integer nb = encapsulated.get("null-body");
        return nb == null ? 0 : nb;
    }

    static IcapRequest parse(byte[] head) throws BadRequest {
        String text = new String(head, StandardCharsets.ISO_8859_1);
        String[] lines = text.split("\r?\n");
        if (lines.length == 0) throw new BadRequest(400, "empty request");
        String[] rl = lines[0].split(" ");
        if (rl.length != 3) throw new BadRequest(400, "malformed request line");
        if (!rl[2].equals("ICAP/1.0")) throw new BadRequest(505, "ICAP version not supported");
        String service;
        try {
            URI u = new URI(rl[1]);
            if (!"icap".equalsIgnoreCase(u.getScheme()) && !"icaps".equalsIgnoreCase(u.getScheme())) {
                throw new BadRequest(400, "not an icap:// URI");
            }
            String path = u.getPath() == null ? "" : u.getPath();
            service = path.startsWith("/") ? path.substring(1) : path;
        } catch (java.net.URISyntaxException e) {
            throw new BadRequest(400, "malformed URI");
        }
        Map<String, List<String>> headers = new LinkedHashMap<>();
        int count = 0;
        for (int i = 1; i < lines.length; i++) {
            String l = lines[i];
            if (l.isEmpty()) break;
            if (++count > MAX_HEADERS) throw new BadRequest(400, "too many headers");
            int c = l.indexOf(':');
            if (c <= 0) throw new BadRequest(400, "malformed header line");
            headers.computeIfAbsent(l.substring(0, c).strip().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(l.substring(c + 1).strip());
        }
        Map<String, Integer> enc = new LinkedHashMap<>();
        List<String> ev = headers.get("encapsulated");
        if (ev != null) {
            for (String part : ev.get(0).split(",")) {
                String[] kv = part.strip().split("=");
                if (kv.length != 2) throw new BadRequest(400, "malformed Encapsulated header");
                try {
                    int off = Integer.parseInt(kv[1].strip());
                    if (off < 0) throw new BadRequest(400, "negative Encapsulated offset");
                    enc.put(kv[0].strip().toLowerCase(Locale.ROOT), off);
                } catch (NumberFormatException e) {
                    throw new BadRequest(400, "malformed Encapsulated offset");
                }
            }
        }
        return new IcapRequest(rl[0], rl[1], service, headers, enc);
    }
}
