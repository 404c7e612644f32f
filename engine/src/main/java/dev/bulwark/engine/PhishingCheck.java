package dev.bulwark.engine;

/** Checks a mail link against the loaded phishing databases. */
final class PhishingCheck {
    private PhishingCheck() {}

    static String check(Object db, String realUrl, String displayed, ScanOptions o) {
        return null;
    }
}
