package io.shockwave.benchmarks.peers;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

/**
 * What every peer server shares: the command line, the two bodies, the TLS key material and
 * the line the benchmark driver waits for.
 *
 * <p>Command line: {@code --port N} (default 8080) for cleartext HTTP/1.1, and h2c with prior
 * knowledge where the server can tell the two apart on one port; {@code --tls-port N --cert FILE
 * --key FILE} to listen with TLS as well, offering h2 and http/1.1 by ALPN. The certificate is
 * PEM, the key unencrypted PKCS#8 PEM ({@code BEGIN PRIVATE KEY}), EC P-256 as compare.sh makes
 * them. A server that cannot do one of those modes prints {@code unsupported: h2c|h2|h1-tls}.
 */
final class Peers {
    static final String PLAINTEXT_PATH = "/plaintext";
    static final String JSON_PATH = "/json";
    static final byte[] HELLO = "Hello, World!".getBytes(StandardCharsets.US_ASCII);
    static final byte[] JSON = "{\"message\":\"Hello, World!\"}".getBytes(StandardCharsets.US_ASCII);
    static final String TEXT_PLAIN = "text/plain";
    static final String APPLICATION_JSON = "application/json";

    // RFC 9110 §5.6.7 IMF-fixdate; RFC_1123_DATE_TIME would drop the leading zero of the day.
    private static final DateTimeFormatter IMF_FIXDATE =
            DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);

    private Peers() {
    }

    static Options options(String[] args) {
        int port = 8080;
        int tlsPort = Options.NO_TLS;
        Path cert = null;
        Path key = null;
        Path staticDir = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--static" -> staticDir = Path.of(value(args, ++i, "--static"));
                case "--port" -> port = Integer.parseInt(value(args, ++i, "--port"));
                case "--tls-port" -> tlsPort = Integer.parseInt(value(args, ++i, "--tls-port"));
                case "--cert" -> cert = Path.of(value(args, ++i, "--cert"));
                case "--key" -> key = Path.of(value(args, ++i, "--key"));
                default -> throw new IllegalArgumentException("unknown argument: " + args[i]);
            }
        }
        if (tlsPort != Options.NO_TLS && (cert == null || key == null)) {
            throw new IllegalArgumentException("--tls-port needs --cert FILE and --key FILE");
        }
        return new Options(port, tlsPort, cert, key, staticDir);
    }

    private static String value(String[] args, int i, String flag) {
        if (i >= args.length) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args[i];
    }

    /** The current time as an HTTP {@code Date} value, for servers that leave that header to the application. */
    static String httpDate() {
        return IMF_FIXDATE.format(ZonedDateTime.now(ZoneOffset.UTC));
    }

    /** {@code tlsPort} is the bound TLS port, or {@link Options#NO_TLS}. */
    static void ready(int port, int tlsPort) {
        System.out.println("ready on port " + port + (tlsPort == Options.NO_TLS ? "" : ", TLS on port " + tlsPort));
        System.out.flush();
    }

    /**
     * The parsed command line. The key material is read with plain JDK APIs, so each server gets
     * it in the form its TLS set-up takes (a JDK {@link SSLContext}, a {@link KeyManagerFactory},
     * or the key and chain), and every one of them uses the JDK's TLS.
     */
    /** {@code staticDir}: files to serve under {@code /static/}, for the servers that take part in that table; or null. */
    record Options(int port, int tlsPort, Path cert, Path key, Path staticDir) {
        static final int NO_TLS = -1;

        boolean tls() {
            return tlsPort != NO_TLS;
        }

        /** The PEM certificate chain, leaf first. */
        List<X509Certificate> chain() {
            try (InputStream in = Files.newInputStream(cert)) {
                List<X509Certificate> chain = new ArrayList<>();
                for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                    chain.add((X509Certificate) c);
                }
                if (chain.isEmpty()) {
                    throw new IllegalArgumentException(cert + " holds no certificate");
                }
                return chain;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot read the certificate " + cert + ": " + e.getMessage(), e);
            }
        }

        /** The unencrypted PKCS#8 EC key; {@code openssl req -newkey ec -nodes} writes that form. */
        PrivateKey privateKey() {
            try {
                String pem = Files.readString(key, StandardCharsets.US_ASCII);
                String begin = "-----BEGIN PRIVATE KEY-----";
                int start = pem.indexOf(begin);
                int end = pem.indexOf("-----END PRIVATE KEY-----");
                if (start < 0 || end < start) {
                    throw new IllegalArgumentException(key + " is not a PEM PKCS#8 key (BEGIN PRIVATE KEY)");
                }
                byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
                return KeyFactory.getInstance("EC").generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalArgumentException("cannot read the EC key " + key + ": " + e.getMessage(), e);
            }
        }

        /** The key and chain as the JDK's key managers, for servers that take a KeyManagerFactory. */
        KeyManagerFactory keyManagers() {
            try {
                // An in-memory PKCS#12 store with an empty password: it only carries the entry
                // to the factory.
                char[] none = new char[0];
                KeyStore store = KeyStore.getInstance("PKCS12");
                store.load(null, null);
                store.setKeyEntry("server", privateKey(), none, chain().toArray(new Certificate[0]));
                KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(store, none);
                return keys;
            } catch (IOException | GeneralSecurityException e) {
                throw new IllegalStateException("cannot make key managers from " + cert + " and " + key, e);
            }
        }

        /** A server-side JDK TLS context holding the key, for servers that take an SSLContext. */
        SSLContext sslContext() {
            try {
                SSLContext context = SSLContext.getInstance("TLS");
                context.init(keyManagers().getKeyManagers(), null, null);
                return context;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot make a TLS context", e);
            }
        }
    }
}
