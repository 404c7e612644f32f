package dev.bulwark.server.icap;

/** The HTML page a proxy shows instead of infected content. */
final class BlockPage {
    private BlockPage() {}

    static String html(String threat, String clientIp) {
        return "<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>Blocked: malware detected</title></head>\n"
                + "<body><h1>VIRUS FOUND</h1>\n<p>The content you requested was blocked because it contains <b>"
                + escape(threat) + "</b>.</p>\n"
                + (clientIp != null ? "<p>Client: " + escape(clientIp) + "</p>\n" : "")
                + "<p>Scanned by Bulwark.</p></body></html>\n";
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                case '\'' -> sb.append("&#39;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
