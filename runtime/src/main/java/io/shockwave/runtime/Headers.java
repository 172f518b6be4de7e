package io.shockwave.runtime;

import io.shockwave.runtime.spi.Ascii;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;

/**
 * An ordered list of header fields kept as bytes in one array. Names compare
 * case-insensitively as bytes (RFC 9110 §5.1); values are decoded to {@code String}
 * (as ISO-8859-1, so every byte survives) only when asked for. One instance is reused
 * for every request on a connection: copy what must outlive the exchange.
 */
public final class Headers {
    private static final int SLOTS = 5; // name offset, name length, value offset, value length, name id

    private byte[] data;
    private int dataLength;
    private int[] index;
    private int count;

    public Headers() {
        this(512, 16);
    }

    public Headers(int initialBytes, int initialFields) {
        this.data = new byte[Math.max(16, initialBytes)];
        this.index = new int[Math.max(4, initialFields) * SLOTS];
    }

    public int size() {
        return count;
    }

    public boolean isEmpty() {
        return count == 0;
    }

    public String name(int i) {
        check(i);
        return new String(data, index[i * SLOTS], index[i * SLOTS + 1], StandardCharsets.ISO_8859_1);
    }

    public String value(int i) {
        check(i);
        return new String(data, index[i * SLOTS + 2], index[i * SLOTS + 3], StandardCharsets.ISO_8859_1);
    }

    /** The position of the first field named {@code name}, or -1. */
    public int indexOf(HeaderName name) {
        return indexOf(name, 0);
    }

    /**
     * Registered names are found by their id alone: every field of a registered name
     * carries its id, whatever its case, so no bytes need comparing.
     */
    private int indexOf(HeaderName name, int from) {
        int[] idx = index;
        int id = name.id();
        if (id >= 0) {
            for (int i = from; i < count; i++) {
                if (idx[i * SLOTS + 4] == id) {
                    return i;
                }
            }
            return -1;
        }
        for (int i = from; i < count; i++) {
            if (matches(i, name)) {
                return i;
            }
        }
        return -1;
    }

    private boolean matches(int i, HeaderName name) {
        int s = i * SLOTS;
        int id = name.id();
        if (id >= 0 || index[s + 4] >= 0) {
            return index[s + 4] == id;
        }
        return index[s + 1] == name.length() && Ascii.equalsLower(data, index[s], name.length(), name.lowerBytes());
    }

    /** The position of the first field named {@code name} (any case), or -1. */
    public int indexOf(CharSequence name) {
        for (int i = 0; i < count; i++) {
            int s = i * SLOTS;
            if (Ascii.equalsIgnoreCase(data, index[s], index[s + 1], name)) {
                return i;
            }
        }
        return -1;
    }

    public boolean contains(HeaderName name) {
        return indexOf(name) >= 0;
    }

    public boolean contains(String name) {
        return indexOf(name) >= 0;
    }

    /** The first value of {@code name}, or {@code null}. */
    public String get(HeaderName name) {
        int i = indexOf(name);
        return i < 0 ? null : value(i);
    }

    /** The first value of {@code name} (any case), or {@code null}. */
    public String get(String name) {
        int i = indexOf(name);
        return i < 0 ? null : value(i);
    }

