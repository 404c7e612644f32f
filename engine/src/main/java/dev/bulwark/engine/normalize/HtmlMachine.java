package dev.bulwark.engine.normalize;

import dev.bulwark.engine.filetype.ByteScan;

/**
 * One HTML normalisation: reads the document in ClamAV's chunks and runs the HTML state machine
 * ({@link HtmlSteps}) over each, writing the three views.
 *
 * <p>The states most bytes are read in — text outside tags, the text of script and style elements, comments,
 * argument values — first run a loop over a byte-class table ({@link HtmlBytes}) that writes runs of
 * ordinary bytes straight into the views' arrays, and hand the first byte that needs a state change to the
 * per-byte step. Each loop does for its bytes exactly what the steps would do, including the state a chunk
 * ends in (HtmlMachineReferenceTest checks this against the per-byte machine).
 */
final class HtmlMachine extends HtmlSteps {
    private final byte[] in;
    private final int base, n;

    HtmlMachine(byte[] in, int base, int n) {
        this(in, base, n, null);
    }

    /** With the arrays of {@code reuse} for the chunk and the nocomment and notags views (null: new ones). */
    HtmlMachine(byte[] in, int base, int n, HtmlNormalizer.Scratch reuse) {
        super(n, reuse);
        this.in = in;
        this.base = base;
        this.n = n;
    }

    HtmlNormalizer.Result run() {
        int off = 0;
        while (off < n && !aborted) {
            int avail = Math.min(n - off, CHUNK), len, after;
            int nul = ByteScan.next(in, base + off, base + off + avail, (byte) 0);
            if (nul < 0) {
                System.arraycopy(in, base + off, s, 0, avail);
                len = avail;
                after = off + avail;
            } else { // NULs are skipped until the chunk is full
                nul -= base;
                len = nul - off;
                System.arraycopy(in, base + off, s, 0, len);
                after = nul;
                while (after < n && len < CHUNK) {
                    byte b = in[base + after++];
                    if (b != 0) s[len++] = b;
                }
            }
            off = after;
            if (after < n && len > 0 && !isSpace(in[base + after] & 0xFF)) {
                // cut back to the last blank; ClamAV steps its read offset back by the bytes cut, not
                // counting NULs among them, so as many bytes after the cut are lost
                int k = len;
                while (k > 1 && !isSpace(s[k - 1] & 0xFF)) k--;
                if (k > 1 && k < len) {
                    off -= len - k;
                    len = k;
                }
            }
            lineLen = len;
            styleBegin = 0;
            chunk(len);
            if (!aborted) out.chunkEnd(s, len);
        }
        if (!aborted) refs.finishEntity(); // an unfinished entity at the end
        return out.result();
    }

    private void chunk(int to) {
        int i = 0;
        while (i < to && isSpace(s[i] & 0xFF)) i++;
        while (i < to && !aborted) {
            if (!binary) {
                if (state == NORM) {
                    i = inTag == OUTSIDE ? textRun(i, to) : elementRun(i, to);
                    if (i >= to) break;
                } else if (state == COMMENT && inTag == OUTSIDE) {
                    i = commentRun(i, to);
                    continue;
                } else if (state == TAG_ARG_VAL && mbchar2 == 0) {
                    i = valueRun(i, to);
                    if (i >= to) break;
                } else if (state == TAG || state == TAG_ARG) {
                    i = nameRun(i, to);
                    if (i >= to) break;
                }
            }
            int c = s[i] & 0xFF;
            if (c == '\n' && !binary) c = ' ';
            else if (c == '\r' && !binary) {
                i++;
                continue;
            }
            i = step(c, i);
        }
    }

