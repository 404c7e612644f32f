package dev.bulwark.engine.db;

import java.util.HexFormat;
import java.util.zip.CRC32;
import java.util.zip.CRC32C;

/**
 * The fingerprint of a database's sources: a stamp that changes when any source byte (or file name) does,
 * used only to notice changed databases (reload, ICAP ISTag, {@code db info}). Two CRCs with different
 * polynomials plus the byte count: 64 bits of checksum against accidental change, computed by the JVM's
 * CRC intrinsics. It replaces a SHA-256 whose first use also initialised the JDK's security providers,
 * about a sixth of a one-file scan's CPU time from text sources. Not a defence against a crafted
 * collision: whoever can write the database files can change the signatures anyway.
 */
public final class SourceStamp {
    private final CRC32C c1 = new CRC32C();
    private final CRC32 c2 = new CRC32();
    private long bytes;

    public void update(byte[] b) { update(b, 0, b.length); }

    public void update(byte[] b, int off, int len) {
        c1.update(b, off, len);
        c2.update(b, off, len);
        bytes += len;
    }

    /** 32 hex digits: CRC32C, CRC32, byte count. */
    public String hex() {
        return HexFormat.of().toHexDigits((int) c1.getValue()) + HexFormat.of().toHexDigits((int) c2.getValue())
                + HexFormat.of().toHexDigits(bytes);
    }
}
