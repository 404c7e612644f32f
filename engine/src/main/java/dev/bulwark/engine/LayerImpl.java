package dev.bulwark.engine;

import dev.bulwark.engine.filetype.FileType;
import dev.bulwark.engine.formats.Layer;
import dev.bulwark.engine.match.OffsetSpec;
import java.nio.ByteBuffer;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.List;

/** The scanner's layer: data, type, position in the stack, and lazily computed digests. */
final class LayerImpl implements Layer {
    private static final String[] ALGORITHMS = {"MD5", "SHA-1", "SHA-256"};

    /**
     * The layer's bytes as the scanner reads them: possibly writable (so the matcher can use the
     * backing array) but never written. Extractors get the read-only {@link #data()} view.
     */
    final ByteBuffer data;
    private ByteBuffer readOnly;
    FileType type;
    final String name;
    final int depth;
    final LayerImpl parent;
    final String path;
    private final byte[][] digests = new byte[3][];
    OffsetSpec.ExeFacts exe;
    boolean exeParsed;
    final List<ScanResult.LayerInfo> children = new ArrayList<>();
    String note;
    /** (cli15) See {@link ScanResult.LayerInfo#blocks}. */
    long blocks;
    /** See {@link ScanResult.LayerInfo#listed}. */
    List<String> listed;
    /** The embedded-type candidates its raw pass found, until {@link EmbeddedObjects} uses them; or null. */
    dev.bulwark.engine.filetype.EmbeddedCandidates embedded;

    LayerImpl(ByteBuffer data, FileType type, String name, LayerImpl parent) {
        this.data = data;
        this.type = type;
        this.name = name;
        this.parent = parent;
        this.depth = parent == null ? 0 : parent.depth + 1;
        this.path = parent == null ? "" : (parent.path.isEmpty() ? "" : parent.path + "//") + (name.isEmpty() ? "(" + depth + ")" : name);
    }

    @Override public ByteBuffer data() {
        if (readOnly == null) readOnly = data.asReadOnlyBuffer();
        return readOnly;
    }
    @Override public FileType type() { return type; }
    @Override public String name() { return name; }
    @Override public int depth() { return depth; }
    @Override public Layer parent() { return parent; }

    /** Digest 0 MD5, 1 SHA-1, 2 SHA-256 of the layer's bytes, computed once. */
    byte[] digest(int kind) {
        if (digests[kind] == null) digests[kind] = digest(data, kind);
        return digests[kind];
    }

    /** Supplies a digest computed from these exact bytes elsewhere (the scanner's single read). */
    void presetDigest(int kind, byte[] value) {
        digests[kind] = value;
    }

    static byte[] digest(ByteBuffer data, int kind) {
        return digest(data, 0, data.limit(), kind);
    }

    static byte[] digest(ByteBuffer data, int off, int len, int kind) {
        MessageDigest md = newDigest(kind);
        md.update(data.duplicate().position(0).limit(off + len).position(off));
        return md.digest();
    }

    /**
     * One unused instance per kind, made on first use and only ever cloned (never updated), so threads may clone it
     * at once. (daemon12) {@code MessageDigest.getInstance} per digest looked the algorithm up in the provider's
     * service map and built the instance reflectively for every file the daemon hashes (its clean-file cache key):
     * ~1.5% of the scan workers' samples in a cold MULTISCAN; a clone copies the empty state only.
     */
    private static final java.util.concurrent.atomic.AtomicReferenceArray<MessageDigest> PROTOTYPES =
            new java.util.concurrent.atomic.AtomicReferenceArray<>(ALGORITHMS.length);

    /** A fresh digest of kind 0 MD5, 1 SHA-1, 2 SHA-256. */
    static MessageDigest newDigest(int kind) {
        try {
            MessageDigest p = PROTOTYPES.get(kind);
            if (p == null) {
                PROTOTYPES.compareAndSet(kind, null, MessageDigest.getInstance(ALGORITHMS[kind]));
                p = PROTOTYPES.get(kind);
            }
            try {
                return (MessageDigest) p.clone();
            } catch (CloneNotSupportedException e) { // a provider whose digest cannot be cloned
                return MessageDigest.getInstance(ALGORITHMS[kind]);
            }
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** (cli15) See {@link ScanResult.LayerInfo#key}: CRC-32C and CRC-32 of the bytes (both intrinsics), never 0. */
    long key() {
        java.util.zip.CRC32C a = new java.util.zip.CRC32C();
        java.util.zip.CRC32 b = new java.util.zip.CRC32();
        // (sigbus) both read a direct buffer in native code (a SIGBUS when the mapped file was truncated): see there
        dev.bulwark.engine.formats.archivecommon.NativeInput.update(data.duplicate().clear(), a, b);
        long k = a.getValue() << 32 | b.getValue();
        return k == 0 ? 1 : k;
    }
}