    /**
     * NORM outside script and style: ordinary bytes lower-cased to both views, control bytes to nocomment
     * (notags gets one blank), a run of blanks one blank in each (nocomment's only when the run ends in this
     * chunk: else the state is TRIM_WS, as the steps leave it). Returns where a byte needs the step.
     */
    private int textRun(int i, int to) {
        byte[] cls = HtmlBytes.NORM_CLASS, low = HtmlBytes.LOWER;
        byte[] ob = o2.room(to - i), tb = out.text.room(to - i);
        int ol = o2.length(), tl = out.text.length();
        boolean ts = out.textSpace, blanks = false;
        int retry = i; // where eight bytes at a time are tried next
        while (i < to) {
            if (i >= retry && i + 8 <= to) { // ordinary bytes with single blanks between them: both views lower-cased
                long w = HtmlBytes.plainWord(s, i);
                if (w != -1) {
                    HtmlBytes.put(ob, ol, w);
                    HtmlBytes.put(tb, tl, w);
                    ol += 8;
                    tl += 8;
                    ts = false;
                    i += 8;
                    continue;
                }
                retry = i + 8;
            }
            int c = s[i] & 0xFF;
            int k = cls[c];
            if (k == HtmlBytes.PLAIN) {
                byte l = low[c];
                ob[ol++] = l;
                tb[tl++] = l;
                ts = false;
                i++;
            } else if (k == HtmlBytes.BLANK) {
                blanks = true;
                if (!ts) {
                    tb[tl++] = ' ';
                    ts = true;
                }
                i = HtmlBytes.skipBlanks(s, i + 1, to);
                if (i == to) {
                    state = TRIM_WS;
                    break;
                }
                ob[ol++] = ' ';
            } else if (k == HtmlBytes.CR) {
                i++;
            } else if (k == HtmlBytes.CONTROL) {
                ob[ol++] = (byte) c;
                if (!ts) {
                    tb[tl++] = ' ';
                    ts = true;
                }
                i++;
            } else {
                break;
            }
        }
        if (blanks) next = NORM;
        o2.setLength(ol);
        out.text.setLength(tl);
        out.textSpace = ts;
        return i;
    }

    /** NORM inside a script or style element: bytes lower-cased ('\'' as '"') to nocomment only, blanks dropped. */
    private int elementRun(int i, int to) {
        byte[] cls = HtmlBytes.NORM_CLASS, low = HtmlBytes.LOWER_QUOTED;
        byte[] ob = o2.room(to - i);
        int ol = o2.length();
        boolean blanks = false;
        while (i < to) {
            int c = s[i] & 0xFF;
            int k = cls[c];
            if (k == HtmlBytes.PLAIN || k == HtmlBytes.CONTROL) {
                ob[ol++] = low[c];
                i++;
            } else if (k == HtmlBytes.BLANK) {
                blanks = true;
                i = HtmlBytes.skipBlanks(s, i + 1, to);
                if (i == to) state = TRIM_WS;
            } else if (k == HtmlBytes.CR) {
                i++;
            } else {
                break;
            }
        }
        if (blanks) next = NORM;
        o2.setLength(ol);
        return i;
    }

    /** A comment outside script and style writes nothing up to its '>'. */
    private int commentRun(int i, int to) {
        int k = ByteScan.next(s, i, to, (byte) '>');
        if (k < 0) return to;
        state = SKIP_WS;
        next = NORM;
        return k + 1;
    }

    /**
     * An argument value's ordinary bytes: lower-cased to nocomment, as read to the value; stops where the
     * value could start a data: URI (5 or 6 bytes stored), as the step checks that first.
     */
    private int valueRun(int i, int to) {
        int vl = out.valLen;
        if (vl == 5 || vl == 6) return i;
        byte[] cls = HtmlBytes.VALUE_CLASS, low = HtmlBytes.LOWER, val = out.val;
        byte[] ob = o2.room(to - i);
        int ol = o2.length(), last = -1;
        // stored up to 5 bytes (then the step checks for data:) or STR_MAX. The loop's one exit is a bound fixed
        // before it (no byte of it may take the value past its cap): C2 compiles a loop that also tests the
        // stored length with a predicate hoisted from the profile, which fails as soon as the rest of the chunk
        // is longer than the room left, and recompiles (profile_predicate). CRs stop a pass early: then again.
        int cap = vl < 5 ? 5 : STR_MAX;
        boolean more = vl < cap;
        while (more) {
            int end = Math.min(to, i + (cap - vl));
            while (i < end) {
                int c = s[i] & 0xFF;
                int k = cls[c];
                if (k == HtmlBytes.PLAIN) {
                    ob[ol++] = low[c];
                    val[vl++] = (byte) c;
                    last = i++;
                } else if (k == HtmlBytes.CR) {
                    i++;
                } else {
                    break;
                }
            }
            more = i == end && i < to && vl < cap;
        }
        if (vl >= STR_MAX) { // a long value: the rest of it is not stored
            while (i < to) {
                int c = s[i] & 0xFF;
                int k = cls[c];
                if (k == HtmlBytes.PLAIN) {
                    ob[ol++] = low[c];
                    last = i++;
                } else if (k == HtmlBytes.CR) {
                    i++;
                } else {
                    break;
                }
            }
        }
        o2.setLength(ol);
        out.valLen = vl;
        if (last >= 0) escape = last + 1 < lineLen && s[last + 1] == '\\'; // as the step after the last byte handled
        return i;
    }

}
