package dev.bulwark.engine;

import dev.bulwark.engine.heuristics.dlp.DlpOptions;
import java.util.EnumSet;
import java.util.Set;

/**
 * What one scan should do. Immutable; build with {@link #defaults()} and the {@code with…} methods.
 *
 * @param limits          bounds (see {@link Limits})
 * @param allMatch        report every match instead of stopping at the first strong one (clamscan -z)
 * @param heuristicAlerts emit {@code Heuristics.*} detections of the engine's own heuristics
 * @param heuristicPrecedence a weak detection ends the scan like a strong one
 * @param alerts          optional heuristic alerts (exceeded limits, encrypted archives, macros, …)
 * @param disabled        parsers switched off (clamscan --scan-archive=no …)
 * @param phishingUrls    check links in mail against the phishing databases
 * @param childDigests    record the SHA-256 of every extracted layer in the result tree (JSON output, clamscan -a),
 *                        and a ZIP's member names as ClamAV lists them (LayerInfo.listed); off by default
 *                        because it hashes every byte of every child
 * @param structured      structured data detection (credit card numbers, SSNs) in plain-text layers, or
 *                        null when off (the default, as in ClamAV)
 * @param countBlocks     count the 4 KiB blocks libclamav's scanned-bytes counter would count (clamscan's "Data
 *                        scanned", {@link ScanResult#blocks()}), also for the normalised text views that this database
 *                        cannot match and that the scan therefore does not build; off by default (it costs a pass over
 *                        such text)
 */
public record ScanOptions(Limits limits, boolean allMatch, boolean heuristicAlerts, boolean heuristicPrecedence,
                          Set<Alert> alerts, Set<Parser> disabled, boolean phishingUrls, boolean childDigests,
                          DlpOptions structured, boolean countBlocks) {

    public ScanOptions(Limits limits, boolean allMatch, boolean heuristicAlerts, boolean heuristicPrecedence,
                       Set<Alert> alerts, Set<Parser> disabled, boolean phishingUrls, boolean childDigests,
                       DlpOptions structured) {
        this(limits, allMatch, heuristicAlerts, heuristicPrecedence, alerts, disabled, phishingUrls, childDigests, structured, false);
    }

    /** Optional heuristic alerts, off by default as in ClamAV. */
    public enum Alert { EXCEEDS_MAX, ENCRYPTED_ARCHIVE, ENCRYPTED_DOC, MACROS, BROKEN, BROKEN_MEDIA, PHISHING_SSL, PHISHING_CLOAK, PARTITION_INTERSECTION }

    /** Parser families that can be switched off. */
    public enum Parser { ARCHIVE, MAIL, OLE2, PDF, HTML, PE, ELF, SWF, XMLDOCS, HWP3, ONENOTE, IMAGE, NORMALIZE }

    public ScanOptions {
        alerts = alerts.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(alerts));
        disabled = disabled.isEmpty() ? Set.of() : Set.copyOf(EnumSet.copyOf(disabled));
    }

    public static ScanOptions defaults() {
        return new ScanOptions(Limits.DEFAULTS, false, true, false, Set.of(), Set.of(), true, false, null, false);
    }

    public boolean alert(Alert a) { return alerts.contains(a); }
    public boolean enabled(Parser p) { return !disabled.contains(p); }

    public ScanOptions withLimits(Limits l) { return new ScanOptions(l, allMatch, heuristicAlerts, heuristicPrecedence, alerts, disabled, phishingUrls, childDigests, structured, countBlocks); }
    public ScanOptions withAllMatch(boolean v) { return new ScanOptions(limits, v, heuristicAlerts, heuristicPrecedence, alerts, disabled, phishingUrls, childDigests, structured, countBlocks); }
    public ScanOptions withHeuristicAlerts(boolean v) { return new ScanOptions(limits, allMatch, v, heuristicPrecedence, alerts, disabled, phishingUrls, childDigests, structured, countBlocks); }
    public ScanOptions withHeuristicPrecedence(boolean v) { return new ScanOptions(limits, allMatch, heuristicAlerts, v, alerts, disabled, phishingUrls, childDigests, structured, countBlocks); }
    public ScanOptions withPhishingUrls(boolean v) { return new ScanOptions(limits, allMatch, heuristicAlerts, heuristicPrecedence, alerts, disabled, v, childDigests, structured, countBlocks); }
    public ScanOptions withChildDigests(boolean v) { return new ScanOptions(limits, allMatch, heuristicAlerts, heuristicPrecedence, alerts, disabled, phishingUrls, v, structured, countBlocks); }
    public ScanOptions withCountBlocks(boolean v) { return new ScanOptions(limits, allMatch, heuristicAlerts, heuristicPrecedence, alerts, disabled, phishingUrls, childDigests, structured, v); }
    /** Structured data detection with these settings, or off with null (clamscan --detect-structured). */
    public ScanOptions withStructured(DlpOptions v) { return new ScanOptions(limits, allMatch, heuristicAlerts, heuristicPrecedence, alerts, disabled, phishingUrls, childDigests, v, countBlocks); }
    public ScanOptions withAlert(Alert a, boolean on) {
        EnumSet<Alert> s = alerts.isEmpty() ? EnumSet.noneOf(Alert.class) : EnumSet.copyOf(alerts);
        if (on) s.add(a); else s.remove(a);
        return new ScanOptions(limits, allMatch, heuristicAlerts, heuristicPrecedence, s, disabled, phishingUrls, childDigests, structured, countBlocks);
    }
    public ScanOptions withParser(Parser p, boolean on) {
        EnumSet<Parser> s = disabled.isEmpty() ? EnumSet.noneOf(Parser.class) : EnumSet.copyOf(disabled);
        if (on) s.remove(p); else s.add(p);
        return new ScanOptions(limits, allMatch, heuristicAlerts, heuristicPrecedence, alerts, s, phishingUrls, childDigests, structured, countBlocks);
    }
}
