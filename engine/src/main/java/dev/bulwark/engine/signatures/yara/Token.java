package dev.bulwark.engine.signatures.yara;

/**
 * One lexical token of a YARA source.
 *
 * @param kind what it is
 * @param text identifier / keyword / operator text, or the raw source of a regex or hex string
 * @param bytes decoded bytes of a text string literal (null otherwise)
 * @param intValue value of an integer literal
 * @param floatValue value of a float literal
 * @param pos 0-based character offset in the source
 * @param line 1-based line
 * @param col 1-based column
 */
record Token(Kind kind, String text, byte[] bytes, long intValue, double floatValue, int pos, int line, int col) {

    enum Kind {
        IDENT, KEYWORD, STRING_ID, STRING_COUNT, STRING_OFFSET, STRING_LENGTH,
        INT, FLOAT, TEXT, REGEX, HEX, OP, EOF
    }

    boolean is(Kind k, String t) {
        return kind == k && text.equals(t);
    }

    boolean isKeyword(String t) {
        return kind == Kind.KEYWORD && text.equals(t);
    }

    boolean isOp(String t) {
        return kind == Kind.OP && text.equals(t);
    }

    @Override
    public String toString() {
        return kind == Kind.EOF ? "end of file" : "\"" + text + "\"";
    }
}
