package io.shockwave.http2.internal;

/**
 * The streams closed lately, and how: frames the client had in flight for a stream this
 * side reset are ignored (RFC 9113 §5.1, closed), while frames on a stream the client
 * itself ended are its error, and a lower id never used is another (§5.1.1). As many are
 * kept as may be open at once; the arrays exist only while the connection is busy.
 */
final class RecentlyClosed {
    static final int NOT_RECENT = 0;
    static final int ENDED = 1;
    static final int RESET = 2;

    private final int capacity;
    private int[] ids;
    private boolean[] reset;
    private int count;

    RecentlyClosed(int capacity) {
        this.capacity = capacity;
    }

    void remember(int id, boolean resetByServer) {
        if (ids == null) {
            ids = new int[capacity];
            reset = new boolean[capacity];
        }
        int i = count++ % capacity;
        ids[i] = id;
        reset[i] = resetByServer;
    }

    /** {@link #RESET}, {@link #ENDED} or {@link #NOT_RECENT}. */
    int lookup(int id) {
        if (ids == null) {
            return NOT_RECENT;
        }
        for (int i = 0; i < Math.min(count, capacity); i++) {
            if (ids[i] == id) {
                return reset[i] ? RESET : ENDED;
            }
        }
        return NOT_RECENT;
    }

    /** The connection has been idle a while: nothing of those streams is still in flight. */
    void forget() {
        ids = null;
        reset = null;
        count = 0;
    }
}
