package dev.bulwark.engine.signatures.clamav;

/** Placeholder: replaced by the compiled signature model. */
public final class SignatureSet {
    public int count() { return 0; }
}
