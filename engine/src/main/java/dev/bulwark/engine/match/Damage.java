package dev.bulwark.engine.match;

/**
 * The first damage scans found in one database's lazily decoded parts (a snapshot's body patterns and logical
 * signatures): one holder per database, shared by its {@link PatternSet}s and its logical signatures, so that
 * once anything was found damaged every later scan of that database fails with the same message (see
 * {@code SignatureSet.requireIntact}). Only a crafted snapshot with a recomputed checksum, or a writer bug, gets
 * here. Thread-safe: a volatile field; when two scans find damage at once, one message is kept.
 */
public final class Damage {
    /** The snapshot's file name, for errors; null for a database built from text. */
    private final String origin;
    private volatile String first;

    public Damage(String origin) { this.origin = origin; }

    /** Where the damaged parts were read from, as errors name it ("snapshot" when not read from a file). */
    public String origin() { return origin == null ? "snapshot" : origin; }

    /** Remembers {@code message} ("invalid snapshot: ...") unless some damage was remembered before. */
    public void record(String message) {
        if (first == null) first = message;
    }

    /** The damage remembered first, or null while none was found. A volatile read. */
    public String first() { return first; }
}
