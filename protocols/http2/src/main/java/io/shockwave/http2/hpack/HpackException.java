package io.shockwave.http2.hpack;

/**
 * A header block that cannot be decoded: RFC 7541 calls it a decoding error, and RFC
 * 9113 §4.3 makes it a connection error of type COMPRESSION_ERROR, since the two ends'
 * dynamic tables may no longer agree. Shared instances without a stack trace: a client
 * can cause them at will.
 */
public final class HpackException extends Exception {
    static final HpackException TRUNCATED = new HpackException("Header block ends inside a field");
    static final HpackException BAD_INDEX = new HpackException("Header field index out of range");
    static final HpackException BAD_INTEGER = new HpackException("Integer too large");
    static final HpackException BAD_HUFFMAN = new HpackException("Invalid Huffman coding");
    static final HpackException BAD_SIZE_UPDATE = new HpackException("Dynamic table size update not allowed here");

    private HpackException(String message) {
        super(message, null, false, false);
    }
}
