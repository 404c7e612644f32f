package dev.bulwark.engine.formats.mime;

import dev.bulwark.engine.ScanOptions;
import dev.bulwark.engine.filetype.ByteScan;
import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.ChildInfo;
import dev.bulwark.engine.formats.ExtractContext;
import dev.bulwark.engine.formats.docio.ByteSink;
import dev.bulwark.engine.formats.docio.Text;
import dev.bulwark.engine.formats.uuencode.UuDecoder;
import dev.bulwark.engine.heuristics.phishing.HtmlLinks;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Walks one mail layer (a single RFC 822 message or an mbox of several): headers, multipart bodies,
 * nested messages and transfer encodings. Every leaf body becomes a child; links in HTML bodies are
 * reported for the phishing check. Bounded by ClamAV's e-mail limits and by the context's budget.
 */
final class MailParser {
    // ClamAV's e-mail parser limits (libclamav/mbox.c), named as its heuristics are
    static final int MAX_LINE_FOLDS = 256 * 1024;    // Heuristics.Limits.Exceeded.EmailLineFoldCnt
    static final int MAX_HEADER_BYTES = 256 * 1024;  // Heuristics.Limits.Exceeded.EmailHeaderBytes
    static final int MAX_HEADERS = 1024;             // Heuristics.Limits.Exceeded.EmailHeaders
    static final int MAX_PARTS = 1024;               // Heuristics.Limits.Exceeded.EmailMIMEPartsPerMessage
    static final int MAX_ARGUMENTS = 256;            // Heuristics.Limits.Exceeded.EmailMIMEArguments
    /** Nested multiparts / messages: deeper structure is hostile, the raw scan still sees the bytes. */
    static final int MAX_NESTING = 32;
    /** Interesting header values are kept up to this many characters. */
    private static final int MAX_KEPT_HEADER = 8 * 1024;
    private static final String BINHEX_INTRO = "(This file must be converted with BinHex";
    /** uuencode / yEnc blocks looked for in one text body. */
    private static final int MAX_EMBEDDED_BLOCKS = 256;

    /** fmap_gets' line buffer (mbox.c: char buffer[RFC2821LENGTH + 1], read with sizeof(buffer) - 1): 999 bytes a read. */
    static final int MBOX_LINE_READ = 999;

    private ByteBuffer b;
    /**
     * (compat15) Whether a '\r' ends a line for the base64 decoder: a single message is read with
     * getline_from_mbox (a line ends at '\n' or '\r'), an mbox with fmap_gets ('\n' only).
     */
    private boolean crLines = true;
    /**
     * (compat15) Whether ClamAV's reader dropped a blank line after a blank line (messageAddStr, for a message whose
     * type is not text; an mbox message is read into a message of no type, so always): seen by the line-based
     * quoted-printable decoder. Set from the top-level message's headers.
     */
    private boolean collapseBlank = true;
    /** (compat15) {@link Headers#fileLines} of the entity whose body is being decoded. */
    private boolean leafFileLines;
    private final ExtractContext ctx;
    private int position;
    private boolean stop;

    MailParser(ByteBuffer data, ExtractContext ctx) {
        this.b = data;
        this.ctx = ctx;
    }

    void run() {
        int end = b.limit();
        if (Text.startsWith(b, 0, end, "From ")) {
            crLines = false;
            b = mboxLines(b);
            mbox(b.limit());
        } else {
            int start = usefulHeader(0, end, false);
            if (start >= 0) message(start, end, 0, FILE);
        }
    }

    /**
     * (mend13) The lines of an mbox as ClamAV reads them: cli_parse_mbox reads a file that starts with "From " with
     * fmap_gets, up to '\n' or {@link #MBOX_LINE_READ} bytes a read, into a C string, so a NUL ends what that read
     * keeps (a base64 line with a NUL loses its rest, and the decoding from there shifts or not as the kept length
     * falls). A single message is read with getline_from_mbox instead, which skips NULs (as the base64 decoder
     * does): it is not changed here. Returns {@code m} itself when it holds no NUL, else a copy where each read
     * with a NUL keeps the bytes before it and ends as a line.
     */
    private static final byte[] NUL = {0};

    static ByteBuffer mboxLines(ByteBuffer m) {
        int end = m.limit();
        if (end == 0 || ByteScan.find(m, 0, end - 1, NUL, 0) < 0) return m;
        byte[] out = new byte[end];
        int n = 0;
        for (int i = 0; i < end; ) {
            int stop = Math.min(end, i + MBOX_LINE_READ), e = i, nul = -1;
            while (e < stop) {
                byte c = m.get(e++);
                if (c == 0 && nul < 0) nul = e - 1;
                if (c == '\n') break;
            }
            if (nul < 0) {
                for (int k = i; k < e; k++) out[n++] = m.get(k);
            } else {
                for (int k = i; k < nul; k++) out[n++] = m.get(k);
                out[n++] = '\n';
            }
            i = e;
        }
        return ByteBuffer.wrap(out, 0, n).slice();
    }

    /** Splits an mbox at "From " lines that follow a blank line (or start the file). */
    private void mbox(int end) {
        int envelope = 0, msgStart = Text.nextLine(b, 0, end); // skip the envelope line
        int i = msgStart;
        boolean prevBlank = false;
        while (i < end && !stop) {
            int next = Text.nextLine(b, i, end);
            int e = Text.lineEnd(b, i, next);
            if (prevBlank && Text.startsWith(b, i, e, "From ")) {
                if (usefulHeader(envelope, i, true) >= 0) message(firstHeader(msgStart, i), i, 0, MBOX);
                envelope = i;
                msgStart = next;
            }
            prevBlank = e == i;
            i = next;
        }
        if (!stop && msgStart < end && usefulHeader(envelope, end, true) >= 0) message(firstHeader(msgStart, end), end, 0, MBOX);
    }

    /** The headers of one entity: only the ones that steer parsing are kept. */
    private static final class Headers {
        String contentType, encoding, disposition;
        final List<String> extraEncodings = new ArrayList<>(2);
        int bodyStart;
        boolean any;
        /** (mail14) an mbox message's (parseEmailHeaders): its body's first line is never taken for an encoding line */
        boolean mbox;
        /**
         * (engine14) the entity's lines came through parseEmailFile (a single message, a message/rfc822 part saved as
         * a file), which drops a line of only blanks and ';' after another such line and, in the body of a message
         * that is not text, a blank line after a blank line; an mbox message's body is moved over as it stands
         */
        boolean fileLines;
        /** (engine14) whether the last line of only blanks and ';' seen by the header loop was the last line it saw */
        boolean lastOnlySemi;
        /** (engine14) the most arguments one Content-Type header had (they accumulate over several: contentType) */
        int contentTypeArguments;
    }

