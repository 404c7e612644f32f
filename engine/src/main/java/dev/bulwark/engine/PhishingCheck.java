package dev.bulwark.engine;

import dev.bulwark.engine.heuristics.phishing.PhishingDb;

/** Checks a mail link against the loaded phishing databases. */
final class PhishingCheck {
    private PhishingCheck() {}

    static String check(Object db, String realUrl, String displayed, ScanOptions o) {
        return ((PhishingDb) db).check(realUrl, displayed, o.alert(ScanOptions.Alert.PHISHING_SSL), o.alert(ScanOptions.Alert.PHISHING_CLOAK));
    }
}
