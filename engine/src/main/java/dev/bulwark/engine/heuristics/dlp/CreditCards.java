package dev.bulwark.engine.heuristics.dlp;

import java.nio.ByteBuffer;

/**
 * Payment card numbers as libclamav's DLP module finds them: a run starting with a digit 0-6 whose first
 * six digits fall in a known issuer (IIN) range, as many further digits as the range's card length allows,
 * up to eight single spaces or hyphens anywhere in between, no digit right after the number, and a valid
 * Luhn checksum. Reads the buffer in place; allocates nothing.
 */
final class CreditCards {
    /** Separators (' ' or '-') allowed inside one number. */
    private static final int MAX_BREAKS = 8;
    /** The longest card number ClamAV considers, before separators. */
    private static final int MAX_DIGITS = 19;
    /** Numbers shorter than this (in buffer bytes) are never checked. */
    static final int MIN_LENGTH = 13;
    private static final int IIN_DIGITS = 6;

    // issuer ranges in ascending order: first IIN, last IIN, shortest and longest card length, credit card?
    private static final int[] IIN_START = {100000, 222100, 300000, 309500, 340000, 352800, 360000, 370000, 380000,
            400000, 500000, 510000, 601100, 622126, 624000, 628200, 644000};
    private static final int[] IIN_END = {199999, 272099, 305999, 309599, 349999, 358999, 369999, 379999, 399999,
            499999, 509999, 559999, 601199, 622926, 626999, 628899, 659999};
    private static final byte[] CARD_MIN = {13, 16, 14, 14, 15, 16, 14, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16};
    private static final byte[] CARD_MAX = {15, 16, 16, 16, 15, 16, 16, 15, 16, 16, 16, 16, 16, 16, 16, 16, 16};
    // UATP and Maestro are not credit cards (left out with creditCardsOnly)
    private static final boolean[] IS_CREDIT = {false, true, true, true, true, true, true, true, true, true, false,
            true, true, true, true, true, true};

    private CreditCards() {}

    static boolean digit(int c) {
        return c >= '0' && c <= '9';
    }

    /** Index of the issuer range holding {@code iin}, or -1; with {@code creditOnly} debit ranges do not count. */
    private static int issuer(int iin, boolean creditOnly) {
        for (int k = 0; k < IIN_START.length; k++) {
            if (iin < IIN_START[k]) return -1;
            if (iin <= IIN_END[k] && (!creditOnly || IS_CREDIT[k])) return k;
        }
        return -1;
    }

    /** Whether a valid card number starts at {@code p}; {@code len} bytes remain in the chunk from there. */
    static boolean valid(ByteBuffer b, int p, int len, boolean creditOnly) {
        if (len < MIN_LENGTH) return false;
        int c0 = b.get(p);
        if (!digit(c0) || c0 > '6') return false;
        int length = Math.min(len, MAX_DIGITS + MAX_BREAKS);
        int breaks = MAX_BREAKS, digits = 0, iin = 0, i = 0;
        for (; i < length && digits < IIN_DIGITS; i++) {
            int c = b.get(p + i);
            if (!digit(c)) {
                if ((c == ' ' || c == '-') && breaks-- > 0) continue;
                break;
            }
            iin = iin * 10 + (c - '0');
            digits++;
        }
        if (digits != IIN_DIGITS) return false;
        int k = issuer(iin, creditOnly);
        if (k < 0) return false;
        for (; i < length && digits < CARD_MAX[k]; i++) {
            int c = b.get(p + i);
            if (!digit(c)) {
                if ((c == ' ' || c == '-') && breaks-- > 0) continue;
                break;
            }
            digits++;
        }
        if (digits < CARD_MIN[k] || (i < length && digit(b.get(p + i)))) return false;
        // Luhn over the digits of [p, p+i), right to left; everything else in that span is a separator
        int sum = 0;
        boolean twice = false;
        for (int j = p + i - 1; j >= p; j--) {
            int c = b.get(j);
            if (!digit(c)) continue;
            int v = c - '0';
            if (twice && (v *= 2) > 9) v -= 9;
            twice = !twice;
            sum += v;
        }
        return sum % 10 == 0;
    }

    /**
     * Card numbers in the chunk {@code [start, start+len)}: with {@code detectOnly} 1 at the first one found,
     * else the count. A number must start at the chunk start or after a non-digit; after one is found the
     * search resumes 16 bytes after its start, as libclamav's does.
     */
    static int count(ByteBuffer b, int start, int len, boolean creditOnly, boolean detectOnly) {
        if (len < MIN_LENGTH) return 0;
        int count = 0;
        for (int idx = 0; idx < len; idx++) {
            if (!digit(b.get(start + idx)) || (idx > 0 && digit(b.get(start + idx - 1)))) continue;
            if (!valid(b, start + idx, len - idx, creditOnly)) continue;
            if (detectOnly) return 1;
            count++;
            idx += len > 15 ? 15 : len - 1;
        }
        return count;
    }
}