    private void message(int from, int to, int depth, int mode) {
        message(from, to, depth, mode, mode == FILE);
    }

    /** {@code fileLines}: see {@link Headers#fileLines} (a message's message/rfc822 body keeps its message's). */
    private void message(int from, int to, int depth, int mode, boolean fileLines) {
        Headers h = headers(from, to, mode);
        if (h == null || stop) return;
        h.fileLines = fileLines;
        entity(h, to, depth, true);
    }

    /**
     * ClamAV parses a message only when, among its header lines, there is a {@code From } line without a colon
     * or a header named Content-Type, Content-Transfer-Encoding, Content-Disposition (any case, comments
     * removed) or From, Received, De (any case, exactly as written); other lines are skipped as junk. At the
     * top of a file (parseEmailFile) blank lines are skipped too until such a line is found, and the headers are
     * read from there; in an mbox message (parseEmailHeaders, from its envelope line) a blank line before it
     * ends the message. Returns where the headers are read from, or -1 when ClamAV gives up on the message.
     */
    private int usefulHeader(int from, int to, boolean mboxMessage) {
        for (int i = from, lines = 0; i < to && lines < MAX_JUNK_LINES; lines++) {
            int next = Text.nextLine(b, i, to);
            int e = Text.lineEnd(b, i, next);
            if (e == i && mboxMessage) return -1;
            int c = e > i ? b.get(i) & 0xff : ' ';
            if (c != ' ' && c != '\t') {
                int colon = Text.indexOf(b, i, e, COLON);
                if (colon < 0) {
                    if (Text.startsWith(b, i, e, "From ")) return i;
                } else if (mayBeUseful(i, colon)) {
                    String cmd = Text.latin1(b, i, colon, MAX_NAME);
                    String name = cmd.indexOf('(') >= 0 ? withoutComments(cmd).strip() : cmd;
                    if (isKept(name.toLowerCase(Locale.ROOT)) || cmd.equalsIgnoreCase("From") || cmd.equalsIgnoreCase("Received")
                            || cmd.equalsIgnoreCase("De")) {
                        return i;
                    }
                }
            }
            i = next;
        }
        return -1;
    }

    /**
     * False when the name before {@code colon} cannot be one {@link #usefulHeader} keeps: it holds no comment
     * (no '(' among the {@link #MAX_NAME} bytes read) and its length is none of the kept names' lengths. Spares
     * a String per header-like line of a long text that ClamAV's mail parser walks through.
     */
    private boolean mayBeUseful(int i, int colon) {
        int n = Math.min(colon - i, MAX_NAME);
        if (n == 2 || n == 4 || n == 8 || n == 12 || n == 19 || n == 25) return true; // De, From, Received, Content-*
        for (int k = i; k < i + n; k++) if (b.get(k) == '(') return true;
        return false;
    }

    /** Bytes of a header name read to decide whether it is useful (longer names are cut: none is kept). */
    private static final int MAX_NAME = 64;
    /**
     * The header name without its comments, as {@code name.replaceAll("\\([^)]*\\)", "")} (a '(' through the next
     * ')'; a '(' with no ')' after it stays). (daemon16) Written out: the regex's matcher and replacement code were
     * the only regular expression on a MULTISCAN's path (text re-typed as mail has many "word (note):" lines), ~50 KB
     * of C1 code compiled in a daemon's first pass.
     */
    static String withoutComments(String name) {
        int open = name.indexOf('(');
        if (open < 0) return name;
        StringBuilder sb = new StringBuilder(name.length());
        int i = 0;
        while (open >= 0) {
            int close = name.indexOf(')', open + 1);
            if (close < 0) break; // no comment from here on
            sb.append(name, i, open);
            i = close + 1;
            open = name.indexOf('(', i);
        }
        return sb.append(name, i, name.length()).toString();
    }
    private static final byte[] COLON = {':'}, SEVEN_BIT = {'7', 'b', 'i', 't'};
    private static final int MAX_JUNK_LINES = 100_000; // lines looked at for a first header: bounds the work on junk

    /**
     * Where the headers of a top-level message start: ClamAV ignores "the junk at the top" (blank lines
     * and lines without a colon) until it meets a header. Without any header line, {@code from} itself.
     */
    private int firstHeader(int from, int to) {
        for (int i = from, lines = 0; i < to && lines < MAX_HEADERS; lines++) {
            int next = Text.nextLine(b, i, to);
            int e = Text.lineEnd(b, i, next);
            if (e > i && b.get(i) != ' ' && b.get(i) != '\t' && headerColon(i, e) >= 0) return i;
            i = next;
        }
        return from;
    }

