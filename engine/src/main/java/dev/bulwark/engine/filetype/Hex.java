package dev.bulwark.engine.filetype;

/**
 * Hex strings of the built-in type rules, decoded without {@link java.util.HexFormat} (startup12, round 11). The rule
 * tables are built in class initialisers that every scan runs interpreted; {@code HexFormat.parseHex} calls
 * {@code String.charAt} and a digit lookup per character (~700 calls for these tables), enough by themselves to get
 * {@code String.charAt} and its helpers compiled by C1 in a one-file scan. Same result and the same exception class
 * for bad input ({@code HexTest} compares them).
 */
final class Hex {
    private Hex() {}

    /** The bytes of an even-length string of hex digits (either case); IllegalArgumentException otherwise. */
    static byte[] parse(String s) {
        byte[] c = s.getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
        if ((c.length & 1) != 0 || c.length != s.length()) throw new IllegalArgumentException("not an even-length hex string: " + s);
        byte[] out = new byte[c.length >> 1];
        for (int i = 0; i < out.length; i++) {
            int hi = c[2 * i], lo = c[2 * i + 1];
            hi = hi >= '0' && hi <= '9' ? hi - '0' : (hi | 0x20) >= 'a' && (hi | 0x20) <= 'f' ? (hi | 0x20) - 'a' + 10 : -1;
            lo = lo >= '0' && lo <= '9' ? lo - '0' : (lo | 0x20) >= 'a' && (lo | 0x20) <= 'f' ? (lo | 0x20) - 'a' + 10 : -1;
            if ((hi | lo) < 0) throw new IllegalArgumentException("not a hex digit in: " + s);
            out[i] = (byte) (hi << 4 | lo);
        }
        return out;
    }
}
