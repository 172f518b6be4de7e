package io.shockwave.runtime.internal;

/** Where the router records the path parameters it captures while it matches, backtracking. */
public interface PathCaptures {
    /** Records {@code name} as {@code [start, end)} of the path being matched. */
    void pushPathParam(String name, int start, int end);

    /** Drops the last capture: the branch that made it did not match. */
    void popPathParam();
}
