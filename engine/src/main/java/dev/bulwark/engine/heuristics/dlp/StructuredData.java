package dev.bulwark.engine.heuristics.dlp;

import java.nio.ByteBuffer;

/**
 * ClamAV's structured data check over a plain-text layer: the layer is read in chunks of {@link #CHUNK}
 * bytes, each searched on its own (a number across a chunk border is not seen, as in libclamav), card
 * numbers and SSNs counted until either threshold is reached, then each kind whose count reached its
 * (non-zero) threshold is reported. A threshold of 1 stops counting at one hit per chunk, as libclamav's
 * "has" functions do. Linear in the layer size; allocates nothing.
 */
public final class StructuredData {
    public static final String CREDIT_CARD = "Heuristics.Structured.CreditCardNumber";
    public static final String SSN = "Heuristics.Structured.SSN";
    /** Bit in {@link #scan}'s result: enough card numbers. */
    public static final int FOUND_CREDIT_CARDS = 1;
    /** Bit in {@link #scan}'s result: enough social security numbers. */
    public static final int FOUND_SSN = 2;
    /** libclamav reads the layer with an 8 KiB buffer and keeps one byte for a terminator. */
    static final int CHUNK = 8191;

    private StructuredData() {}

    /** Checks {@code data[0, limit)}; returns a combination of {@link #FOUND_CREDIT_CARDS} and {@link #FOUND_SSN}. */
    public static int scan(ByteBuffer data, DlpOptions o) {
        long cards = 0, ssns = 0;
        boolean ssnOn = o.ssnNormal() || o.ssnStripped();
        boolean cardFirst = o.minCreditCards() == 1, ssnFirst = o.minSsn() == 1;
        int n = data.limit();
        boolean done = false;
        for (int pos = 0; !done && pos < n; ) {
            int len = Math.min(CHUNK, n - pos);
            cards += CreditCards.count(data, pos, len, o.creditCardsOnly(), cardFirst);
            if (cards >= o.minCreditCards()) done = true;
            if (ssnOn) {
                ssns += ssnFirst ? ssnFirst(data, pos, len, o) : ssnCount(data, pos, len, o);
                if (ssns >= o.minSsn()) done = true;
            }
            pos += len;
        }
        int found = 0;
        if (cards != 0 && cards >= o.minCreditCards()) found |= FOUND_CREDIT_CARDS;
        if (ssns != 0 && ssns >= o.minSsn()) found |= FOUND_SSN;
        return found;
    }

    private static int ssnFirst(ByteBuffer d, int pos, int len, DlpOptions o) {
        int hit = 0;
        if (o.ssnNormal()) hit |= SocialSecurityNumbers.count(d, pos, len, true, true);
        if (o.ssnStripped()) hit |= SocialSecurityNumbers.count(d, pos, len, false, true);
        return hit;
    }

    private static int ssnCount(ByteBuffer d, int pos, int len, DlpOptions o) {
        int c = 0;
        if (o.ssnStripped()) c += SocialSecurityNumbers.count(d, pos, len, false, false);
        if (o.ssnNormal()) c += SocialSecurityNumbers.count(d, pos, len, true, false);
        return c;
    }
}
