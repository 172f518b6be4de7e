package io.shockwave.runtime.internal;

import io.shockwave.runtime.HeaderName;
import io.shockwave.runtime.Headers;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The hops proxies recorded in a request, nearest last: from {@code Forwarded} (RFC 7239),
 * or from {@code X-Forwarded-For} with {@code X-Forwarded-Proto} and {@code -Host} aligned
 * to it from the right (a proxy that sets a single {@code Proto} sets
 * it for its own hop). Values that are not what they claim (a {@code for} that is no IP
 * literal, a proto other than http or https, a host with characters no host has) are null:
 * they came from someone, possibly the client, who was not careful.
 */
public final class ForwardedHops {
    /** Hops read from the right at most: a proxy chain is short, a forged list may be long. */
    public static final int MAX_HOPS = 32;

    /** One hop: the address that connected to the proxy, and what it asked that proxy for. */
    public record Hop(InetAddress forAddress, String proto, String host) {
    }

    private ForwardedHops() {
    }

    /** The hops {@code Forwarded} records, nearest last, at most {@link #MAX_HOPS}. */
    public static List<Hop> fromForwarded(Headers headers) {
        return fromForwarded(headers.getAll(HeaderName.FORWARDED));
    }

    /**
     * The hops the {@code X-Forwarded-*} fields record, nearest last, at most {@link #MAX_HOPS}:
     * {@code X-Forwarded-For}, and {@code -Proto} and {@code -Host} only when asked for, since a
     * proxy that sets one may pass the others on as the client wrote them.
     */
    public static List<Hop> fromXForwarded(Headers headers, boolean withProto, boolean withHost) {
        List<String> fors = split(headers.getAll(HeaderName.X_FORWARDED_FOR));
        if (fors.isEmpty()) {
            return List.of();
        }
        List<String> protos = withProto ? split(headers.getAll(HeaderName.X_FORWARDED_PROTO)) : List.of();
        List<String> hosts = withHost ? split(headers.getAll(HeaderName.X_FORWARDED_HOST)) : List.of();
        List<Hop> hops = new ArrayList<>();
        for (int i = 0; i < fors.size(); i++) {
            int fromRight = fors.size() - i;
            hops.add(new Hop(address(fors.get(i)), proto(aligned(protos, fromRight)), host(aligned(hosts, fromRight))));
        }
        return hops;
    }

    private static String aligned(List<String> values, int fromRight) {
        int i = values.size() - fromRight;
        return i >= 0 ? values.get(i) : null;
    }

    /** The comma-separated values of the fields, the last {@link #MAX_HOPS} of them. */
    private static List<String> split(List<String> fields) {
        List<String> out = new ArrayList<>();
        for (String f : fields) {
            for (String v : f.split(",", -1)) {
                out.add(v.strip());
            }
        }
        return out.size() > MAX_HOPS ? out.subList(out.size() - MAX_HOPS, out.size()) : out;
    }

    private static List<Hop> fromForwarded(List<String> fields) {
        List<Hop> hops = new ArrayList<>();
        for (String f : fields) {
            for (String element : HeaderParameters.splitOutsideQuotes(f, ',')) {
                InetAddress forAddress = null;
                String proto = null;
                String host = null;
                for (String pair : HeaderParameters.splitOutsideQuotes(element, ';')) {
                    int eq = pair.indexOf('=');
                    if (eq < 0) {
                        continue;
                    }
                    String name = pair.substring(0, eq).strip().toLowerCase(Locale.ROOT);
                    String value = HeaderParameters.unquote(pair.substring(eq + 1).strip());
                    switch (name) {
                        case "for" -> forAddress = address(value);
                        case "proto" -> proto = proto(value);
                        case "host" -> host = host(value);
                        default -> {
                        }
                    }
                }
                hops.add(new Hop(forAddress, proto, host));
            }
        }
        return hops.size() > MAX_HOPS ? hops.subList(hops.size() - MAX_HOPS, hops.size()) : hops;
    }

    /**
     * An IP literal, with or without a port: {@code 192.0.2.1}, {@code 192.0.2.1:80},
     * {@code [2001:db8::1]:80}, {@code 2001:db8::1}; null for {@code unknown}, an obfuscated
     * identifier or anything else. Never a DNS lookup.
     */
    static InetAddress address(String v) {
        if (v == null || v.isEmpty() || v.length() > 64) {
            return null;
        }
        String literal = v;
        if (v.charAt(0) == '[') {
            int close = v.indexOf(']');
            if (close < 0) {
                return null;
            }
            literal = v.substring(1, close);
        } else if (v.indexOf(':') >= 0 && v.indexOf(':') == v.lastIndexOf(':')) {
            literal = v.substring(0, v.indexOf(':')); // IPv4 with a port
        }
        try {
            return InetAddress.ofLiteral(literal);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String proto(String v) {
        if (v == null) {
            return null;
        }
        String lower = v.toLowerCase(Locale.ROOT);
        return lower.equals("http") || lower.equals("https") ? lower : null;
    }

    /** A host as {@code Host} carries it: a name or IP literal and an optional port. */
    private static String host(String v) {
        if (v == null || v.isEmpty() || v.length() > 255) {
            return null;
        }
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == '~' || c == ':' || c == '[' || c == ']';
            if (!ok) {
                return null;
            }
        }
        return v;
    }
}
