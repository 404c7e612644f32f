package dev.bulwark.server;

import java.io.IOException;
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

    /** Resolves {@code p} and checks it; false when it does not exist or escapes the roots. */
    public boolean allows(Path p) {
        try {
            return allowsReal(p.toRealPath());
        } catch (IOException | SecurityException e) {
            return false;
        }
    }

    private static Path real(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }
}
