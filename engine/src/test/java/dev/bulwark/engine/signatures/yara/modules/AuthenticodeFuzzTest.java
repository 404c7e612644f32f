package dev.bulwark.engine.signatures.yara.modules;

import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Jazzer fuzz tests of the Authenticode reader and verifier (PeSignatures, Cms, Authenticode, Countersignatures,
 * X509Cert, PeImageHash) through the pe module: {@code signedData} wraps the input as the PKCS#7 blob of a
 * WIN_CERTIFICATE in a minimal PE ({@link SignedPe}); {@code signedFile} takes whole files. The module must never
 * throw. Seeds (replayed in the normal build) in AuthenticodeFuzzTestInputs/&lt;method&gt;/ were made with
 * osslsigncode 2.9 / openssl 3 from {@link SignedPe#template()} and throwaway test keys: rsa-ts (RSA SHA-256,
 * program name, RFC 3161 timestamp), nested (rsa-ts plus a nested ECDSA SHA-1 signature with its own timestamp),
 * ecdsa (ECDSA SHA-384), pkcs9 (RSA SHA-1 with a PKCS#9 counterSignature from a local Authenticode timestamp
 * server); signedData/* are the same signatures alone (osslsigncode extract-signature).
 */
class AuthenticodeFuzzTest {
    @FuzzTest(maxDuration = "60s")
    void signedData(byte[] data) {
        SignedPe.load(SignedPe.pe(data));
    }

    @FuzzTest(maxDuration = "60s")
    void signedFile(byte[] data) {
        SignedPe.load(data);
    }
}
