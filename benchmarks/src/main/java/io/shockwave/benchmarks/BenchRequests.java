package io.shockwave.benchmarks;

import java.nio.charset.StandardCharsets;

/** Request heads the benchmarks parse: what a current desktop Firefox sends for a plain navigation. */
final class BenchRequests {
    private BenchRequests() {
    }

    /** A browser GET of {@code target} with eight header fields, the User-Agent of Firefox 133 on Linux. */
    static byte[] browserGet(String target) {
        return ("GET " + target + " HTTP/1.1\r\n"
                + "Host: localhost:8080\r\n"
                + "User-Agent: Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0\r\n"
                + "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\n"
                + "Accept-Language: en-US,en;q=0.5\r\n"
                + "Accept-Encoding: gzip, deflate, br, zstd\r\n"
                + "Connection: keep-alive\r\n"
                + "Upgrade-Insecure-Requests: 1\r\n"
                + "Cache-Control: max-age=0\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** {@code count} copies of {@code request} back to back, as a client that pipelines sends them. */
    static byte[] repeat(byte[] request, int count) {
        byte[] all = new byte[request.length * count];
        for (int i = 0; i < count; i++) {
            System.arraycopy(request, 0, all, i * request.length, request.length);
        }
        return all;
    }
}
