package dev.bulwark.engine.signatures.yara.modules;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;

/** YARA's hash module: md5, sha1, sha256 (lowercase hex), checksum32 and crc32 of a range or a string. */
final class HashModule implements YaraModule {
    @Override
    public String name() {
        return "hash";
    }

    private static YaraFunction digest(String alg) {
        return (in, a) -> {
            byte[] d = Args.dataArg(in, a);
            if (d == null) return null;
            try {
                return Args.str(HexFormat.of().formatHex(MessageDigest.getInstance(alg).digest(d)));
            } catch (NoSuchAlgorithmException e) {
                return null;
            }
        };
    }

    @Override
    public Map<String, Object> load(ScanInput in) {
        return Map.of(
                "md5", digest("MD5"),
                "sha1", digest("SHA-1"),
                "sha256", digest("SHA-256"),
                "checksum32", (YaraFunction) (input, a) -> {
                    byte[] d = Args.dataArg(input, a);
                    if (d == null) return null;
                    long sum = 0;
                    for (byte b : d) sum += b & 0xFF;
                    return sum & 0xFFFFFFFFL;
                },
                "crc32", (YaraFunction) (input, a) -> {
                    byte[] d = Args.dataArg(input, a);
                    if (d == null) return null;
                    java.util.zip.CRC32 c = new java.util.zip.CRC32();
                    c.update(d);
                    return c.getValue();
                });
    }
}
