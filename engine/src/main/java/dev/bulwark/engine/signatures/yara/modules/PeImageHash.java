package dev.bulwark.engine.signatures.yara.modules;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.Map;

/**
 * The Authenticode digest of a PE image, computed as authenticode-parser (YARA 4.3+) computes it: the file from
 * its start up to the certificate table (the security directory's file offset), leaving out the optional header's
 * CheckSum field and the security directory entry. Data after the certificate table is not hashed, and the section
 * table is not used (files whose certificate table is their last part, as signing tools write them, hash the same
 * as the Authenticode specification says). One digest per algorithm, computed once per file.
 */
final class PeImageHash {
    private static final int CHECKSUM = 0x58; // CheckSum field, from the "PE\0\0" signature
    private static final int TO_SECURITY_ENTRY = 0x3C; // bytes from the end of CheckSum to the security directory entry (PE32)
    private static final int PE64_EXTRA = 16; // PE32+ optional headers are 16 bytes longer before the data directories
    private static final int ENTRY = 8; // a data directory entry: RVA and size

    private final ScanInput in;
    private final long checksum, entry, end;
    private final Map<String, byte[]> done = new HashMap<>();

    /** Hashes of {@code pe} up to {@code certificateTable}, the security directory's file offset. */
    PeImageHash(PeFile pe, long certificateTable) {
        this.in = pe.in;
        this.checksum = pe.peOffset + CHECKSUM;
        this.entry = checksum + 4 + TO_SECURITY_ENTRY + (pe.is64 ? PE64_EXTRA : 0);
        this.end = certificateTable;
    }

    /** The digest with this JDK algorithm, or null when the certificate table starts inside the headers hashed. */
    byte[] digest(String jdkName) {
        if (end < entry + ENTRY || end > in.len()) return null; // authenticode-parser fails reading these ranges
        return done.computeIfAbsent(jdkName, n -> {
            try {
                MessageDigest md = MessageDigest.getInstance(n);
                byte[] d = in.data();
                int o = in.off();
                md.update(d, o, (int) checksum);
                md.update(d, o + (int) checksum + 4, (int) (entry - checksum - 4));
                md.update(d, o + (int) (entry + ENTRY), (int) (end - entry - ENTRY));
                return md.digest();
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("required JDK digest missing: " + n, e);
            }
        });
    }
}
