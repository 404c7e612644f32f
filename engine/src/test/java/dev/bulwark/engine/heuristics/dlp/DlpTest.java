package dev.bulwark.engine.heuristics.dlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The rules of libclamav's DLP module, case by case (the differential test against clamscan is in the cli module). */
class DlpTest {
    private static ByteBuffer buf(String s) {
        return ByteBuffer.wrap(s.getBytes(StandardCharsets.ISO_8859_1));
    }

    private static boolean card(String s, boolean creditOnly) {
        return CreditCards.valid(buf(s), 0, s.length(), creditOnly);
    }

    private static boolean ssn(String s, boolean hyphens) {
        return SocialSecurityNumbers.valid(buf(s), 0, s.length(), hyphens);
    }

    @Test
    void cardNumbers() {
        assertTrue(card("4111111111111111", false));
        assertTrue(card("4111 1111 1111 1111", false));
        assertTrue(card("4111-1111-1111-1111 and more", false));
        assertTrue(card("4-1-1-1-1-1-1-1-11111111 x", false), "eight separators");
        assertFalse(card("4-1-1-1-1-1-1-1-1-1111111 x", false), "nine separators");
        assertFalse(card("4111111111111112", false), "Luhn");
        assertFalse(card("41111111111111111", false), "a digit after the 16th");
        assertTrue(card("4111111111111111-1", false), "a separator after the 16th ends the number");
        assertTrue(card("378282246310005", false), "American Express, 15 digits");
        assertFalse(card("7111111111111111", false), "first digit above 6");
        assertFalse(card("411111111111", false), "shorter than 13 bytes");
        // Maestro (500000-509999) and UATP (1xxxxx) are not credit cards
        String maestro = "5000000000000009", uatp = "100000000000009";
        assertTrue(card(maestro, false));
        assertFalse(card(maestro, true));
        assertTrue(card(uatp, false));
        assertFalse(card(uatp, true));
    }

    @Test
    void socialSecurityNumbers() {
        assertTrue(ssn("123-45-6789", true));
        assertTrue(ssn("123456789", false));
        assertFalse(ssn("123-45-67890", true), "a digit after");
        assertFalse(ssn("666-45-6789", true));
        assertFalse(ssn("000-45-6789", true));
        assertTrue(ssn("772-45-6789", true));
        assertFalse(ssn("773-45-6789", true));
        assertFalse(ssn("123-00-6789", true));
        assertFalse(ssn("123-45-0000", true));
        // sscanf quirks: a sign or blanks before a field, and a NUL that ends the copied text early
        assertTrue(ssn("123-+5-6789", true));
        assertFalse(ssn("123--5-6789", true), "a negative group");
        assertTrue(ssn("123- 5-6789", true));
        assertTrue(ssn("1-45-6789 ", true) == false, "the hyphen must be the fourth byte");
        assertTrue(ssn("123-45-6\0xyz", true));
        assertTrue(ssn("123456\0xyz", false));
        assertFalse(ssn("12345\0xyzw", false), "only two fields before the NUL");
    }

    @Test
    void thresholdsAndChunks() {
        String visa = "4111111111111111 ";
        DlpOptions o = DlpOptions.defaults();
        assertEquals(0, StructuredData.scan(buf("x " + visa.repeat(2)), o));
        assertEquals(StructuredData.FOUND_CREDIT_CARDS, StructuredData.scan(buf("x " + visa.repeat(3)), o));
        assertEquals(StructuredData.FOUND_SSN, StructuredData.scan(buf("123-45-6789 234-56-7890 345-67-8901"), o));
        assertEquals(0, StructuredData.scan(buf("123456789 234567890 345678901"), o), "stripped format is off by default");
        assertEquals(StructuredData.FOUND_SSN, StructuredData.scan(buf("123456789 234567890 345678901"), o.withSsnFormats(false, true)));
        // a number across the 8191-byte chunk border is not seen
        String across = "y".repeat(StructuredData.CHUNK - 8) + visa;
        assertEquals(0, StructuredData.scan(buf(across), o.withMinCreditCards(1)));
        assertEquals(StructuredData.FOUND_CREDIT_CARDS, StructuredData.scan(buf("y".repeat(StructuredData.CHUNK - 16) + visa), o.withMinCreditCards(1)));
        // threshold 0: counting stops after the first chunk, and a count of 0 never alerts
        assertEquals(0, StructuredData.scan(buf("y".repeat(StructuredData.CHUNK) + visa), o.withMinCreditCards(0)));
        assertEquals(0, StructuredData.scan(buf("nothing here"), o.withMinCreditCards(0).withMinSsn(0)));
        assertThrows(IllegalArgumentException.class, () -> o.withMinSsn(-1));
    }

    @Test
    void everyTruncationIsHandled() {
        String text = "a 4111 1111 1111 1111, 378282246310005; 123-45-6789 234567890 123-+5-6789\n";
        DlpOptions o = new DlpOptions(1, 1, true, true, false);
        int full = StructuredData.scan(buf(text), o);
        assertEquals(StructuredData.FOUND_CREDIT_CARDS | StructuredData.FOUND_SSN, full);
        for (int n = 0; n <= text.length(); n++) {
            int r = StructuredData.scan(buf(text.substring(0, n)), o);
            assertEquals(0, r & ~full);
            if (n < 13) assertEquals(0, r & StructuredData.FOUND_CREDIT_CARDS, "no card in " + n + " bytes");
        }
    }
}
