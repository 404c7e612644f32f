package dev.bulwark.engine.formats.dmg;

import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.docio.ByteSink;
import dev.bulwark.engine.formats.docio.XmlReader;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Finds the mish blocks in a DMG property list the way ClamAV's state machine does:
 * {@code plist > dict > key + dict > key "blkx" + (array|dict) > … key "Data" + data}. Every {@code Data}
 * value that decodes to a mish block is kept, in document order; reading stops past {@value #MAX_DEPTH}
 * levels, and a list that is not well-formed gives nothing.
 */
final class Plist {
    /** ClamAV stops reading deeper than this (a runaway guard, with heuristics on as clamscan has them). */
    static final int MAX_DEPTH = 50;
    private static final int PLIST = 0, BASE_DICT = 1, KEY_FORK = 2, DICT_FORK = 3, KEY_BLKX = 4, BLKX = 5,
            KEY_DATA = 6, DATA = 7;

    private Plist() {}

    static List<Mish> mishBlocks(ByteBuffer xml, ExtractContext ctx) {
        List<Mish> out = new ArrayList<>();
        String problem = XmlReader.problem(xml);
        if (problem != null) { // clamscan gets no partition out of a list libxml2 rejects (checked on small lists)
            ctx.note("dmg: property list: " + problem);
            return out;
        }
        XmlReader r = new XmlReader(xml);
        int[] at = new int[8];
        java.util.Arrays.fill(at, -1);
        int state = PLIST;
        int e = r.next();
        while (e > 0 && !ctx.stopped()) {
            int depth = r.depth() - 1; // libxml2 counts the root as 0
            if (e == XmlReader.START) {
                if (depth > MAX_DEPTH) break;
                // the element's name, taken before a read below moves the reader on (ClamAV keeps nodeName);
                // a node read that way is never looked at again, as in ClamAV's loop
                boolean data = r.localNameIs("data", false), key = r.localNameIs("key", false),
                        dict = r.localNameIs("dict", false), array = r.localNameIs("array", false),
                        plist = r.localNameIs("plist", false), empty = r.emptyElement();
                if (state == DATA && depth == at[KEY_DATA]) {
                    at[KEY_DATA] = -1;
                    state = KEY_DATA;
                    if (!data || empty || !textFollows(xml, r)) {
                        e = r.next();
                        continue;
                    }
                    Mish m = decode(xml, r.textStart(), r.textEnd());
                    if (m != null) out.add(m);
                }
                if (state == KEY_DATA && depth > at[BLKX] && key) {
                    if (!textFollows(xml, r)) {
                        e = r.next();
                        continue;
                    }
                    if (text(xml, r, "Data")) {
                        at[KEY_DATA] = depth;
                        state = DATA;
                    }
                }
                if (state == BLKX && depth == at[KEY_BLKX]) {
                    if (array || dict) {
                        at[BLKX] = depth;
                        state = KEY_DATA;
                    } else {
                        at[KEY_BLKX] = -1;
                        state = KEY_BLKX;
                    }
                }
                if (state == KEY_BLKX && depth == at[DICT_FORK] + 1 && key) {
                    if (!textFollows(xml, r)) {
                        e = r.next();
                        continue;
                    }
                    if (text(xml, r, "blkx")) {
                        at[KEY_BLKX] = depth;
                        state = BLKX;
                    }
                }
                if (state == DICT_FORK && depth == at[KEY_FORK]) {
                    if (dict) {
                        at[DICT_FORK] = depth;
                        state = KEY_BLKX;
                    } else {
                        at[KEY_FORK] = -1;
                        state = KEY_FORK;
                    }
                }
                if (state == KEY_FORK && depth == at[BASE_DICT] + 1 && key) {
                    at[KEY_FORK] = depth;
                    state = DICT_FORK;
                }
                if (state == BASE_DICT && depth == at[PLIST] + 1 && dict) {
                    at[BASE_DICT] = depth;
                    state = KEY_FORK;
                }
                if (state == PLIST && plist) {
                    at[PLIST] = depth;
                    state = BASE_DICT;
                }
            } else if (e == XmlReader.END && state > PLIST && !r.emptyElement()) { // libxml2 has no end node for <a/>
                if (depth < at[state - 1] || (depth == at[state - 1] && state - 1 == BLKX)) {
                    at[state - 1] = -1;
                    state--;
                    if (state - 1 == KEY_FORK || state - 1 == KEY_BLKX) {
                        at[state - 1] = -1;
                        state--;
                    }
                }
            }
            e = r.next();
        }
        return out;
    }

    /** Reads the next node; true when it is text that is not only blanks (libxml2 reports blanks as whitespace nodes). */
    private static boolean textFollows(ByteBuffer b, XmlReader r) {
        if (r.next() != XmlReader.TEXT) return false;
        for (int i = r.textStart(); i < r.textEnd(); i++) if (!XmlReader.isSpace(b.get(i))) return true;
        return false;
    }

    private static boolean text(ByteBuffer b, XmlReader r, String s) {
        if (r.textEnd() - r.textStart() != s.length()) return false;
        for (int i = 0; i < s.length(); i++) if (b.get(r.textStart() + i) != s.charAt(i)) return false;
        return true;
    }

    /** Base64 with blanks and other non-alphabet bytes skipped, up to padding (a mish block is small). */
    static Mish decode(ByteBuffer b, int from, int to) {
        ByteSink out = new ByteSink((long) (to - from) * 3 / 4 + 3);
        int acc = 0, n = 0;
        for (int i = from; i < to; i++) {
            int c = b.get(i) & 0xFF, v;
            if (c >= 'A' && c <= 'Z') v = c - 'A';
            else if (c >= 'a' && c <= 'z') v = c - 'a' + 26;
            else if (c >= '0' && c <= '9') v = c - '0' + 52;
            else if (c == '+') v = 62;
            else if (c == '/') v = 63;
            else if (c == '=') break;
            else continue;
            acc = acc << 6 | v;
            if (++n == 4) {
                out.put(acc >>> 16 & 0xFF);
                out.put(acc >>> 8 & 0xFF);
                out.put(acc & 0xFF);
                acc = 0;
                n = 0;
            }
        }
        if (n == 2) out.put(acc >>> 4 & 0xFF);
        else if (n == 3) {
            out.put(acc >>> 10 & 0xFF);
            out.put(acc >>> 2 & 0xFF);
        }
        return Mish.parse(out.view());
    }
}
