package dev.bulwark.engine.formats.sevenzip;

import java.lang.reflect.Field;
import java.util.Arrays;
import org.apache.commons.compress.archivers.sevenz.SevenZFile;

/**
 * Where the PPMd folders of an archive opened by Commons Compress lie. Commons Compress parses 7z
 * headers but has no PPMd coder and no way to register one, so the folder layout (pack positions,
 * coder properties, unpack sizes, file-to-folder map) is read from its parsed header by reflection.
 * {@link #of} returns null when the archive has no PPMd folder or the layout cannot be read, and the
 * caller then keeps to Commons Compress alone.
 */
final class PpmdFolders {
    /** One folder made of the single PPMd coder: packed bytes at {@code packOffset} from the signature. */
    record Folder(long packOffset, long packSize, byte[] props, long unpackSize) {}

    /** Per folder index: the PPMd folder, or null when Commons Compress decodes it. */
    final Folder[] folders;
    /** Per file index (as {@link SevenZFile#getEntries()}): its folder, or -1. */
    final int[] fileFolder;
    /** Folders that use PPMd together with other coders (not decoded). */
    final int unsupported;

    private PpmdFolders(Folder[] folders, int[] fileFolder, int unsupported) {
        this.folders = folders;
        this.fileFolder = fileFolder;
        this.unsupported = unsupported;
    }

    private static Object get(Object o, String name) throws ReflectiveOperationException {
        Field f = o.getClass().getDeclaredField(name);
        f.setAccessible(true);
        return f.get(o);
    }

    /** The layout when at least one folder uses PPMd, else null; null too when reflection fails. */
    static PpmdFolders of(SevenZFile sz) {
        try {
            Object archive = get(sz, "archive");
            Object[] folders = (Object[]) get(archive, "folders");
            if (folders == null) return null;
            long packPos = (Long) get(archive, "packPos");
            long[] packSizes = (long[]) get(archive, "packSizes");
            Object map = get(archive, "streamMap");
            int[] firstPack = (int[]) get(map, "folderFirstPackStreamIndex");
            long[] packOffsets = (long[]) get(map, "packStreamOffsets");
            int[] fileFolder = (int[]) get(map, "fileFolderIndex");
            Folder[] out = new Folder[folders.length];
            boolean any = false;
            int unsupported = 0;
            for (int i = 0; i < folders.length; i++) {
                Object[] coders = (Object[]) get(folders[i], "coders");
                boolean ppmd = false;
                for (Object c : coders) ppmd |= Arrays.equals((byte[]) get(c, "decompressionMethodId"), PpmdStream.METHOD_ID);
                if (!ppmd) continue;
                long[] packed = (long[]) get(folders[i], "packedStreams");
                long[] unpackSizes = (long[]) get(folders[i], "unpackSizes");
                if (coders.length != 1 || packed.length != 1 || unpackSizes.length != 1 || (Long) get(coders[0], "numInStreams") != 1
                        || (Long) get(coders[0], "numOutStreams") != 1 || firstPack[i] >= packSizes.length) {
                    unsupported++;
                    continue;
                }
                int p = firstPack[i];
                out[i] = new Folder(32 + packPos + packOffsets[p], packSizes[p], (byte[]) get(coders[0], "properties"), unpackSizes[0]);
                any = true;
            }
            return any || unsupported > 0 ? new PpmdFolders(out, fileFolder, unsupported) : null;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }
}
