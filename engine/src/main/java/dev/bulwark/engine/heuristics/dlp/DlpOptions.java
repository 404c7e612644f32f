package dev.bulwark.engine.heuristics.dlp;

/**
 * Structured data detection (data loss prevention), ClamAV's {@code --detect-structured} family. A text
 * layer is reported as {@code Heuristics.Structured.CreditCardNumber} or {@code Heuristics.Structured.SSN}
 * when it holds at least the given number of valid numbers.
 *
 * @param minCreditCards  lowest number of card numbers that alerts (clamscan --structured-cc-count,
 *                        StructuredMinCreditCardCount); 0 to 2^32-1, as libclamav's unsigned counter
 * @param minSsn          the same for social security numbers (--structured-ssn-count, StructuredMinSSNCount)
 * @param ssnNormal       look for SSNs written {@code xxx-yy-zzzz} (StructuredSSNFormatNormal)
 * @param ssnStripped     look for SSNs written {@code xxxyyzzzz} (StructuredSSNFormatStripped)
 * @param creditCardsOnly only credit card ranges, no debit or private label cards (--structured-cc-mode=1,
 *                        StructuredCCOnly)
 */
public record DlpOptions(long minCreditCards, long minSsn, boolean ssnNormal, boolean ssnStripped, boolean creditCardsOnly) {
    /** libclamav keeps the thresholds in 32-bit unsigned integers. */
    public static final long MAX_COUNT = 0xFFFF_FFFFL;
    /** ClamAV's default thresholds (CLI_DEFAULT_MIN_CC_COUNT, CLI_DEFAULT_MIN_SSN_COUNT). */
    public static final long DEFAULT_MIN_COUNT = 3;

    public DlpOptions {
        if (minCreditCards < 0 || minCreditCards > MAX_COUNT) throw new IllegalArgumentException("minCreditCards out of range: " + minCreditCards);
        if (minSsn < 0 || minSsn > MAX_COUNT) throw new IllegalArgumentException("minSsn out of range: " + minSsn);
    }

    /** ClamAV's defaults once detection is on: three of either, normal SSN format only, all card kinds. */
    public static DlpOptions defaults() {
        return new DlpOptions(DEFAULT_MIN_COUNT, DEFAULT_MIN_COUNT, true, false, false);
    }

    public DlpOptions withMinCreditCards(long v) { return new DlpOptions(v, minSsn, ssnNormal, ssnStripped, creditCardsOnly); }
    public DlpOptions withMinSsn(long v) { return new DlpOptions(minCreditCards, v, ssnNormal, ssnStripped, creditCardsOnly); }
    public DlpOptions withSsnFormats(boolean normal, boolean stripped) { return new DlpOptions(minCreditCards, minSsn, normal, stripped, creditCardsOnly); }
    public DlpOptions withCreditCardsOnly(boolean v) { return new DlpOptions(minCreditCards, minSsn, ssnNormal, ssnStripped, v); }
}
