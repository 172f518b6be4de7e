package io.shockwave.runtime.internal;

import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Status;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** {@code application/x-www-form-urlencoded}: a query, or a form's body. */
public final class UrlEncoded {
    private UrlEncoded() {
    }

    /** The parameters of {@code buf[off, off+len)}, decoded, in order of first appearance; 400 if malformed. */
    public static Map<String, List<String>> parse(byte[] buf, int off, int len) {
        return parse(buf, off, len, Integer.MAX_VALUE);
    }

    /** As {@link #parse(byte[], int, int)}, refusing more than {@code maxFields} with a 400. */
    public static Map<String, List<String>> parse(byte[] buf, int off, int len, int maxFields) {
        Map<String, List<String>> params = new LinkedHashMap<>();
        int fields = 0;
        int end = off + len;
        int i = off;
        while (i < end) {
            int start = i;
            int eq = -1;
            while (i < end && buf[i] != '&') {
                if (eq < 0 && buf[i] == '=') {
                    eq = i;
                }
                i++;
            }
            if (i > start) {
                if (++fields > maxFields) {
                    throw new HttpException(Status.BAD_REQUEST, "More than " + maxFields + " form fields");
                }
                int nameEnd = eq < 0 ? i : eq;
                String name = PercentCodec.decodeToString(buf, start, nameEnd - start, true);
                String value = eq < 0 ? "" : PercentCodec.decodeToString(buf, eq + 1, i - eq - 1, true);
                params.computeIfAbsent(name, k -> new ArrayList<>(1)).add(value);
            }
            i++;
        }
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            e.setValue(Collections.unmodifiableList(e.getValue()));
        }
        return Collections.unmodifiableMap(params);
    }
}