    /**
     * Parses the header block of a message at {@code from} ({@link #FILE} or {@link #MBOX}); null when a limit stops
     * parsing. A multipart part's headers: {@link #partHeaders}.
     */
    private Headers headers(int from, int to, int mode) {
        boolean joining = mode == FILE || mode == MBOX;
        Headers h = new Headers();
        StringBuilder cur = null;
        String curName = null;
        int count = 0, folds = 0;
        long bytes = 0;
        int i = from;
        // (mail14) the kept header being read, as ClamAV sees it whole: its double quotes, whether it ends in ';'
        // (parseEmailFile), whether its last line does, trailing blanks aside (parseEmailHeaders)
        long quotes = 0;
        boolean endsSemi = false, lineEndsSemi = false, resumed = false;
        // (engine14) doContinueMultipleEmptyOptions: a line of only blanks and ';' after another one (blank lines
        // between do not count) is dropped; parseEmailHeaders still saw it as the next line of the one before
        // (forcedJoin). parseEmailFile: a line of white space once a boundary is known (afterWhite)
        boolean lastOnlySemi = false, forcedJoin = false, afterWhite = false;
        int firstJunk = -1;
        h.bodyStart = to;
        h.mbox = mode == MBOX;
        while (i < to) {
            int next = nextLine(i, to);
            int e = Text.lineEnd(b, i, next);
            if (mode == FILE && e - i >= GETLINE_MAX) {
                // (compat17) parseEmailFile reads with getline_from_mbox, 999 bytes at a time: a longer line is several
                // lines, the pieces after the first taken as any other line (most are no header and skipped, so they
                // count no header bytes); one of exactly 999 bytes leaves its LF for an empty line. fuzz17: a 939 KB
                // Content-Type of 50,000 boundary= parameters was EmailHeaderBytes, clamscan scans the body
                e = next = i + GETLINE_MAX;
            }
            if (e > i) {
                boolean only = onlySemi(i, e);
                if (only && lastOnlySemi) {
                    // parseEmailHeaders: the line before took this one for folded (it starts with a blank), so the
                    // next line is joined to the header whatever it is
                    if (mode == MBOX && cur != null && isBlank(b.get(i) & 0xff)) forcedJoin = true;
                    i = next;
                    continue;
                }
                lastOnlySemi = only;
                if (afterWhite) {
                    afterWhite = false;
                    String boundary = HeaderValue.parse(h.contentType, MAX_ARGUMENTS).param("boundary");
                    if (boundary != null && delimiter(i, e, ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1)) >= 0) {
                        // "Found a header line with space that should be blank": the headers end, the boundary
                        // line starts the body
                        store(h, curName, cur);
                        h.bodyStart = i;
                        return h;
                    }
                }
                if (forcedJoin) {
                    forcedJoin = false;
                    if (cur.length() < MAX_KEPT_HEADER) cur.append(Text.latin1(b, i, e, MAX_KEPT_HEADER));
                    bytes += next - i;
                    quotes += countQuotes(i, e);
                    endsSemi = b.get(e - 1) == ';';
                    lineEndsSemi = endsInSemicolon(i, e);
                    i = next;
                    continue;
                }
            } else if (forcedJoin) {
                // parseEmailHeaders: a header still being joined at the blank line is never parsed
                cur = null;
                curName = null;
                forcedJoin = false;
            }
            if (e == i) {
                if (joining && cur != null && mode == FILE && endsSemi) {
                    // parseEmailFile: a kept header ending in ';' takes the next line whatever it is; a blank one is
                    // passed over (it does not end the headers) and the header goes on with the line after it
                    resumed = true;
                    i = next;
                    continue;
                }
                if (joining && cur != null && (quotes & 1) != 0) {
                    if (mode != FILE) {
                        // parseEmailHeaders: a header still in an open quote at the blank line is never parsed
                        cur = null;
                        curName = null;
                    } else {
                        // parseEmailFile: at a blank line an open quote no longer continues: the header is parsed
                        // and the blank line is passed over: header lines go on, lines without a colon skipped
                        store(h, curName, cur);
                        cur = null;
                        curName = null;
                        resumed = true;
                        i = next;
                        continue;
                    }
                }
                h.bodyStart = next;
                break;
            }
            int c = b.get(i);
            // ClamAV counts the bytes of the header lines it keeps (parseEmailFile: totalHeaderBytes grows by each
            // line appended to a Content-Type, -Transfer-Encoding or -Disposition header), not of the lines of other
            // headers, their continuations or lines without a header, which it skips (fuzz17: 300 KB of Subject or of
            // X- headers hid the body from Bulwark, clamscan 1.4.6 scans it and alerts nothing; 350 KB of a folded
            // Content-Type is EmailHeaderBytes in both)
            int colon = c == ' ' || c == '\t' ? -1 : headerColon(i, e);
            if (c == ' ' || c == '\t') {
                if (++folds >= MAX_LINE_FOLDS) return limit("Heuristics.Limits.Exceeded.EmailLineFoldCnt");
                if (mode == FILE && blankOnly(i, e)) {
                    // parseEmailFile: a line of white space only ends the header being read; once a boundary is
                    // known, a boundary line after it ends the headers
                    store(h, curName, cur);
                    cur = null;
                    curName = null;
                    afterWhite = HeaderValue.parse(h.contentType, MAX_ARGUMENTS).param("boundary") != null;
                    i = next;
                    continue;
                }
                if (cur != null && (bytes += e - i) > MAX_HEADER_BYTES) return limit("Heuristics.Limits.Exceeded.EmailHeaderBytes");
                if (cur != null && cur.length() < MAX_KEPT_HEADER) cur.append(' ').append(Text.latin1(b, i, e, MAX_KEPT_HEADER).trim());
                if (joining && cur != null) {
                    quotes += countQuotes(i, e);
                    endsSemi = b.get(e - 1) == ';';
                    lineEndsSemi = endsInSemicolon(i, e);
                }
                i = next;
                continue;
            }
            folds = 0;
            if (joining && cur != null && ((quotes & 1) != 0 || (mode == FILE ? endsSemi
                    : lineEndsSemi && Text.indexOf(b, i, e, EQUALS) >= 0))) {
                // (mail14) ClamAV joins the next line to a kept header (Content-Type, -Transfer-Encoding,
                // -Disposition) that is still in an open double quote, or (a single message) ends in ';', or (an
                // mbox message) whose line ends in ';' when the next line holds '=': without a separator, so a
                // Content-Transfer-Encoding line there is part of the header before it, not a header
                if ((bytes += e - i) > MAX_HEADER_BYTES) return limit("Heuristics.Limits.Exceeded.EmailHeaderBytes");
                if (cur.length() < MAX_KEPT_HEADER) cur.append(Text.latin1(b, i, e, MAX_KEPT_HEADER));
                quotes += countQuotes(i, e);
                endsSemi = b.get(e - 1) == ';';
                lineEndsSemi = endsInSemicolon(i, e);
                i = next;
                continue;
            }
            if (colon < 0 && resumed) {
                // parseEmailFile after a blank line it passed over: still the headers, a line without one skipped
                store(h, curName, cur);
                curName = null;
                cur = null;
                i = next;
                continue;
            }
            if (colon < 0) {
                // (engine14) parseEmailFile and parseEmailHeaders skip a line that is no header ("From " lines,
                // junk, a ';' alone): the headers go on to the blank line
                if (firstJunk < 0) firstJunk = i;
                store(h, curName, cur);
                curName = null;
                cur = null;
                i = next;
                continue;
            }
            store(h, curName, cur);
            h.any = true;
            curName = Text.latin1(b, i, colon, 64).trim().toLowerCase(Locale.ROOT);
            // ClamAV counts only the headers it keeps (clamscan: 1,100 X- headers are no "EmailHeaders")
            if (isKept(curName) && ++count > MAX_HEADERS) return limit("Heuristics.Limits.Exceeded.EmailHeaders");
            if (isKept(curName) && (bytes += e - i) > MAX_HEADER_BYTES) return limit("Heuristics.Limits.Exceeded.EmailHeaderBytes");
            cur = isKept(curName) ? new StringBuilder(Text.latin1(b, colon + 1, e, MAX_KEPT_HEADER).trim()) : null;
            if (joining && cur != null) {
                quotes = countQuotes(i, e);
                endsSemi = b.get(e - 1) == ';';
                lineEndsSemi = endsInSemicolon(i, e);
            }
            i = next;
        }
        store(h, curName, cur);
        h.lastOnlySemi = lastOnlySemi;
        // no blank line ends these headers: ClamAV's message has no body; the text from the first line that is no
        // header on is scanned as the body all the same (a deliberate superset, MailDifferentialTest)
        if (i >= to && firstJunk >= 0) h.bodyStart = h.any ? firstJunk : from;
        return h;
    }

    /**
     * How header lines are read: a multipart part's (partHeaders); ClamAV's parseEmailFile (a single message, and a message/rfc822
     * part, which ClamAV saves and scans as a file of its own: saveTextPart); parseEmailHeaders (an mbox message,
     * and a message's message/rfc822 body).
     */
    static final int FILE = 1, MBOX = 2;
    /** getline_from_mbox's longest line (buffer of 1,001 bytes, called with 1,000: 999 characters). */
    static final int GETLINE_MAX = 999;
    private static final byte[] EQUALS = {'='};

    private static final long ONES = 0x0101010101010101L, HIGHS = 0x8080808080808080L, NEWLINES = 0x0A0A0A0A0A0A0A0AL;

    /**
     * {@link Text#nextLine} eight bytes at a time: a message's header walk now reads every line up to the blank one,
     * which in text typed as mail (headers that never end) is the whole layer.
     */
    private int nextLine(int i, int end) {
        while (i + 8 <= end) {
            long w = b.getLong(i) ^ NEWLINES;
            if (((w - ONES) & ~w & HIGHS) != 0) break; // a '\n' among these eight bytes
            i += 8;
        }
        return Text.nextLine(b, i, end);
    }

    /** ClamAV's count_quotes over one line: its '"' bytes. */
    private long countQuotes(int i, int e) {
        long n = 0;
        for (int k = i; k < e; k++) if (b.get(k) == '"') n++;
        return n;
    }

    /** next_is_folded_header's test of a line: its last byte that is not a blank or line break is ';' (not the first). */
    private boolean endsInSemicolon(int i, int e) {
        for (int k = e - 1; k > i; k--) {
            int c = b.get(k);
            if (c == ';') return true;
            if (c != ' ' && c != '\t' && c != '\r' && c != '\n') return false;
        }
        return false;
    }

    /** doContinueMultipleEmptyOptions' test: the line is only blanks and ';'. */
    private boolean onlySemi(int i, int e) {
        for (int k = i; k < e; k++) {
            byte c = b.get(k);
            if (c != ' ' && c != '\t' && c != ';') return false;
        }
        return true;
    }

    private boolean blankOnly(int i, int e) {
        for (int k = i; k < e; k++) if (!Character.isWhitespace((char) (b.get(k) & 0xff))) return false;
        return true;
    }

    /** The end of the line as a C string sees it: at its first NUL. */
    private int cString(int i, int e) {
        for (int k = i; k < e; k++) if (b.get(k) == 0) return k;
        return e;
    }

    /** The separators {@link #partSeparator} tries, in its order. */
    private static final byte[] PART_SEPARATORS = {':', '=', ' '};


    /** Index of the ':' ending a header name at the start of the line, or -1 if the line is no header. */
    private int headerColon(int i, int e) {
        for (int k = i; k < e; k++) {
            int c = b.get(k) & 0xff;
            if (c == ':') return k > i ? k : -1;
            if (c <= ' ' || c >= 127) return -1;
        }
        return -1;
    }

    private static boolean isKept(String name) {
        return name.equals("content-type") || name.equals("content-transfer-encoding")
                || name.equals("content-disposition");
    }

    /**
     * (mend13) ClamAV's rfc822comments, which parseMimeHeader applies to a header's value: comments in
     * parentheses (nested) go, except inside double quotes; a backslash keeps the next character (outside a
     * comment) and goes itself. A value without '(' is returned as it is.
     */
    static String rfc822comments(String in) {
        if (in.indexOf('(') < 0) return in;
        StringBuilder out = new StringBuilder(in.length());
        boolean backslash = false, inquote = false;
        int level = 0;
        for (int i = 0; i < in.length(); i++) {
            char c = in.charAt(i);
            if (backslash) {
                if (level == 0) out.append(c);
                backslash = false;
            } else if (c == '\\') {
                backslash = true;
            } else if (c == '"') {
                out.append(c);
                inquote = !inquote;
            } else if (c == '(') {
                if (inquote) out.append(c); else level++;
            } else if (c == ')') {
                if (inquote) out.append(c); else if (level > 0) level--;
            } else if (level == 0) {
                out.append(c);
            }
        }
        if (backslash) out.append('\\'); // a last lone backslash stays
        return out.toString();
    }

    private static void store(Headers h, String name, StringBuilder v) {
        if (v == null || name == null) return;
        switch (name) {
            case "content-type" -> {
                // ClamAV counts a header's arguments per header (parseMimeHeader)
                h.contentTypeArguments = Math.max(h.contentTypeArguments, HeaderValue.parse(v.toString(), MAX_ARGUMENTS).argumentCount);
                h.contentType = contentType(h.contentType, v.toString());
            }
            case "content-transfer-encoding" -> {
                // ClamAV keeps every distinct encoding and decodes the body once with each, into one output
                String e = rfc822comments(v.toString()).trim().toLowerCase(Locale.ROOT);
                if (h.encoding == null) h.encoding = e;
                else if (h.extraEncodings.size() < MAX_ENCODINGS && !e.equals(h.encoding) && !h.extraEncodings.contains(e)) h.extraEncodings.add(e);
            }
            case "content-disposition" -> { if (h.disposition == null) h.disposition = v.toString(); }
            default -> { }
        }
    }

    /**
     * (engine14) A further Content-Type header as ClamAV's parseMimeHeader takes it: a known major type (text,
     * multipart, application, audio, image, message, video: messageSetMimeType) replaces the type and subtype, an
     * unknown one leaves them; the arguments accumulate, the first of a name counting (messageFindArgument).
     * clamscan 1.4.6: a multipart message whose boundary line sits among its headers (no blank line before it) is
     * the application/octet-stream of the part's Content-Type read there, its base64 body decoded.
     */
    private static String contentType(String old, String add) {
        if (old == null) return add;
        int k = 0;
        while (k < add.length() && !Character.isLetter(add.charAt(k))) k++;
        int end = k;
        while (end < add.length() && Character.isLetterOrDigit(add.charAt(end)) || end < add.length() && add.charAt(end) == '-') end++;
        String major = add.substring(k, end).toLowerCase(Locale.ROOT);
        int addSemi = HeaderValue.indexOutsideQuotes(add, 0), oldSemi = HeaderValue.indexOutsideQuotes(old, 0);
        String oldArgs = oldSemi < 0 ? "" : old.substring(oldSemi), addArgs = addSemi < 0 ? "" : add.substring(addSemi);
        if (old.length() + addArgs.length() > MAX_KEPT_HEADER) addArgs = ""; // bounded: the first arguments count
        // (daemon16) String.concat, not '+': each '+' site is an invokedynamic the JVM links on its first run (~3 ms
        // in a daemon's first MULTISCAN, measured with async-profiler)
        if (!MimeGuess.isKnownMajor(major)) return old.concat(addArgs);
        return (addSemi < 0 ? add : add.substring(0, addSemi)).concat(oldArgs).concat(addArgs);
    }

    private Headers limit(String heuristic) {
        ctx.note("mail: " + heuristic.substring(heuristic.lastIndexOf('.') + 1) + " limit reached");
        if (ctx.options().alert(ScanOptions.Alert.EXCEEDS_MAX) && !ctx.heuristic(heuristic)) stop = true;
        return null;
    }

    /** {@code asMessage}: the headers are a message's (the top level or a message/rfc822 body), not a part's. */
    private void entity(Headers h, int to, int depth, boolean asMessage) {
        HeaderValue ct = HeaderValue.parse(h.contentType, MAX_ARGUMENTS);
        HeaderValue cd = HeaderValue.parse(h.disposition, MAX_ARGUMENTS);
        if (h.contentTypeArguments >= MAX_ARGUMENTS || cd.argumentCount >= MAX_ARGUMENTS) {
            limit("Heuristics.Limits.Exceeded.EmailMIMEArguments");
            if (stop) return;
        }
        String type = MimeGuess.canonical(ct.value); // an unknown major type as ClamAV guesses it
        if (asMessage && depth == 0) collapseBlank = h.mbox || !type.startsWith("text/");
        String enc = h.encoding == null ? "" : h.encoding.trim().toLowerCase(Locale.ROOT);
        String name = cd.param("filename");
        if (name == null) name = ct.param("name");
        if (name == null) name = "";
        int from = h.bodyStart;
        if (type.startsWith("multipart/") && ct.param("boundary") != null && depth < MAX_NESTING) {
            if (multipart(from, to, ct.param("boundary"), depth, isIdentity(enc), encodingSearch(h, from, to), h.fileLines)) return;
        } else if ((type.equals("message/rfc822") || type.equals("message/global"))
                && depth < MAX_NESTING && (isIdentity(enc) || asMessage)) {
            // (mail14) a message's message/rfc822 body is parsed as a message whatever its transfer encoding: ClamAV
            // does not decode it ("MIME type 'message' cannot be decoded") and reads the raw body with
            // parseEmailHeaders (clamscan 1.4.6: a base64 EICAR under message/rfc822 + base64 is OK)
            // (mail14) a message's message/rfc822 body goes through parseEmailHeaders; a part's is saved as a file
            // and scanned as a single message (parseEmailFile)
            message(from, to, depth + 1, asMessage ? MBOX : FILE, !asMessage || h.fileLines);
            return;
        }
        // ClamAV's parseEmailBody ends with the bounce check for a message (and for a multipart part, which it
        // parses as one) whose type left the body unparsed: no Content-Type, one without '/' (taken for
        // text/plain), text/*, image/audio/video, or multipart without a boundary parameter or boundary lines
        // (NOMIME). Not for application/* (saved as an attachment), message/* or an unknown type (application).
        if ((asMessage || type.startsWith("multipart/")) && bounceType(h.contentType, type) && bounce(encodingSearch(h, from, to), to)) return;
        // (mail14) ClamAV's parseMimeHeader gives a Content-Disposition without a filename "filename=unknown"; a
        // body saved as text (a message's as the bounce check's types, a part's text/*, multipart/*, message/*)
        // is decoded the same way without a name (clamscan 1.4.6, MailUuencodeBase64Test)
        uuFileName = h.disposition != null || !name.isEmpty() || (asMessage ? bounceType(h.contentType, type)
                : type.startsWith("text/") || type.startsWith("multipart/") || type.startsWith("message/"));
        leafFileLines = h.fileLines;
        leaf(type, enc, h.extraEncodings, name, from, to, asMessage);
        // ClamAV's messageExport assumes base64 too for a body without an encoding (or 7bit) whose Content-Type
        // names a file (name=) while no Content-Disposition filename= does ("some virus attachments don't say
        // how they've been encoded"); it exports that decoding as a file of its own. A top-level image, audio,
        // video or message/* body is not exported.
        if (!stop && cd.param("filename") == null && ct.param("name") != null && (enc.isEmpty() || enc.equals("7bit"))
                && h.extraEncodings.isEmpty()
                && !(asMessage && (type.startsWith("image/") || type.startsWith("audio/") || type.startsWith("video/")
                        || type.startsWith("message/")))) {
            ByteSink out = new ByteSink(ctx.budget());
            TransferDecoders.base64Mail(b, from, to, out, crLines);
            emit(name, out.view());
        }
    }

    private static final int MAX_ENCODINGS = 8; // distinct Content-Transfer-Encoding values decoded per part

    /**
     * ClamAV's handling of a message (see entity: no Content-Type, text, media or unparsed multipart) whose body holds a
     * "Content-Transfer-Encoding" line (any case, not 7bit): the body is taken for a bounced message without
     * headers — the text from that line on is scanned as a mail under a "Received: by clamd (bounce)" line, and
     * the text itself is not. (ClamAV's other branch, a bounce starting at a "Received: " line, needs a context
     * its parser has not set at that point; clamscan behaves as if it never fires.) Returns false when the body
     * is scanned as text.
     */
    private boolean bounce(int from, int to) {
        for (int i = from, lines = 0; i < to && lines < MAX_JUNK_LINES; lines++) {
            int next = Text.nextLine(b, i, to);
            int e = Text.lineEnd(b, i, next);
            if (Text.startsWithIgnoreCase(b, i, e, "Content-Transfer-Encoding") && Text.indexOf(b, i, e, SEVEN_BIT) < 0) {
                byte[] head = "Received: by clamd (bounce)\n".getBytes(StandardCharsets.ISO_8859_1);
                ByteSink out = new ByteSink(ctx.budget());
                out.put(head, 0, head.length);
                out.put(b, i, to - i);
                emit("bounce", out.view());
                return true;
            }
            i = next;
        }
        return false;
    }

    /**
     * (mail14) Where ClamAV looks for a body's "Content-Transfer-Encoding" line (the bounce, the attachment before
     * the first MIME section): from the body's start, but in an mbox message from its second line. parseEmailHeaders
     * drops the blank lines (and "Message-Id: ", "Date: " lines) opening the body and hands the rest over with
     * messageMoveText, which checks each line after the first only (clamscan 1.4.6: a mail whose body opens with
     * "Content-Transfer-Encoding: base64" is a bounce in a single message, not in an mbox).
     */
    private int encodingSearch(Headers h, int from, int to) {
        if (!h.mbox) return from;
        int i = from;
        boolean semi = h.lastOnlySemi;
        while (i < to) {
            int next = Text.nextLine(b, i, to);
            int e = Text.lineEnd(b, i, next);
            if (e > i) {
                // (engine14) a line of only blanks and ';' after another one is dropped there too
                boolean only = onlySemi(i, e);
                if (!(only && semi) && !Text.startsWith(b, i, e, "Message-Id: ") && !Text.startsWith(b, i, e, "Date: ")) return next;
                if (!only) semi = false; // a dropped line leaves it set
            }
            i = next;
        }
        return to;
    }

    private static boolean bounceType(String contentType, String type) {
        return contentType == null || type.indexOf('/') < 0 || type.startsWith("multipart/") || type.startsWith("text/")
                || type.startsWith("image/") || type.startsWith("audio/") || type.startsWith("video/");
    }

    /** The first line of [from, to) that starts with "Content-Transfer-Encoding" (any case) without "7bit", or -1. */
    private int firstEncodingLine(int from, int to) {
        for (int i = from, lines = 0; i < to && lines < MAX_JUNK_LINES; lines++) {
            int next = Text.nextLine(b, i, to);
            int e = Text.lineEnd(b, i, next);
            if (Text.startsWithIgnoreCase(b, i, e, "Content-Transfer-Encoding") && Text.indexOf(b, i, e, SEVEN_BIT) < 0) return i;
            i = next;
        }
        return -1;
    }

    private static boolean isIdentity(String enc) {
        return enc.isEmpty() || enc.equals("7bit") || enc.equals("8bit") || enc.equals("binary");
    }

    /** Splits a multipart body; false when no delimiter was found (the body is then a leaf). */
    private boolean multipart(int from, int to, String boundary, int depth, boolean unencoded, int searchFrom, boolean fileLines) {
        byte[] delim = ("--" + boundary).getBytes(StandardCharsets.ISO_8859_1);
        int i = from, partStart = -1, parts = 0;
        boolean found = false;
        int encodingLine = unencoded ? firstEncodingLine(searchFrom, to) : -1;
        while (i < to && !stop) {
            int next = Text.nextLine(b, i, to);
            int e = Text.lineEnd(b, i, next);
            if (!found && next == encodingLine && e > i && delimiter(i, e, delim) < 0) {
                // ClamAV: "Found MIME attachment before the first MIME section": the body's first (not 7bit)
                // Content-Transfer-Encoding line, met before any boundary line, starts a part (the line before
                // it, a non-empty one, is passed over)
                found = true;
                parts++;
                partStart = next;
                i = next;
                continue;
            }
            int close = delimiter(i, e, delim);
            if (close >= 0) {
                found = true;
                if (partStart >= 0) part(partStart, beforeLineBreak(partStart, i), depth, fileLines);
                if (++parts >= MAX_PARTS) {
                    limit("Heuristics.Limits.Exceeded.EmailMIMEPartsPerMessage");
                    return true;
                }
                if (close == 1) return true; // closing delimiter: the epilogue is not a part
                partStart = next;
            }
            i = next;
        }
        if (partStart >= 0 && partStart < to && !stop) part(partStart, to, depth, fileLines);
        return found;
    }

    /** -1: not a delimiter line; 0: delimiter; 1: closing delimiter. */
    private int delimiter(int i, int e, byte[] delim) {
        if (e - i < delim.length) return -1;
        for (int k = 0; k < delim.length; k++) if (b.get(i + k) != delim[k]) return -1;
        int k = i + delim.length;
        int kind = 0;
        if (k + 2 <= e && b.get(k) == '-' && b.get(k + 1) == '-') {
            kind = 1;
            k += 2;
        }
        for (; k < e; k++) if (b.get(k) != ' ' && b.get(k) != '\t') return -1;
        return kind;
    }

    private int beforeLineBreak(int start, int i) {
        int e = i;
        if (e > start && b.get(e - 1) == '\n') e--;
        if (e > start && b.get(e - 1) == '\r') e--;
        return e;
    }

    private void part(int from, int to, int depth, boolean fileLines) {
        Headers h = partHeaders(from, to, fileLines);
        if (h == null || stop) return;
        h.fileLines = fileLines;
        entity(h, to, depth + 1, false);
    }

    /** RFC2821LENGTH: ClamAV's multipart loop skips a part header line longer than this, without folding. */
    private static final int MAX_PART_HEADER_LINE = 1000;

    /**
     * (engine14) A multipart part's header lines read as ClamAV's multipart loop (parseEmailBody) reads them, over
     * the lines its message holds: a line of white space only is kept as one space (messageAddStr), and when the
     * lines came through parseEmailFile ({@code fileLines}) a line of only blanks and ';' after another one (blank
     * lines between do not count) is gone, and so is a blank line after a blank line. Leading blank lines are
     * skipped. A first line starting with white space is a continuation and the headers go on. Each header line
     * takes the lines folded to it (next_is_folded_header: the next line starts with a blank, or holds '=' while
     * this one ends in ';'); a folded line one byte long (a line of white space) ends the headers after it. A blank
     * line ends them unless the next line starts with "Content" or "filename=", or holds "base64" while the part
     * is application/* without an encoding (the encoding is then base64): "Ignoring fake end of headers". A line
     * longer than 1000 bytes is skipped. Lines are C strings (a NUL ends one).
     */
    private Headers partHeaders(int from, int to, boolean fileLines) {
        Headers h = new Headers();
        h.bodyStart = to;
        PartLines pl = new PartLines(to, fileLines);
        int count = 0, folds = 0;
        long bytes = 0;
        boolean application = false;
        int i = pl.first(from);
        while (i < to && pl.empty(i)) i = pl.consume(i); // "Ignore blank lines"
        while (i < to) {
            int next = pl.nextOf(i), e = pl.endOf(i);
            bytes += next - i;
            if (bytes > MAX_HEADER_BYTES) return limit("Heuristics.Limits.Exceeded.EmailHeaderBytes");
            if (e == i) {
                int j = pl.consume(i);
                if (j < to && !pl.empty(j)) {
                    int je = pl.endOf(j);
                    String enc = h.encoding;
                    if ((enc == null || enc.equals("7bit")) && (application || h.contentType != null
                            && MimeGuess.canonical(HeaderValue.parse(h.contentType, MAX_ARGUMENTS).value).startsWith("application"))
                            && Text.indexOf(b, j, je, BASE64) >= 0) {
                        store(h, "content-transfer-encoding", new StringBuilder("base64"));
                        i = j;
                        continue;
                    }
                    if (Text.startsWith(b, j, je, "Content") || Text.startsWith(b, j, je, "filename=")) {
                        i = j;
                        continue;
                    }
                }
                h.bodyStart = next;
                break;
            }
            int c = b.get(i) & 0xff;
            if (c == ' ' || c == '\t') {
                if (++folds >= MAX_LINE_FOLDS) return limit("Heuristics.Limits.Exceeded.EmailLineFoldCnt");
            } else {
                folds = 0;
            }
            if (isSpace(c)) {
                // "Part starts with a continuation line": an argument of no header; the part is application/*
                // unless a Content-Type says otherwise
                application = true;
                i = pl.consume(i);
                continue;
            }
            if (e - i > MAX_PART_HEADER_LINE) {
                i = pl.consume(i);
                continue;
            }
            StringBuilder full = new StringBuilder(Text.latin1(b, i, e, MAX_KEPT_HEADER));
            int cur = i, ce = e;
            boolean end = false;
            int j = pl.consume(cur);
            while (j < to && !pl.empty(j)) {
                int jn = pl.nextOf(j), je = pl.endOf(j);
                if (!(isBlank(b.get(j) & 0xff) || Text.indexOf(b, j, je, EQUALS) >= 0 && endsInSemicolon(cur, ce))) break;
                bytes += jn - j;
                if (bytes > MAX_HEADER_BYTES) return limit("Heuristics.Limits.Exceeded.EmailHeaderBytes");
                if (isBlank(b.get(j) & 0xff) && ++folds >= MAX_LINE_FOLDS) return limit("Heuristics.Limits.Exceeded.EmailLineFoldCnt");
                cur = j;
                ce = je;
                j = pl.consume(cur);
                if (je - cur == 1 || pl.whiteOnly(cur, je)) {
                    // "headers not terminated by blank line": a folded line of one byte (white space is kept as one)
                    end = true;
                    break;
                }
                if (full.length() < MAX_KEPT_HEADER) full.append(Text.latin1(b, cur, je, MAX_KEPT_HEADER));
            }
            String line = full.toString();
            int sep = partSeparator(line);
            if (sep > 0) {
                String name = line.substring(0, sep).trim().toLowerCase(Locale.ROOT);
                if (isKept(name)) {
                    if (++count > MAX_HEADERS) return limit("Heuristics.Limits.Exceeded.EmailHeaders");
                    store(h, name, new StringBuilder(line.substring(sep + 1).trim()));
                }
                h.any = true;
            }
            i = j;
            if (end) {
                h.bodyStart = j;
                break;
            }
        }
        return h;
    }

    private static final byte[] BASE64 = "base64".getBytes(StandardCharsets.US_ASCII);

    /** C isspace (the "C" locale): space, \t, \n, \v, \f, \r. */
    private static boolean isSpace(int c) {
        return c == ' ' || (c >= '\t' && c <= '\r');
    }

    private static boolean isBlank(int c) {
        return c == ' ' || c == '\t';
    }

    /**
     * A part's header line (with the lines folded to it) split as ClamAV's parseEmailHeader splits it: at the first
     * ':' when the line holds one, else at the first '=', else at the first space ("Content-Transfer-Encoding=base64"
     * and "Content-Transfer-Encoding base64" are headers of a part). -1 when there is none or the name is empty.
     */
    private static int partSeparator(String line) {
        for (byte sep : PART_SEPARATORS) {
            int k = line.indexOf((char) sep);
            if (k >= 0) return k > 0 ? k : -1;
        }
        return -1;
    }

    /**
     * The lines of a part as ClamAV's message holds them (see {@link #partHeaders}): which lines are gone when
     * they came through parseEmailFile, walked in order with its two states.
     */
    private final class PartLines {
        private final int to;
        private final boolean fileLines;
        private boolean lastOnlySemi, lastBlank;

        PartLines(int to, boolean fileLines) {
            this.to = to;
            this.fileLines = fileLines;
        }

        /** The last line measured: its start, the next line's start, its end as a C string. */
        private int at = -1, atNext, atEnd;

        private void measure(int i) {
            if (i == at) return;
            at = i;
            atNext = Text.nextLine(b, i, to);
            atEnd = cString(i, Text.lineEnd(b, i, atNext));
        }

        int nextOf(int i) {
            measure(i);
            return atNext;
        }

        int endOf(int i) {
            measure(i);
            return atEnd;
        }

        /** The first line kept at or after {@code i}. */
        int first(int i) {
            while (fileLines && i < to) {
                int next = nextOf(i), e = endOf(i);
                if (e == i ? !lastBlank : !(lastOnlySemi && onlySemi(i, e))) return i;
                i = next;
            }
            return i;
        }

        /** Takes the kept line at {@code i}; returns the next kept line. */
        int consume(int i) {
            int next = nextOf(i), e = endOf(i);
            if (e == i) {
                lastBlank = true;
            } else {
                lastBlank = false;
                lastOnlySemi = onlySemi(i, e);
            }
            return first(next);
        }

        boolean empty(int i) {
            byte c = b.get(i);
            if (c == '\n' || c == 0) return true;
            return c == '\r' && endOf(i) == i;
        }

        /** messageAddStr keeps a line of white space only (C isspace, no byte from 0x80 up) as one space. */
        boolean whiteOnly(int i, int e) {
            for (int k = i; k < e; k++) if (!isSpace(b.get(k) & 0xff)) return false;
            return true;
        }
    }

    private void leaf(String type, String enc, List<String> more, String name, int from, int to, boolean asMessage) {
        if (from >= to) return;
        ByteSink out = new ByteSink(ctx.budget());
        String childName = decode(enc, name, from, to, out);
        for (String e : more) decode(e, name, from, to, out);
        if (out.overflowed()) ctx.note("mail: body part exceeds the size budget; truncated");
        boolean text = type.isEmpty() || type.startsWith("text/");
        if (!emit(childName, out.view())) return;
        if (text) {
            if (type.equals("text/html") && ctx.options().phishingUrls()) links(out);
            embedded(out.view());
        } else if (!enc.contains("base64") && !enc.contains("uuencode") && !enc.equals("x-uue")
                && !(asMessage && type.startsWith("message/"))) {
            // ClamAV notes a uuencode "begin" (and BinHex, yEnc) line in any body it exports without a base64 or
            // uuencode transfer encoding, whatever its type (application/*, audio, an unknown type, a message/*
            // part): a uuencoded file in an application/octet-stream part with no or a 7bit encoding is decoded.
            // A message/* entity that is a message (not a part) is not exported.
            embedded(out.view());
        }
        if (!stop && !isIdentity(enc) && !enc.equals("x-uuencode") && !enc.equals("x-uue")
                && !(asMessage && type.startsWith("message/"))) {
            // (mend13) ClamAV's "fast track": a body with a uuencode "begin" line has its uuencoded file decoded
            // whatever its transfer encoding (base64, quoted-printable, a guessed or unknown one: clamscan 1.4.6
            // finds EICAR uuencoded under all 18 tried); identity bodies are covered by embedded() above. Before,
            // only an encoding naming uuencode did this, and ClamAV never guesses "uuencode" for a token. A
            // message/* entity that is a message (not a part) is not exported (MailUuencodeAnyTypeTest).
            int begin = uuBegin(b, from, to);
            if (begin >= 0) {
                ByteSink s = new ByteSink(ctx.budget());
                UuDecoder.decode(b, begin, to, s);
                emit(UuDecoder.fileName(b, begin, to), s.view());
            }
        }
    }

    private static final byte[] BEGIN = "begin ".getBytes(StandardCharsets.US_ASCII);

    /**
     * {@link UuDecoder#findBegin} for a body that is mostly not uuencoded (every base64 attachment is searched):
     * candidates are found by their space (rare in base64) eight bytes at a time instead of line by line. The
     * first line starting a uuencoded file, or -1.
     */
    static int uuBegin(ByteBuffer b, int from, int to) {
        for (int k = from; (k = ByteScan.find(b, k, to - BEGIN.length, BEGIN, BEGIN.length - 1)) >= 0; k++) {
            if (k == from || b.get(k - 1) == '\n') {
                if (UuDecoder.isBegin(b, k, Text.lineEnd(b, k, Text.nextLine(b, k, to)))) return k;
            }
        }
        return -1;
    }

    /** Appends the body decoded with one transfer encoding; returns the child's name (a uuencoded file's own). */
    /**
     * (mail14) Whether the entity being decoded has a file name as ClamAV's messageGetFilename sees it (a
     * Content-Disposition header, a filename= or name= parameter): messageExport then decodes an x-uuencode body
     * without a "begin" line (exported as text) as base64 too ("Some virus attachments don't say how they've been
     * encoded"). clamscan 1.4.6 finds a base64 EICAR under x-uuencode / x-uue with a name or a disposition, and
     * without one in a body ClamAV saves as text (see entity: read off clamscan's verdicts, not traced in its code).
     */
    private boolean uuFileName;

    private String decode(String enc, String name, int from, int to, ByteSink out) {
        String childName = name;
        if (enc.equals("base64")) {
            TransferDecoders.base64Mail(b, from, to, out, crLines);
        } else if (enc.equals("quoted-printable")) {
            TransferDecoders.quotedPrintableMail(b, from, to, out, crLines, collapseBlank, leafFileLines);
        } else if (enc.equals("x-uuencode") || enc.equals("x-uue")) {
            int begin = UuDecoder.findBegin(b, from, to);
            if (begin >= 0) {
                UuDecoder.decode(b, begin, to, out);
                if (childName.isEmpty()) childName = UuDecoder.fileName(b, begin, to);
            } else {
                out.put(b, from, to - from);
                if (uuFileName) TransferDecoders.base64Mail(b, from, to, out, crLines);
            }
        } else if (!isIdentity(enc) && !enc.equals("quoted-printable")) {
            // an encoding ClamAV does not know: each token guessed as messageSetEncoding guesses it (the most
            // similar known one, or base64 and quoted-printable both when none is 50% similar)
            boolean raw = false;
            int tokens = 0;
            for (String tok : enc.split("[ \t]+")) {
                if (tok.isEmpty() || ++tokens > MAX_ENCODINGS) continue;
                String g = MimeGuess.encoding(tok);
                if (g == null) {
                    TransferDecoders.base64Mail(b, from, to, out, crLines);
                    TransferDecoders.quotedPrintableMail(b, from, to, out, crLines, collapseBlank, leafFileLines);
                } else if (g.equals("base64")) {
                    TransferDecoders.base64Mail(b, from, to, out, crLines);
                } else if (g.equals("quoted-printable")) {
                    TransferDecoders.quotedPrintableMail(b, from, to, out, crLines, collapseBlank, leafFileLines);
                } else {
                    raw = true;
                }
            }
            if (raw || tokens == 0) out.put(b, from, to - from);
        } else {
            // (compat15) as exportText writes it: the kept lines, each ended by '\n'
            TransferDecoders.identityMail(b, from, to, out, crLines, collapseBlank, leafFileLines);
        }
        return childName;
    }

    private boolean emit(String name, ByteBuffer data) {
        if (stop || data.limit() == 0) return !stop;
        if (!ctx.child(ChildInfo.named(name, ++position), data)) stop = true;
        return !stop;
    }

    private void links(ByteSink html) {
        HtmlLinks.extract(html.view(), (href, text, anchorText) -> {
            String shown = text;
            // ClamAV never runs the SSL-mismatch check for links that are not anchor text (titles,
            // images, forms), even with --alert-phishing-ssl; ExtractContext.link has no such switch,
            // so these links are reported without the "https:" that would trigger it
            if (!anchorText && shown.strip().startsWith("https:") && !href.strip().startsWith("https:")) {
                shown = shown.strip();
                shown = "http:" + shown.substring("https:".length());
            }
            if (!stop && !ctx.link(href, shown)) stop = true;
            return !stop;
        });
    }

    /** uuencoded and yEnc blocks inside a text body become children of the mail. */
    private void embedded(ByteBuffer t) {
        int end = t.limit();
        int i = 0, blocks = 0;
        boolean leading = true; // no text line seen yet
        while (i < end && !stop && blocks < MAX_EMBEDDED_BLOCKS) {
            int next = Text.nextLine(t, i, end);
            int e = Text.lineEnd(t, i, next);
            if (e == i) { i = next; continue; }
            if (UuDecoder.isBegin(t, i, e)) {
                ByteSink s = new ByteSink(ctx.budget());
                int after = UuDecoder.decode(t, i, end, s);
                blocks++;
                if (!emit(UuDecoder.fileName(t, i, end), s.view())) return;
                next = Math.max(next, after);
            } else if (leading && Text.startsWith(t, i, e, BINHEX_INTRO)) {
                // a body that opens with BinHex is BinHex (ClamAV ignores it after other text)
                if (!stop && !ctx.child(ChildInfo.named("", ++position).withTypeHint(FileType.BINHEX), t.slice(i, end - i))) stop = true;
                return;
            } else if (Text.startsWith(t, i, e, "=ybegin ")) {
                ByteSink s = new ByteSink(ctx.budget());
                int after = TransferDecoders.yenc(t, i, end, s);
                blocks++;
                if (!emit(yencName(t, i, e), s.view())) return;
                // ClamAV decodes escaped bytes differently; its result is scanned too when it differs
                ByteSink q = new ByteSink(ctx.budget());
                TransferDecoders.yenc(t, i, end, q, true);
                if (!q.view().equals(s.view()) && !emit(yencName(t, i, e), q.view())) return;
                next = Math.max(next, after);
            }
            leading = false;
            i = next;
        }
    }

    private static String yencName(ByteBuffer t, int i, int e) {
        String line = Text.latin1(t, i, e, 1024);
        int k = line.indexOf(" name=");
        return k < 0 ? "" : line.substring(k + 6).trim();
    }
}
