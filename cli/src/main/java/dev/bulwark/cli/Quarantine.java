package dev.bulwark.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/** clamscan's --move / --copy / --remove actions and their output lines. */
final class Quarantine {
    /** Name clashes in the target directory get .001 ... .999 suffixes. */
    private static final int MAX_SUFFIX = 999;

    private Quarantine() {}

    /** Returns false when the requested action failed. */
    static boolean act(ClamscanOptions o, String shown, Path file, PrintStream out) {
        if (o.move == null && o.copy == null && !o.remove) return true;
        String real = file.toAbsolutePath().normalize().toString();
        try {
            if (o.remove) {
                Files.delete(file);
                out.println(shown + " (real path: '" + real + "'): Removed.");
                return true;
            }
            Path dir = Path.of(o.move != null ? o.move : o.copy).toAbsolutePath().normalize();
            Path dest = dir.resolve(file.getFileName().toString());
            for (int i = 1; Files.exists(dest) && i <= MAX_SUFFIX; i++) {
                dest = dir.resolve(file.getFileName() + String.format(".%03d", i));
            }
            if (o.move != null) {
                Files.move(file, dest, StandardCopyOption.ATOMIC_MOVE);
                out.println(shown + " (real path: '" + real + "'): moved to '" + dest + "'");
            } else {
                Files.copy(file, dest);
                out.println(shown + " (real path: '" + real + "'): copied to '" + dest + "'");
            }
            return true;
        } catch (IOException e) {
            out.println(shown + ": " + (o.remove ? "Can't remove file" : o.move != null ? "Can't move file" : "Can't copy file")
                    + " (" + e.getMessage() + ")");
            return false;
        }
    }
}
