package io.shockwave.runtime.internal;

import java.net.InetAddress;

/** An address or a CIDR block, {@code 10.0.0.0/8} or {@code fd00::/8}, parsed without a DNS lookup. */
public record AddressRange(byte[] network, int prefixBits) {

    public static AddressRange parse(String cidr) {
        int slash = cidr.indexOf('/');
        String literal = slash < 0 ? cidr : cidr.substring(0, slash);
        byte[] address;
        try {
            address = InetAddress.ofLiteral(literal).getAddress();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("not an IP address or CIDR block: " + cidr);
        }
        int bits = address.length * 8;
        if (slash >= 0) {
            try {
                bits = Integer.parseInt(cidr.substring(slash + 1));
            } catch (NumberFormatException e) {
                bits = -1;
            }
            if (bits < 0 || bits > address.length * 8) {
                throw new IllegalArgumentException("not a prefix length for " + literal + ": " + cidr);
            }
        }
        return new AddressRange(address, bits);
    }

    public boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefixBits / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xFF << (8 - rest)) & 0xFF;
        return (a[full] & mask) == (network[full] & mask);
    }
}
