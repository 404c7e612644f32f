package dev.bulwark.server.clamd;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * Libc (the FFM wrappers of the Java 22+ part, src/main/java22) refuses a call whose length does not fit the buffer it
 * describes, before the kernel is given it: send, pread, bind and recvmsg (whose header and iovec it fills in itself
 * from the segments). Reached by reflection: the tests compile at release 21, where java.lang.foreign is a preview
 * API. Every call goes to descriptor -1, so a call that is made fails harmlessly with EBADF (-1).
 */
@EnabledForJreRange(min = JRE.JAVA_22)
class LibcBoundsTest {
    private final Class<?> libc, arenaType, segmentType;
    private final Object arena;

    LibcBoundsTest() throws Exception {
        libc = Class.forName("dev.bulwark.server.clamd.Libc");
        arenaType = Class.forName("java.lang.foreign.Arena");
        segmentType = Class.forName("java.lang.foreign.MemorySegment");
        arena = arenaType.getMethod("ofShared").invoke(null);
    }

    private Object allocate(long size) throws Exception {
        return Class.forName("java.lang.foreign.SegmentAllocator").getMethod("allocate", long.class, long.class).invoke(arena, size, 8L);
    }

    private Object slice(Object segment, long offset) throws Exception {
        return segmentType.getMethod("asSlice", long.class).invoke(segment, offset);
    }

    private Object call(String name, Object... args) throws Exception {
        for (Method m : libc.getDeclaredMethods()) {
            if (m.getName().equals(name) && m.getParameterCount() == args.length) {
                m.setAccessible(true);
                try {
                    return m.invoke(null, args);
                } catch (InvocationTargetException e) {
                    if (e.getCause() instanceof Exception x) throw x;
                    throw e;
                }
            }
        }
        throw new NoSuchMethodException(name);
    }

    private void refused(String call, Object... args) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> call(call, args), call);
        assertTrue(e.getMessage().startsWith(call + ": length "), e.getMessage());
    }

    @Test
    void lengthsLargerThanTheBufferAreRefused() throws Exception {
        try {
            Object errno = call("errnoSlot", arena), buf = allocate(16), tail = slice(buf, 8); // tail: 8 bytes remain
            refused("send", errno, -1, buf, 17L, 0);
            refused("send", errno, -1, tail, 9L, 0);
            refused("send", errno, -1, buf, -1L, 0);
            refused("pread", errno, -1, buf, 17L, 0L);
            refused("pread", errno, -1, tail, 9L, 0L);
            refused("bind", errno, -1, tail, 9);
            Object msg = allocate(56), iov = allocate(16), control = allocate(24);
            refused("recvmsg", errno, -1, msg, iov, tail, 9L, control, 0);
            refused("recvmsg", errno, -1, slice(msg, 8), iov, buf, 16L, control, 0); // a header of 48 bytes
            refused("recvmsg", errno, -1, msg, slice(iov, 8), buf, 16L, control, 0);
            // lengths that fit: the call is made, and fails on the bad descriptor
            assertEquals(-1L, call("send", errno, -1, tail, 8L, 0));
            assertEquals(-1L, call("pread", errno, -1, buf, 16L, 0L));
            assertEquals(-1, call("bind", errno, -1, buf, 16));
            assertEquals(-1L, call("recvmsg", errno, -1, msg, iov, buf, 16L, control, 0));
            assertEquals(9, call("errno", errno)); // EBADF: the call reached the kernel
            // a buffer from another arena is refused too (as before)
            Object other = arenaType.getMethod("ofConfined").invoke(null);
            try {
                Object foreign = Class.forName("java.lang.foreign.SegmentAllocator").getMethod("allocate", long.class).invoke(other, 16L);
                assertInstanceOf(IllegalArgumentException.class, assertThrows(Exception.class, () -> call("send", errno, -1, foreign, 1L, 0)));
            } finally {
                arenaType.getMethod("close").invoke(other);
            }
        } finally {
            arenaType.getMethod("close").invoke(arena);
        }
    }
}
