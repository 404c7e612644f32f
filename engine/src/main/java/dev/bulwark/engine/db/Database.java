package dev.bulwark.engine.db;

import dev.bulwark.engine.diag.Diagnostic;
import dev.bulwark.engine.signatures.clamav.SignatureSet;
import java.time.Instant;
import java.util.List;

/**
 * A compiled, immutable signature database shared by all scans.
 */
public final class Database {
    private final SignatureSet signatures;
    private final List<String> sources;
    private final List<Diagnostic> warnings;
    private final long version;
    private final Instant buildTime;
    private final String fingerprint;

    public Database(SignatureSet signatures, List<String> sources, List<Diagnostic> warnings,
                    long version, Instant buildTime, String fingerprint) {
        this.signatures = signatures;
        this.sources = List.copyOf(sources);
        this.warnings = List.copyOf(warnings);
        this.version = version;
        this.buildTime = buildTime;
        this.fingerprint = fingerprint;
    }

    /** Number of signatures loaded, counted as ClamAV counts "Known viruses". */
    public int signatureCount() { return signatures.count(); }

    /** One line per loaded source, e.g. {@code /var/lib/clamav/daily.cvd (version 27500, 2100000 signatures)}. */
    public List<String> sources() { return sources; }

    /** Non-fatal problems found while loading (skipped rules, unsupported features). */
    public List<Diagnostic> warnings() { return warnings; }

    /** Version of the daily database (0 when none was loaded), as clamd's VERSION reports it. */
    public long version() { return version; }

    /** Build time of the daily database, or null. */
    public Instant buildTime() { return buildTime; }

    /**
     * A digest over the loaded sources: changes whenever the database content changes. Empty for text
     * sources loaded without one ({@code LoadOptions.withFingerprint(false)}: a one-shot scan).
     */
    public String fingerprint() { return fingerprint; }

    /** The compiled signatures (engine-internal). */
    public SignatureSet signatures() { return signatures; }
}
