package dev.bulwark.server;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Confines server-side path scans to configured roots. A path is allowed when its real path (every
 * symbolic link resolved) lies inside a root, so a link can never lead a scan out of the roots.
 */
public final class PathPolicy {
    private final List<Path> roots;

    public PathPolicy(List<Path> roots) {
        this.roots = roots.stream().map(PathPolicy::real).toList();
    }

    public List<Path> roots() { return roots; }

    /** True when {@code realPath} (already resolved with {@link Path#toRealPath}) is inside a root. */
    public boolean allowsReal(Path realPath) {
        for (Path r : roots) if (realPath.startsWith(r)) return true;
        return false;
    }

    /**
     * True when a root is the file system's root: every real path lies inside, so a scan need not read back what it
     * opened to check it (the default configuration; a path scan still opens each file once, see OpenedFiles).
     */
    public boolean confinesNothing() {
        for (Path r : roots) if (r.getParent() == null) return true;
        return false;
    }

    /** Resolves {@code p} and checks it; false when it does not exist or escapes the roots. */
    public boolean allows(Path p) {
        try {
            return allowsReal(p.toRealPath());
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    /**
     * Whether a path that {@link #allows} refused may be reported as missing: true only when it does not exist
     * and its nearest existing ancestor resolves inside a root (the first missing name below that ancestor
     * not being a dangling link). A path outside the roots is refused alike whether it exists or not, so a
     * client learns nothing of the file system outside the roots.
     */
    public boolean missingInside(Path p) {
        return missingInside(p.toAbsolutePath(), 0); // a relative path is looked up as stat looks it up
    }

    /** Links followed at most (the kernel's own limit is 40). */
    private static final int MAX_LINKS = 40;

    private boolean missingInside(Path p, int links) {
        if (Files.exists(p)) return false;
        Path child = p;
        for (Path a = p.getParent(); a != null; child = a, a = a.getParent()) {
            if (!Files.exists(a)) continue;
            try {
                Path real = a.toRealPath();
                if (!allowsReal(real)) return false;
                if (Files.isSymbolicLink(child)) { // a dangling link inside: missing only if its target is missing inside too
                    if (links >= MAX_LINKS) return false;
                    Path target = real.resolve(Files.readSymbolicLink(child));
                    Path rest = child.relativize(p);
                    return missingInside(rest.toString().isEmpty() ? target : target.resolve(rest), links + 1);
                }
                return true;
            } catch (IOException | SecurityException | IllegalArgumentException e) {
                return false;
            }
        }
        return false;
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
