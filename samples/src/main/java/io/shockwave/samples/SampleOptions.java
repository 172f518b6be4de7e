package io.shockwave.samples;

import io.shockwave.runtime.Server;
import io.shockwave.runtime.TlsConfig;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The command line the demo and every sample app take: {@code --port N} (8080) for HTTP/1.1
 * and h2c, {@code --tls-port N} (8443) for h2, http/1.1 and HTTP/3 with a self-signed
 * certificate whose pin is logged, or {@code --cert CHAIN.pem --key KEY.pem}, {@code --no-tls},
 * {@code --host ADDRESS}; what is left is the app's own.
 */
public record SampleOptions(String host, int port, int tlsPort, Path cert, Path key, List<String> rest) {

    public static SampleOptions parse(String[] args) {
        String host = null;
        int port = 8080;
        int tlsPort = 8443;
        Path cert = null;
        Path key = null;
        List<String> rest = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--port" -> port = Integer.parseInt(value(args, ++i));
                case "--tls-port" -> tlsPort = Integer.parseInt(value(args, ++i));
                case "--no-tls" -> tlsPort = -1;
                case "--host" -> host = value(args, ++i);
                case "--cert" -> cert = Path.of(value(args, ++i));
                case "--key" -> key = Path.of(value(args, ++i));
                default -> rest.add(args[i]);
            }
        }
        if ((cert == null) != (key == null)) {
            throw new IllegalArgumentException("--cert and --key go together");
        }
        return new SampleOptions(host, port, tlsPort, cert, key, List.copyOf(rest));
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            throw new IllegalArgumentException(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    /** Fails on arguments the app does not take. */
    public SampleOptions noOthers(String usage) {
        if (!rest.isEmpty()) {
            throw new IllegalArgumentException("unknown argument: " + rest.getFirst() + " (usage: " + usage + ")");
        }
        return this;
    }

    /** The certificate given with {@code --cert} and {@code --key}, or null: a self-signed one is made. */
    public TlsConfig tls() {
        return tlsPort < 0 || cert == null ? null : TlsConfig.pem(cert, key);
    }

    /** A builder with these listeners. */
    public Server.Builder builder() {
        Server.Builder b = Server.builder().http(host, port);
        if (tlsPort >= 0) {
            b.https(host, tlsPort);
            TlsConfig tls = tls();
            if (tls != null) {
                b.tls(tls);
            }
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
