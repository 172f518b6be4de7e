package io.shockwave.runtime;

import java.nio.charset.StandardCharsets;

/**
 * An HTTP status code with its reason phrase (RFC 9110 §15). Instances for the
 * registered codes are shared, so {@link #of(int)} allocates nothing for them, and
 * each carries its HTTP/1.1 status line pre-encoded.
 */
public final class Status {
    private static final Status[] BY_CODE = new Status[600];

    public static final Status CONTINUE = register(100, "Continue");
    public static final Status SWITCHING_PROTOCOLS = register(101, "Switching Protocols");
    public static final Status OK = register(200, "OK");
    public static final Status CREATED = register(201, "Created");
    public static final Status ACCEPTED = register(202, "Accepted");
    public static final Status NON_AUTHORITATIVE_INFORMATION = register(203, "Non-Authoritative Information");
    public static final Status NO_CONTENT = register(204, "No Content");
    public static final Status RESET_CONTENT = register(205, "Reset Content");
    public static final Status PARTIAL_CONTENT = register(206, "Partial Content");
    public static final Status MULTIPLE_CHOICES = register(300, "Multiple Choices");
    public static final Status MOVED_PERMANENTLY = register(301, "Moved Permanently");
    public static final Status FOUND = register(302, "Found");
    public static final Status SEE_OTHER = register(303, "See Other");
    public static final Status NOT_MODIFIED = register(304, "Not Modified");
    public static final Status TEMPORARY_REDIRECT = register(307, "Temporary Redirect");
    public static final Status PERMANENT_REDIRECT = register(308, "Permanent Redirect");
    public static final Status BAD_REQUEST = register(400, "Bad Request");
    public static final Status UNAUTHORIZED = register(401, "Unauthorized");
    public static final Status PAYMENT_REQUIRED = register(402, "Payment Required");
    public static final Status FORBIDDEN = register(403, "Forbidden");
    public static final Status NOT_FOUND = register(404, "Not Found");
    public static final Status METHOD_NOT_ALLOWED = register(405, "Method Not Allowed");
    public static final Status NOT_ACCEPTABLE = register(406, "Not Acceptable");
    public static final Status PROXY_AUTHENTICATION_REQUIRED = register(407, "Proxy Authentication Required");
    public static final Status REQUEST_TIMEOUT = register(408, "Request Timeout");
    public static final Status CONFLICT = register(409, "Conflict");
    public static final Status GONE = register(410, "Gone");
    public static final Status LENGTH_REQUIRED = register(411, "Length Required");
    public static final Status PRECONDITION_FAILED = register(412, "Precondition Failed");
    public static final Status CONTENT_TOO_LARGE = register(413, "Content Too Large");
    public static final Status URI_TOO_LONG = register(414, "URI Too Long");
    public static final Status UNSUPPORTED_MEDIA_TYPE = register(415, "Unsupported Media Type");
    public static final Status RANGE_NOT_SATISFIABLE = register(416, "Range Not Satisfiable");
    public static final Status EXPECTATION_FAILED = register(417, "Expectation Failed");
    public static final Status MISDIRECTED_REQUEST = register(421, "Misdirected Request");
    public static final Status UNPROCESSABLE_CONTENT = register(422, "Unprocessable Content");
    public static final Status UPGRADE_REQUIRED = register(426, "Upgrade Required");
    public static final Status PRECONDITION_REQUIRED = register(428, "Precondition Required");
    public static final Status TOO_MANY_REQUESTS = register(429, "Too Many Requests");
    public static final Status REQUEST_HEADER_FIELDS_TOO_LARGE = register(431, "Request Header Fields Too Large");
    public static final Status INTERNAL_SERVER_ERROR = register(500, "Internal Server Error");
    public static final Status NOT_IMPLEMENTED = register(501, "Not Implemented");
    public static final Status BAD_GATEWAY = register(502, "Bad Gateway");
    public static final Status SERVICE_UNAVAILABLE = register(503, "Service Unavailable");
    public static final Status GATEWAY_TIMEOUT = register(504, "Gateway Timeout");
    public static final Status HTTP_VERSION_NOT_SUPPORTED = register(505, "HTTP Version Not Supported");

    private final int code;
    private final String reason;
    private final byte[] http11StatusLine;

    private Status(int code, String reason) {
        if (code < 100 || code > 599) {
            throw new IllegalArgumentException("status code out of range 100..599: " + code);
        }
        for (int i = 0; i < reason.length(); i++) {
            char c = reason.charAt(i);
            if (c != '\t' && (c < 0x20 || c > 0x7E)) {
                throw new IllegalArgumentException("reason phrase must be printable ASCII");
            }
        }
        this.code = code;
        this.reason = reason;
        this.http11StatusLine = ("HTTP/1.1 " + code + " " + reason + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private static Status register(int code, String reason) {
        Status status = new Status(code, reason);
        BY_CODE[code] = status;
        return status;
    }

    /** The shared instance for a registered code, or a new one with reason "Unknown". */
    public static Status of(int code) {
        if (code >= 100 && code < 600 && BY_CODE[code] != null) {
            return BY_CODE[code];
        }
        return new Status(code, "Unknown");
    }

    /** A status with a custom reason phrase; prefer the constants. */
    public static Status of(int code, String reason) {
        Status known = code >= 100 && code < 600 ? BY_CODE[code] : null;
        return known != null && known.reason.equals(reason) ? known : new Status(code, reason);
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    /** 1 for informational, 2 for success, ... 5 for server error. */
    public int statusClass() {
        return code / 100;
    }

    /** RFC 9110 §6.4.1: 1xx, 204 and 304 responses never carry content. */
    public boolean allowsContent() {
        return code >= 200 && code != 204 && code != 304;
    }

    /** {@code "HTTP/1.1 200 OK\r\n"}, shared: do not modify. */
    public byte[] http11StatusLine() {
        return http11StatusLine;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Status s && s.code == code;
    }

    @Override
    public int hashCode() {
        return code;
    }

    @Override
    public String toString() {
        return code + " " + reason;
    }
}
