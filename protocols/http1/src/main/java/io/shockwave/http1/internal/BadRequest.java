package io.shockwave.http1.internal;

import io.shockwave.runtime.Status;

/**
 * A request the server refuses before any handler sees it. Instances are shared and
 * carry no stack trace, so rejecting input allocates nothing. The connection is closed
 * after the response: once framing is in doubt, nothing after it can be trusted.
 */
public final class BadRequest extends Exception {
    static final BadRequest MALFORMED_REQUEST_LINE = new BadRequest(Status.BAD_REQUEST, "Malformed request line");
    static final BadRequest BAD_TARGET = new BadRequest(Status.BAD_REQUEST, "Invalid character in the request target");
    static final BadRequest UNKNOWN_METHOD = new BadRequest(Status.NOT_IMPLEMENTED, "Method not implemented");
    static final BadRequest UNSUPPORTED_VERSION =
            new BadRequest(Status.HTTP_VERSION_NOT_SUPPORTED, "HTTP version not supported");
    static final BadRequest URI_TOO_LONG = new BadRequest(Status.URI_TOO_LONG, "Request target too long");
    static final BadRequest HEADERS_TOO_LARGE =
            new BadRequest(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "Header section too large");
    static final BadRequest TOO_MANY_HEADERS =
            new BadRequest(Status.REQUEST_HEADER_FIELDS_TOO_LARGE, "Too many header fields");
    static final BadRequest MALFORMED_HEADER = new BadRequest(Status.BAD_REQUEST, "Malformed header field");
    static final BadRequest WHITESPACE_BEFORE_COLON =
            new BadRequest(Status.BAD_REQUEST, "Whitespace between header field name and colon");
    static final BadRequest OBS_FOLD = new BadRequest(Status.BAD_REQUEST, "Obsolete line folding");
    static final BadRequest BAD_HEADER_CHARACTER =
            new BadRequest(Status.BAD_REQUEST, "Invalid character in a header field");
    static final BadRequest BARE_CR = new BadRequest(Status.BAD_REQUEST, "Bare CR in the request head");
    static final BadRequest BAD_CONTENT_LENGTH = new BadRequest(Status.BAD_REQUEST, "Invalid Content-Length");
    static final BadRequest CONFLICTING_CONTENT_LENGTH =
            new BadRequest(Status.BAD_REQUEST, "Differing Content-Length values");
    static final BadRequest CONTENT_LENGTH_WITH_CHUNKED =
            new BadRequest(Status.BAD_REQUEST, "Both Content-Length and Transfer-Encoding");
    static final BadRequest UNKNOWN_TRANSFER_CODING =
            new BadRequest(Status.NOT_IMPLEMENTED, "Transfer coding not implemented");
    static final BadRequest BAD_TRANSFER_ENCODING = new BadRequest(Status.BAD_REQUEST, "Invalid Transfer-Encoding");
    static final BadRequest TRANSFER_ENCODING_IN_HTTP10 =
            new BadRequest(Status.BAD_REQUEST, "Transfer-Encoding in an HTTP/1.0 request");
    static final BadRequest MISSING_HOST = new BadRequest(Status.BAD_REQUEST, "Missing Host header");
    static final BadRequest DUPLICATE_HOST = new BadRequest(Status.BAD_REQUEST, "More than one Host header");
    static final BadRequest BAD_HOST = new BadRequest(Status.BAD_REQUEST, "Invalid Host header");
    static final BadRequest EXPECTATION_FAILED = new BadRequest(Status.EXPECTATION_FAILED, "Unsupported expectation");
    static final BadRequest BODY_TOO_LARGE = new BadRequest(Status.CONTENT_TOO_LARGE, "Request body too large");
    static final BadRequest HEAD_TIMEOUT = new BadRequest(Status.REQUEST_TIMEOUT, "Request head not received in time");

    private final Status status;

    private BadRequest(Status status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public Status status() {
        return status;
    }
}
