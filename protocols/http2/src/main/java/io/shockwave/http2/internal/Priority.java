package io.shockwave.http2.internal;

/**
 * RFC 9218 §4: the {@code priority} field value, a structured-field dictionary of which
 * only {@code u} (urgency, 0 to 7, most urgent first) and {@code i} (incremental) matter.
 * Unknown keys and values out of range are ignored, as §4 asks.
 */
final class Priority {
    static final int DEFAULT_URGENCY = 3;
    static final int LEVELS = 8;

    private Priority() {
    }

    /** {@code urgency << 1 | incremental} from {@code b[off, off+len)}, starting from the defaults. */
    static int parse(byte[] b, int off, int len) {
        int urgency = DEFAULT_URGENCY;
        boolean incremental = false;
        int i = off;
        int end = off + len;
        while (i < end) {
            while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == ',')) {
                i++;
            }
            int keyStart = i;
            while (i < end && b[i] != '=' && b[i] != ',' && b[i] != ';') {
                i++;
            }
            int keyLen = i - keyStart;
            int valueStart = -1;
            int valueEnd = -1;
            if (i < end && b[i] == '=') {
                valueStart = ++i;
                while (i < end && b[i] != ',' && b[i] != ';') {
                    i++;
                }
                valueEnd = i;
            }
            while (i < end && b[i] != ',') {
                i++; // parameters of a member: ignored
            }
            if (keyLen == 1 && b[keyStart] == 'u' && valueStart >= 0 && valueEnd - valueStart == 1) {
                int u = b[valueStart] - '0';
                if (u >= 0 && u < LEVELS) {
                    urgency = u;
                }
            } else if (keyLen == 1 && b[keyStart] == 'i') {
                if (valueStart < 0) {
                    incremental = true;
                } else if (valueEnd - valueStart == 2 && b[valueStart] == '?') {
                    incremental = b[valueStart + 1] == '1';
                }
            }
        }
        return urgency << 1 | (incremental ? 1 : 0);
    }
}
