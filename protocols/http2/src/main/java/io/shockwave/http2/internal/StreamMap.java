package io.shockwave.http2.internal;

/**
 * The open streams of one connection by id: open addressing over int keys, so a lookup
 * per frame neither boxes nor allocates. Used by the connection's reader thread only.
 */
final class StreamMap {
    private int[] keys = new int[8];
    private Http2Stream[] values = new Http2Stream[8];
    private int size;

    int size() {
        return size;
    }

    Http2Stream get(int id) {
        int mask = keys.length - 1;
        for (int i = hash(id) & mask; ; i = (i + 1) & mask) {
            int k = keys[i];
            if (k == id) {
                return values[i];
            }
            if (k == 0) {
                return null;
            }
        }
    }

    void put(int id, Http2Stream stream) {
        if ((size + 1) * 2 > keys.length) {
            resize(keys.length * 2);
        }
        int mask = keys.length - 1;
        int i = hash(id) & mask;
        while (keys[i] != 0 && keys[i] != id) {
            i = (i + 1) & mask;
        }
        if (keys[i] == 0) {
            size++;
        }
        keys[i] = id;
        values[i] = stream;
    }

    void remove(int id) {
        int mask = keys.length - 1;
        int i = hash(id) & mask;
        while (keys[i] != id) {
            if (keys[i] == 0) {
                return;
            }
            i = (i + 1) & mask;
        }
        keys[i] = 0;
        values[i] = null;
        size--;
        // Re-insert the rest of the cluster, so that no lookup stops early at the hole.
        for (int j = (i + 1) & mask; keys[j] != 0; j = (j + 1) & mask) {
            int k = keys[j];
            Http2Stream v = values[j];
            keys[j] = 0;
            values[j] = null;
            size--;
            put(k, v);
        }
    }

    /** Calls {@code action} for every stream; the map must not change meanwhile. */
    void forEach(java.util.function.Consumer<Http2Stream> action) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != 0) {
                action.accept(values[i]);
            }
        }
    }

    private void resize(int capacity) {
        int[] oldKeys = keys;
        Http2Stream[] oldValues = values;
        keys = new int[capacity];
        values = new Http2Stream[capacity];
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != 0) {
                put(oldKeys[i], oldValues[i]);
            }
        }
    }

    private static int hash(int id) {
        return id * 0x9E3779B9 >>> 16;
    }
}
