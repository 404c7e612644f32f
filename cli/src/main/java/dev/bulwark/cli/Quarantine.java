package dev.bulwark.cli;

import dev.bulwark.engine.RawNames;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/**
 * clamscan's --move / --copy / --remove actions and their output lines. As clamscan 1.4.6 does, they act on
 * the file's real path (a symbolic link named on the command line is followed: the infected file goes, not
 * the link), and the destination is first created owner-only (0600) under a free name (name, name.001 ...
 * name.999), then the file is renamed over it or, across file systems, copied into it and unlinked.
 */
final class Quarantine {
    /** Name clashes in the target directory get .001 ... .999 suffixes. */
    private static final int MAX_SUFFIX = 999;
    private static final FileAttribute<Set<PosixFilePermission>> OWNER_ONLY =
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------"));

    private Quarantine() {}

    /** Returns false when the requested action failed. */
    static boolean act(ClamscanOptions o, String shown, Path file, Report out) throws IOException {
        if (o.move == null && o.copy == null && !o.remove) return true;
        String failure = o.remove ? "Can't remove file" : o.move != null ? "Can't move file" : "Can't copy file";
        Path real;
        try {
            real = file.toRealPath();
        } catch (IOException e) {
            out.line(shown + ": " + failure + " (" + e.getMessage() + ")", true);
            return false;
        }
        // clamscan names the real path only when it differs from the name it was given
        // (a name not valid in the locale: its bytes, see RawNames)
        String realName = RawNames.string(real);
        String named = shown.equals(realName) ? shown : shown + " (real path: '" + realName + "')";
        Path dest = null;
        try {
            if (o.remove) {
                Files.delete(real);
                out.line(named + ": Removed.", true);
                return true;
            }
            dest = reserve(destinationDir(o.move != null ? o.move : o.copy), RawNames.fileName(real));
            if (o.move != null) {
                try {
                    Files.move(real, dest, StandardCopyOption.ATOMIC_MOVE); // rename(2) over the reserved name
                } catch (AtomicMoveNotSupportedException crossDevice) {
                    copyInto(real, dest);
                    Path copied = dest;
                    dest = null; // the copy stays in quarantine even if the original cannot be unlinked
                    Files.delete(real);
                    dest = copied;
                }
                out.line(named + ": moved to '" + RawNames.string(dest) + "'", true);
            } else {
                copyInto(real, dest);
                out.line(named + ": copied to '" + RawNames.string(dest) + "'", true);
            }
            return true;
        } catch (IOException e) {
            if (dest != null) {
                try {
                    Files.deleteIfExists(dest);
                } catch (IOException ignored) {
                    // the reserved name stays; nothing was quarantined under it
                }
            }
            out.line(shown + ": " + failure + " (" + e.getMessage() + ")", true);
            return false;
        }
    }

    private static Path destinationDir(String dir) {
        Path d = RawNames.path(dir);
        try {
            return d.toRealPath();
        } catch (IOException e) {
            return d.toAbsolutePath().normalize();
        }
    }

    /** Creates the first free name of name, name.001 ... name.999 in {@code dir}, owner-only, and returns it. */
    private static Path reserve(Path dir, String name) throws IOException {
        for (int i = 0; i <= MAX_SUFFIX; i++) {
            String n = i == 0 ? name : name + String.format(".%03d", i);
            // (a name not valid in the locale: the file of exactly its bytes, see RawNames)
            Path candidate = RawNames.escaped(n) || RawNames.nonAscii(n) ? RawNames.path(RawNames.string(dir) + "/" + n) : dir.resolve(n);
            try {
                return Files.createFile(candidate, OWNER_ONLY);
            } catch (FileAlreadyExistsException taken) {
                // next suffix
            } catch (UnsupportedOperationException noPosix) {
                try {
                    return Files.createFile(candidate);
                } catch (FileAlreadyExistsException taken) {
                    // next suffix
                }
            }
        }
        throw new FileAlreadyExistsException(dir.resolve(name).toString(), null, "no free name up to ." + MAX_SUFFIX);
    }

    /**
     * Copies {@code from} into the reserved (existing, owner-only) {@code to}, never through a link: someone
     * who can write to the quarantine directory could replace the reserved file with a symbolic link between
     * {@link #reserve} and here, and a plain open would write the infected file wherever it points (clamscan
     * 1.4.6 itself skips a link at the name when it reserves: so does {@link #reserve}, O_EXCL). The open is
     * O_NOFOLLOW, so a link is refused (and {@link #act} removes the link, not its target).
     */
    static void copyInto(Path from, Path to) throws IOException {
        OutputStream os;
        try {
            os = Files.newOutputStream(to, StandardOpenOption.WRITE, StandardOpenOption.TRUNCATE_EXISTING, LinkOption.NOFOLLOW_LINKS);
        } catch (IOException e) { // ELOOP comes as a bare IOException ("Too many levels of symbolic links")
            if (Files.isSymbolicLink(to))
                throw new FileSystemException(to.toString(), null, "the quarantine file was replaced by a symbolic link; not followed");
            throw e;
        }
        try (InputStream in = Files.newInputStream(from); os) {
            in.transferTo(os);
        }
    }
}
