package io.shockwave.samples;

import io.shockwave.runtime.Server;

import java.util.ArrayList;
import java.util.List;

/**
 * The command line every sample app takes: {@code --port N} (8080) for HTTP/1.1 and h2c,
 * {@code --tls-port N} (8443) for h2, http/1.1 and HTTP/3 with a self-signed certificate whose
 * pin is logged, {@code --no-tls}, {@code --host ADDRESS}; what is left is the app's own.
 */
public record SampleOptions(String host, int port, int tlsPort, List<String> rest) {

    public static SampleOptions parse(String[] args) {
        String host = null;
        int port = 8080;
        int tlsPort = 8443;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--tls-port" -> tlsPort = Integer.parseInt(value(args, ++i));
                case "--no-tls" -> tlsPort = -1;
                case "--host" -> host = value(args, ++i);
                default -> rest.add(args[i]);
            }
        }
        return new SampleOptions(host, port, tlsPort, List.copyOf(rest));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** A builder with these listeners. */
    public Server.Builder builder() {
        Server.Builder b = Server.builder().http(host, port);
        if (tlsPort >= 0) {
            b.https(host, tlsPort);
        }
        return b;
    }

    /** Where the app can be reached, for the line it prints at start. */
    public static String urls(Server server) {
        String http = "http://localhost:" + server.port() + "/";
        try {
            return http + " and https://localhost:" + server.tlsPort() + "/";
        } catch (IllegalStateException noTls) {
            return http;
        }
    }
}
