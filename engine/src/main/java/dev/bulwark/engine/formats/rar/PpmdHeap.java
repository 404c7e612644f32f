package dev.bulwark.engine.formats.rar;

/**
 * The memory of a PPMd variant H model: a flat byte array holding the text area and 12-byte units
 * (contexts, state arrays), with free lists per block size and the gluing of adjacent free blocks,
 * all addressed by int offsets (0 is null). Layout and allocation policy follow Dmitry Shkarin's
 * published PPMd H description so that the model evolves exactly as the compressor's did.
 */
class PpmdHeap {
    static final int UNIT = 12;
    static final int N_INDEXES = 38;
    static final int[] I2U = new int[N_INDEXES];
    static final int[] U2I = new int[128];

    static {
        int k = 0;
        for (int i = 0; i < N_INDEXES; i++) {
            int step = i >= 12 ? 4 : (i >> 2) + 1;
            do {
                U2I[k++] = i;
            } while (--step != 0);
            I2U[i] = k;
        }
    }

    byte[] m = new byte[0];
    int size;
    int alignOffset;
    int text;
    int unitsStart;
    int loUnit;
    int hiUnit;
    int glueCount;
    final int[] freeList = new int[N_INDEXES];

    /**
     * (Re)allocates the heap for {@code size} bytes. The array only grows, so a stream that restarts
     * its model again and again with changing sizes allocates at most once per new maximum.
     */
    void alloc(int size) {
        this.size = size;
        alignOffset = 4 - (size & 3);
        int need = alignOffset + size + UNIT;
        if (m.length < need) m = new byte[need];
    }

    final int u8(int p) { return m[p] & 0xff; }
    final void u8(int p, int v) { m[p] = (byte) v; }
    final int u16(int p) { return (m[p] & 0xff) | (m[p + 1] & 0xff) << 8; }
    final void u16(int p, int v) { m[p] = (byte) v; m[p + 1] = (byte) (v >> 8); }
    final int u32(int p) { return u16(p) | u16(p + 2) << 16; }
    final void u32(int p, int v) { u16(p, v); u16(p + 2, v >>> 16); }

    final void insertNode(int node, int indx) {
        u32(node, freeList[indx]);
        freeList[indx] = node;
    }

    final int removeNode(int indx) {
        int node = freeList[indx];
        freeList[indx] = u32(node);
        return node;
    }

    private void splitBlock(int ptr, int oldIndx, int newIndx) {
        int nu = I2U[oldIndx] - I2U[newIndx];
        ptr += I2U[newIndx] * UNIT;
        int i = U2I[nu - 1];
        if (I2U[i] != nu) {
            int k = I2U[--i];
            insertNode(ptr + k * UNIT, nu - k - 1);
        }
        insertNode(ptr, i);
    }

    // node layout while gluing: stamp u16 @0, units u16 @2, next u32 @4, prev u32 @8
    private void glueFreeBlocks() {
        int head = alignOffset + size;
        int n = head;
        glueCount = 255;
        for (int i = 0; i < N_INDEXES; i++) {
            int nu = I2U[i];
            int next = freeList[i];
            freeList[i] = 0;
            while (next != 0) {
                int node = next;
                u32(node + 4, n);
                u32(n + 8, next);
                n = next;
                next = u32(node);
                u16(node, 0);
                u16(node + 2, nu);
            }
        }
        u16(head, 1);
        u32(head + 4, n);
        u32(n + 8, head);
        if (loUnit != hiUnit) u16(loUnit, 1);
        while (n != head) {
            int node = n;
            int nu = u16(node + 2);
            while (true) {
                int node2 = node + nu * UNIT;
                nu += u16(node2 + 2);
                if (u16(node2) != 0 || nu >= 0x10000) break;
                u32(u32(node2 + 8) + 4, u32(node2 + 4));
                u32(u32(node2 + 4) + 8, u32(node2 + 8));
                u16(node + 2, nu);
            }
            n = u32(node + 4);
        }
        for (n = u32(head + 4); n != head; ) {
            int next = u32(n + 4);
            int nu = u16(n + 2);
            for (; nu > 128; nu -= 128, n += 128 * UNIT) insertNode(n, N_INDEXES - 1);
            int i = U2I[nu - 1];
            if (I2U[i] != nu) {
                int k = I2U[--i];
                insertNode(n + k * UNIT, nu - k - 1);
            }
            insertNode(n, i);
            n = next;
        }
    }

    /** A block of I2U[indx] units, or 0 when the heap is full. */
    final int allocUnitsRare(int indx) {
        if (glueCount == 0) {
            glueFreeBlocks();
            if (freeList[indx] != 0) return removeNode(indx);
        }
        int i = indx;
        do {
            if (++i == N_INDEXES) {
                int numBytes = I2U[indx] * UNIT;
                glueCount--;
                return unitsStart - text > numBytes ? (unitsStart -= numBytes) : 0;
            }
        } while (freeList[i] == 0);
        int r = removeNode(i);
        splitBlock(r, i, indx);
        return r;
    }

    final int allocUnits(int indx) {
        if (freeList[indx] != 0) return removeNode(indx);
        int numBytes = I2U[indx] * UNIT;
        if (numBytes <= hiUnit - loUnit) {
            int r = loUnit;
            loUnit += numBytes;
            return r;
        }
        return allocUnitsRare(indx);
    }

    final int shrinkUnits(int oldPtr, int oldNU, int newNU) {
        int i0 = U2I[oldNU - 1], i1 = U2I[newNU - 1];
        if (i0 == i1) return oldPtr;
        if (freeList[i1] != 0) {
            int ptr = removeNode(i1);
            System.arraycopy(m, oldPtr, m, ptr, newNU * UNIT);
            insertNode(oldPtr, i0);
            return ptr;
        }
        splitBlock(oldPtr, i0, i1);
        return oldPtr;
    }
}
