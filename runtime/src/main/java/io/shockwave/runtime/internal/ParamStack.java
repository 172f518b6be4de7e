package io.shockwave.runtime.internal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** The path parameters a route captured, as offsets into the path it matched; a stack, for the router's backtracking. */
public final class ParamStack {
    private String[] names = new String[4];
    private int[] bounds = new int[8];
    private int count;

    public void push(String name, int start, int end) {
        if (count == names.length) {
            names = Arrays.copyOf(names, count * 2);
            bounds = Arrays.copyOf(bounds, count * 4);
        }
        names[count] = name;
        bounds[count * 2] = start;
        bounds[count * 2 + 1] = end;
        count++;
    }

    public void pop() {
        count--;
    }

    public void clear() {
        count = 0;
    }

    /** The value captured last for {@code name}, decoded from {@code path} as UTF-8, or null. */
    public String value(String name, byte[] path) {
        for (int i = count - 1; i >= 0; i--) {
            if (names[i].equals(name)) {
                int start = bounds[i * 2];
                return new String(path, start, bounds[i * 2 + 1] - start, StandardCharsets.UTF_8);
            }
        }
        return null;
    }
}
