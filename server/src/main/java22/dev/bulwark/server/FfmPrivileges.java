package dev.bulwark.server;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

import dev.bulwark.server.clamd.Libc;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The libc calls behind {@link Privileges} (clamd's {@code User}), bound through the FFM linker. glibc's
 * {@code setuid}/{@code setgid}/{@code setgroups} change the credentials of every thread of the process,
 * so the JVM's threads, including those already running, all lose root together. {@code struct passwd}
 * offsets are those of 64-bit Linux ({@code pw_uid} at 16, {@code pw_gid} at 20); {@link Privileges}
 * loads this class only there.
 */
public final class FfmPrivileges implements Privileges.Calls {
    private static final int PW_UID = 16;
    private static final int PW_GID = 20;
    private static final MethodHandle GETPWNAM = Libc.bind("getpwnam", FunctionDescriptor.of(ADDRESS, ADDRESS));
    private static final MethodHandle INITGROUPS = Libc.bind("initgroups", FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT));
    private static final MethodHandle SETGID = Libc.bind("setgid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));
    private static final MethodHandle SETUID = Libc.bind("setuid", FunctionDescriptor.of(JAVA_INT, JAVA_INT));

    public FfmPrivileges() {}

    private static IOException failed(String call, MemorySegment errno) {
        int e = Libc.errno(errno);
        return new IOException(call + " failed (errno " + e + (e == 1 ? ", operation not permitted" : "") + ")");
    }

    @Override
    @SuppressWarnings("restricted") // reading the struct passwd getpwnam returns
    public int[] lookup(String user) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSlot(a);
            MemorySegment pw = (MemorySegment) GETPWNAM.invokeExact(errno, a.allocateFrom(user));
            if (pw.address() == 0) return null;
            MemorySegment s = pw.reinterpret(PW_GID + 4);
            return new int[] {s.get(JAVA_INT, PW_UID), s.get(JAVA_INT, PW_GID)};
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void initgroups(String user, int gid) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSlot(a);
            if ((int) INITGROUPS.invokeExact(errno, a.allocateFrom(user), gid) != 0) throw failed("initgroups()", errno);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    @Override
    public void setgid(int gid) throws IOException {
        call(SETGID, gid, "setgid(" + gid + ")");
    }

    @Override
    public void setuid(int uid) throws IOException {
        call(SETUID, uid, "setuid(" + uid + ")");
    }

    @Override
    public boolean regainsRoot() {
        try {
            call(SETUID, 0, "setuid(0)");
            return true;
        } catch (IOException expected) {
            return false;
        }
    }

    private static void call(MethodHandle h, int id, String what) throws IOException {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment errno = Libc.errnoSlot(a);
            if ((int) h.invokeExact(errno, id) != 0) throw failed(what, errno);
        } catch (Throwable t) {
            throw rethrow(t);
        }
    }

    private static IOException rethrow(Throwable t) {
        if (t instanceof IOException io) return io;
        if (t instanceof RuntimeException re) throw re;
        if (t instanceof Error er) throw er;
        return new IOException(t);
    }
}
