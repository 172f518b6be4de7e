package io.shockwave.http2.hpack;

/**
 * RFC 7541 §2.3.2 and §4: the entries one side has added, newest first, evicted oldest
 * first so that the sum of their sizes (name + value + 32) stays within the maximum.
 * Each entry is one array, name then value. A steady connection repeats entries that are
 * already here, so after the first requests nothing is added and nothing allocated.
 */
final class DynamicTable {
    static final int ENTRY_OVERHEAD = 32;

    private byte[][] entries = new byte[16][];
    private int[] nameLengths = new int[16];
    /** Where the newest entry is; entries run backwards (mod capacity) from there. */
    private int newest = -1;
    private int count;
    private int size;
    private int maxSize;

    DynamicTable(int maxSize) {
        this.maxSize = maxSize;
    }

    int length() {
        return count;
    }

    int size() {
        return size;
    }

    int maxSize() {
        return maxSize;
    }

    void maxSize(int maxSize) {
        this.maxSize = maxSize;
        evictTo(maxSize);
    }

    /** The entry at dynamic index {@code i}, 1 being the newest. */
    byte[] entry(int i) {
        return entries[slot(i)];
    }

    int nameLength(int i) {
        return nameLengths[slot(i)];
    }

    private int slot(int i) {
        return Math.floorMod(newest - (i - 1), entries.length);
    }

    /**
     * RFC 7541 §4.4: adding an entry larger than the whole table empties it and adds
     * nothing; otherwise the oldest entries go until the new one fits.
     */
    void add(byte[] name, int nameOff, int nameLen, byte[] value, int valueOff, int valueLen) {
        int entrySize = nameLen + valueLen + ENTRY_OVERHEAD;
        if (entrySize > maxSize) {
            evictTo(0);
            return;
        }
        evictTo(maxSize - entrySize);
        if (count == entries.length) {
            grow();
        }
        byte[] entry = new byte[nameLen + valueLen];
        System.arraycopy(name, nameOff, entry, 0, nameLen);
        System.arraycopy(value, valueOff, entry, nameLen, valueLen);
        newest = (newest + 1) % entries.length;
        entries[newest] = entry;
        nameLengths[newest] = nameLen;
        count++;
        size += entrySize;
    }

    private void evictTo(int target) {
        while (size > target) {
            int oldest = slot(count);
            size -= entries[oldest].length + ENTRY_OVERHEAD;
            entries[oldest] = null;
            count--;
        }
    }

    private void grow() {
        byte[][] e = new byte[entries.length * 2][];
        int[] n = new int[e.length];
        for (int i = count; i >= 1; i--) {
            int to = count - i;
            e[to] = entries[slot(i)];
            n[to] = nameLengths[slot(i)];
        }
        entries = e;
        nameLengths = n;
        newest = count - 1;
    }
}
