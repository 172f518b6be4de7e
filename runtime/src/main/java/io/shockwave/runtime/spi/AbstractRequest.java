package io.shockwave.runtime.spi;

import io.shockwave.runtime.HttpException;
import io.shockwave.runtime.Request;
import io.shockwave.runtime.Status;
import io.shockwave.runtime.internal.ParamStack;
import io.shockwave.runtime.internal.PathCaptures;
import io.shockwave.runtime.internal.PercentCodec;
import io.shockwave.runtime.internal.UrlEncoded;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The protocol-independent half of a request: the target, its lazily decoded path and
 * query, and the parameters a route captured. Protocol engines extend it and call
 * {@link #target} once per request; the router matches {@link #routingPath()} bytes, so
 * routing a request allocates nothing.
 */
public abstract class AbstractRequest implements Request, PathCaptures {
    protected AbstractRequest() {
    }

    private static final HttpException ABOVE_ROOT =
            new HttpException(Status.BAD_REQUEST, "The request path climbs above the root");
    private static final HttpException ENCODED_SLASH =
            new HttpException(Status.BAD_REQUEST, "Encoded '/' in the request path");

    private byte[] target;
    private int pathOffset;
    private int pathLength;
    private int queryOffset;
    private int queryLength;

    private byte[] routing;
    private int routingOffset;
    private int routingLength;
    private byte[] decoded;

    private String path;
    private String rawPath;
    private String rawQuery;
    private Map<String, List<String>> query;

    private final ParamStack params = new ParamStack();

    /** Names at even, values at odd indices; made on the first attribute. */
    private Object[] attributes;
    private int attributeCount;

    /**
     * Sets the request target for a new request: the path is {@code buf[pathOffset, +pathLength)},
     * the query (without {@code ?}) {@code buf[queryOffset, +queryLength)}, or queryOffset -1
     * when there is none. {@code buf} must stay unchanged until the exchange ends.
     */
    protected final void target(byte[] buf, int pathOffset, int pathLength, int queryOffset, int queryLength) {
        this.target = buf;
        this.pathOffset = pathOffset;
        this.pathLength = pathLength;
        this.queryOffset = queryOffset;
        this.queryLength = queryLength;
        this.path = null;
        this.rawPath = null;
        this.rawQuery = null;
        this.query = null;
        params.clear();
        this.routing = null;
        endExchange();
    }

    /**
     * Drops what the exchange attached to the request, so that an idle connection does not
     * keep it alive; {@link #target} does it too, for an engine that does not call this.
     */
    public final void endExchange() {
        if (attributeCount > 0) {
            Arrays.fill(attributes, 0, attributeCount * 2, null);
            attributeCount = 0;
        }
    }

    @Override
    @SuppressWarnings("unchecked")
    public final <T> T attribute(String name) {
        for (int i = 0; i < attributeCount; i++) {
            if (attributes[i * 2].equals(name)) {
                return (T) attributes[i * 2 + 1];
            }
        }
        return null;
    }

    @Override
    public final Request attribute(String name, Object value) {
        java.util.Objects.requireNonNull(name, "name");
        for (int i = 0; i < attributeCount; i++) {
            if (attributes[i * 2].equals(name)) {
                if (value != null) {
                    attributes[i * 2 + 1] = value;
                } else {
                    // the last moves into the gap: attributes are few and unordered
                    attributeCount--;
                    attributes[i * 2] = attributes[attributeCount * 2];
                    attributes[i * 2 + 1] = attributes[attributeCount * 2 + 1];
                    attributes[attributeCount * 2] = null;
                    attributes[attributeCount * 2 + 1] = null;
                }
                return this;
            }
        }
        if (value != null) {
            if (attributes == null) {
                attributes = new Object[8];
            } else if (attributeCount * 2 == attributes.length) {
                attributes = Arrays.copyOf(attributes, attributes.length * 2);
            }
            attributes[attributeCount * 2] = name;
            attributes[attributeCount * 2 + 1] = value;
            attributeCount++;
        }
        return this;
    }

    private void prepareRouting() {
        int end = pathOffset + pathLength;
        boolean escaped = false;
        for (int i = pathOffset; i < end; i++) {
            if (target[i] == '%') {
                rejectEncodedSlash(target, i, end);
                escaped = true;
                break;
            }
        }
        if (!escaped && !hasDotSegment(target, pathOffset, end)) {
            routing = target;
            routingOffset = pathOffset;
            routingLength = pathLength;
            return;
        }
        if (decoded == null || decoded.length < pathLength) {
            decoded = new byte[Math.max(pathLength, decoded == null ? 64 : decoded.length * 2)];
        }
        int length = escaped
                ? PercentCodec.decode(target, pathOffset, pathLength, decoded, false)
                : copy(target, pathOffset, pathLength, decoded);
        if (length > 0 && decoded[0] == '/' && hasDotSegment(decoded, 0, length)) {
            length = removeDotSegments(decoded, length);
        }
        routing = decoded;
        routingOffset = 0;
        routingLength = length;
    }

    private static int copy(byte[] src, int off, int len, byte[] dst) {
        System.arraycopy(src, off, dst, 0, len);
        return len;
    }

    /** Whether a segment of the path is {@code .} or {@code ..}. */
    private static boolean hasDotSegment(byte[] buf, int off, int end) {
        for (int i = off; i < end - 1; i++) {
            if (buf[i] == '/' && buf[i + 1] == '.') {
                int next = i + 2;
                if (next == end || buf[next] == '/'
                        || (buf[next] == '.' && (next + 1 == end || buf[next + 1] == '/'))) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * RFC 3986 §5.2.4 on an absolute path, in place: {@code /a/./b/../c} routes as
     * {@code /a/c}, so a pattern such as {@code /static/*} never captures {@code ..}.
     * A path that climbs above the root is refused.
     */
    private static int removeDotSegments(byte[] buf, int length) {
        int w = 0;
        int i = 0;
        while (i < length) {
            int start = i + 1;
            int stop = start;
            while (stop < length && buf[stop] != '/') {
                stop++;
            }
            int segment = stop - start;
            boolean last = stop == length;
            if (segment == 1 && buf[start] == '.') {
                if (last) {
                    buf[w++] = '/';
                }
            } else if (segment == 2 && buf[start] == '.' && buf[start + 1] == '.') {
                if (w == 0) {
                    throw ABOVE_ROOT;
                }
                while (buf[--w] != '/') {
                    // back to the slash that opened the segment being removed
                }
                if (last) {
                    buf[w++] = '/';
                }
            } else {
                buf[w++] = '/';
                System.arraycopy(buf, start, buf, w, segment);
                w += segment;
            }
            i = stop;
        }
        if (w == 0) {
            buf[w++] = '/';
        }
        return w;
    }

    /**
     * An encoded '/' is data within a segment (RFC 3986 §2.2), but the decoded path is
     * matched segment by segment, where it would become a separator: {@code /admin%2Fx}
     * would reach the route for {@code /admin/x} behind a proxy that saw one segment.
     * Such paths are refused rather than guessed at.
     */
    private static void rejectEncodedSlash(byte[] buf, int from, int end) {
        for (int i = from; i + 2 < end; i++) {
            if (buf[i] == '%' && buf[i + 1] == '2' && (buf[i + 2] == 'F' || buf[i + 2] == 'f')) {
                throw ENCODED_SLASH;
            }
        }
    }

    /** The percent-decoded path as bytes; throws {@link io.shockwave.runtime.HttpException} 400 if malformed. */
    public final byte[] routingPath() {
        if (routing == null) {
            prepareRouting();
        }
        return routing;
    }

    public final int routingPathOffset() {
        return routingOffset;
    }

    public final int routingPathLength() {
        return routingLength;
    }

    /** Records a captured path parameter; bounds are offsets into {@link #routingPath()}. */
    @Override
    public final void pushPathParam(String name, int start, int end) {
        params.push(name, start, end);
    }

    @Override
    public final void popPathParam() {
        params.pop();
    }

    @Override
    public final String pathParam(String name) {
        return params.value(name, routing);
    }

    @Override
    public final String path() {
        if (path == null) {
            byte[] r = routingPath();
            path = new String(r, routingOffset, routingLength, StandardCharsets.UTF_8);
        }
        return path;
    }

    @Override
    public final String rawPath() {
        if (rawPath == null) {
            rawPath = new String(target, pathOffset, pathLength, StandardCharsets.ISO_8859_1);
        }
        return rawPath;
    }

    @Override
    public final String rawQuery() {
        if (rawQuery == null && queryOffset >= 0) {
            rawQuery = new String(target, queryOffset, queryLength, StandardCharsets.ISO_8859_1);
        }
        return rawQuery;
    }

    @Override
    public final String queryParam(String name) {
        List<String> values = queryParams().get(name);
        return values == null ? null : values.getFirst();
    }

    @Override
    public final List<String> queryParams(String name) {
        List<String> values = queryParams().get(name);
        return values == null ? List.of() : values;
    }

    @Override
    public final Map<String, List<String>> queryParams() {
        if (query == null) {
            query = queryOffset < 0 ? Map.of() : UrlEncoded.parse(target, queryOffset, queryLength);
        }
        return query;
    }
}