    /** Every value of {@code name}, in order. */
    public List<String> getAll(HeaderName name) {
        List<String> values = new ArrayList<>(2);
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            values.add(value(i));
        }
        return values;
    }

    public List<String> getAll(String name) {
        return getAll(HeaderName.of(name));
    }

    /** Whether any field {@code name} holds {@code token} in its comma-separated list, ignoring case. */
    public boolean containsToken(HeaderName name, String token) {
        for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
            int s = i * SLOTS;
            if (Ascii.listContains(data, index[s + 2], index[s + 3], token)) {
                return true;
            }
        }
        return false;
    }

    public void forEach(BiConsumer<String, String> action) {
        for (int i = 0; i < count; i++) {
            action.accept(name(i), value(i));
        }
    }

    // ---- mutation -------------------------------------------------------------

    /** Replaces every field {@code name} with one holding {@code value}. */
    public Headers set(HeaderName name, String value) {
        // Added before the old fields go, so that a rejected value leaves them in place.
        int old = count;
        add(name, value);
        remove(name, old);
        return this;
    }

    public Headers set(String name, String value) {
        return set(HeaderName.of(name), value);
    }

    /** Replaces every field {@code name} with one holding the decimal {@code value}. */
    public Headers set(HeaderName name, long value) {
        remove(name);
        int start = beginField(name);
        if (value < 0) {
            ensureData(1);
            data[dataLength++] = '-';
        }
        // Digits come from the value made negative: Long.MIN_VALUE has no positive counterpart.
        long v = value < 0 ? value : -value;
        int digits = 1;
        for (long t = v; t <= -10; t /= 10) {
            digits++;
        }
        ensureData(digits);
        for (int p = dataLength + digits - 1; p >= dataLength; p--) {
            data[p] = (byte) ('0' - v % 10);
            v /= 10;
        }
        dataLength += digits;
        endField(start);
        return this;
    }

    /** Replaces every field {@code name} with one holding {@code value}, already encoded and validated. */
    public Headers set(HeaderName name, byte[] value) {
        validateValue(value);
        remove(name);
        int start = beginField(name);
        ensureData(value.length);
        System.arraycopy(value, 0, data, dataLength, value.length);
        dataLength += value.length;
        endField(start);
        return this;
    }

    /** Appends a field, keeping any others of the same name. */
    public Headers add(HeaderName name, String value) {
        int start = beginField(name);
        int n = value.length();
        ensureData(n);
        for (int i = 0; i < n; i++) {
            char c = value.charAt(i);
            if ((c < 0x20 && c != '\t') || c == 0x7F || c > 0xFF) {
                dataLength = index[count * SLOTS];
                throw new IllegalArgumentException("header value has a control or non-Latin-1 character at " + i);
            }
            data[dataLength + i] = (byte) c;
        }
        dataLength += n;
        endField(start);
        return this;
    }

    public Headers add(String name, String value) {
        return add(HeaderName.of(name), value);
    }

    /** Removes every field {@code name}; returns whether there was one. */
    public boolean remove(HeaderName name) {
        return remove(name, count);
    }

    /** Removes the fields {@code name} among the first {@code limit}. */
    private boolean remove(HeaderName name, int limit) {
        int w = 0;
        boolean removed = false;
        for (int r = 0; r < count; r++) {
            int s = r * SLOTS;
            if (r < limit && matches(r, name)) {
                removed = true;
                continue;
            }
            if (w != r) {
                System.arraycopy(index, s, index, w * SLOTS, SLOTS);
            }
            w++;
        }
        count = w;
        return removed;
    }

    public boolean remove(String name) {
        return remove(HeaderName.of(name));
    }

    public void clear() {
        count = 0;
        dataLength = 0;
    }

    /** Copies every field of {@code other} into this list. */
    public void addAll(Headers other) {
        for (int i = 0; i < other.count; i++) {
            int s = i * SLOTS;
            addRaw(other.data, other.index[s], other.index[s + 1], other.index[s + 2], other.index[s + 3]);
            index[(count - 1) * SLOTS + 4] = other.index[s + 4];
        }
    }

    private int beginField(HeaderName name) {
        byte[] bytes = name.bytes();
        ensureIndex();
        ensureData(bytes.length);
        int s = count * SLOTS;
        index[s] = dataLength;
        index[s + 1] = bytes.length;
        System.arraycopy(bytes, 0, data, dataLength, bytes.length);
        dataLength += bytes.length;
        index[s + 2] = dataLength;
        index[s + 4] = name.id();
        return dataLength;
    }

    private void endField(int valueStart) {
        index[count * SLOTS + 3] = dataLength - valueStart;
        count++;
    }

    private static void validateValue(byte[] value) {
        for (int i = 0; i < value.length; i++) {
            int c = value[i] & 0xFF;
            if ((c < 0x20 && c != '\t') || c == 0x7F) {
                throw new IllegalArgumentException("header value has a control character at " + i);
            }
        }
    }

    // ---- access for protocol engines -------------------------------------------

    /**
     * Appends a field copied from {@code src}; the caller has validated it. For protocol
     * engines that decode fields from the wire.
     */
    public void addRaw(byte[] src, int nameOff, int nameLen, int valueOff, int valueLen) {
        addRaw(src, nameOff, nameLen, src, valueOff, valueLen);
    }

    /** Like {@link #addRaw(byte[], int, int, int, int)}, for a name and a value in different arrays. */
    public void addRaw(byte[] nameSrc, int nameOff, int nameLen, byte[] valueSrc, int valueOff, int valueLen) {
        ensureIndex();
        ensureData(nameLen + valueLen);
        int s = count * SLOTS;
        index[s] = dataLength;
        index[s + 1] = nameLen;
        System.arraycopy(nameSrc, nameOff, data, dataLength, nameLen);
        dataLength += nameLen;
        index[s + 2] = dataLength;
        index[s + 3] = valueLen;
        System.arraycopy(valueSrc, valueOff, data, dataLength, valueLen);
        dataLength += valueLen;
        index[s + 4] = idOf(nameSrc, nameOff, nameLen);
        count++;
    }

    private static int idOf(byte[] src, int nameOff, int nameLen) {
        HeaderName known = HeaderName.known(src, nameOff, nameLen);
        return known == null ? -1 : known.id();
    }

    /**
     * Starts a block of fields that all lie in {@code src[off, off+len)}: the block is
     * copied once, and {@link #addBlockField} then records each field by its offsets in
     * {@code src}. Clears the list first.
     */
    public void resetToBlock(byte[] src, int off, int len) {
        beginBlock(off);
        endBlock(src, off, len);
    }

    private int blockBase;

    /** Records a field of the current block by its offsets in the source given to {@link #resetToBlock}. */
    public void addBlockField(int nameOff, int nameLen, int valueOff, int valueLen) {
        addBlockField(nameOff, nameLen, valueOff, valueLen, idOf(data, nameOff - blockBase, nameLen));
    }

    /**
     * Clears the list for a block of fields that lie in some source array from offset
     * {@code base} on: a parser records each field with {@link #addBlockField(int, int, int, int, int)}
     * as it finds it, then copies the block once with {@link #endBlock}.
     */
    public void beginBlock(int base) {
        count = 0;
        dataLength = 0;
        blockBase = base;
    }

    /**
     * Records a field of the block by its offsets in the source; {@code id} is its
     * {@link HeaderName#id()}, or -1 if the name is not registered.
     */
    public void addBlockField(int nameOff, int nameLen, int valueOff, int valueLen, int id) {
        ensureIndex();
        int s = count * SLOTS;
        index[s] = nameOff - blockBase;
        index[s + 1] = nameLen;
        index[s + 2] = valueOff - blockBase;
        index[s + 3] = valueLen;
        index[s + 4] = id;
        count++;
    }

    /** Copies the block {@code src[off, off+len)}, where {@code off} is the base given to {@link #beginBlock}. */
    public void endBlock(byte[] src, int off, int len) {
        if (data.length < len) {
            data = new byte[Math.max(len, data.length * 2)];
        }
        System.arraycopy(src, off, data, 0, len);
        dataLength = len;
    }

    /** The backing array; field {@code i} lies at the offsets below. */
    public byte[] rawData() {
        return data;
    }

    public int nameOffset(int i) {
        return index[i * SLOTS];
    }

    public int nameLength(int i) {
        return index[i * SLOTS + 1];
    }

    public int valueOffset(int i) {
        return index[i * SLOTS + 2];
    }

    public int valueLength(int i) {
        return index[i * SLOTS + 3];
    }

    /** The {@link HeaderName#id()} of field {@code i}'s name, or -1 if it is not registered. */
    public int nameId(int i) {
        return index[i * SLOTS + 4];
    }

    private void ensureIndex() {
        if ((count + 1) * SLOTS > index.length) {
            index = Arrays.copyOf(index, index.length * 2);
        }
    }

    private void ensureData(int more) {
        if (dataLength + more > data.length) {
            data = Arrays.copyOf(data, Math.max(data.length * 2, dataLength + more));
        }
    }

    private void check(int i) {
        if (i < 0 || i >= count) {
            throw new IndexOutOfBoundsException(i);
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < count; i++) {
            sb.append(name(i)).append(": ").append(value(i)).append('\n');
        }
        return sb.toString();
    }
}
