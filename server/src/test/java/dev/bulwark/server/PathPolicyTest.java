package dev.bulwark.server;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathPolicyTest {
    @Test
    void onlyTheFileSystemRootConfinesNothing(@TempDir Path tmp) throws Exception {
        Path inside = Files.createDirectories(tmp.resolve("root"));
        Path outside = Files.writeString(tmp.resolve("outside.txt"), "x");
        PathPolicy all = new PathPolicy(List.of(Path.of("/")));
        assertTrue(all.confinesNothing());
        assertTrue(all.allowsReal(outside.toRealPath()));
        PathPolicy some = new PathPolicy(List.of(inside));
        assertFalse(some.confinesNothing());
        assertFalse(some.allowsReal(outside.toRealPath()));
        assertTrue(new PathPolicy(List.of(inside, Path.of("/"))).confinesNothing());
    }
}
