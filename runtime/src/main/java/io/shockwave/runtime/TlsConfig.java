package io.shockwave.runtime;

import io.shockwave.runtime.internal.SelfSignedCertificate;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.InvalidKeySpecException;
import java.security.spec.PKCS8EncodedKeySpec;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;

/**
 * The certificate and key a TLS listener presents: a PEM chain with a PEM private key
 * (PKCS#8, EC or RSA), a PKCS#12 key store, or a self-signed ECDSA P-256 certificate for
 * {@code localhost}, {@code 127.0.0.1} and {@code ::1} made on the spot. TLS itself is the
 * JDK's: TLS 1.3 and 1.2.
 */
public final class TlsConfig {
    private final List<X509Certificate> chain;
    private final PrivateKey key;
    private final boolean selfSigned;
    private final SSLContext context;

    private TlsConfig(List<X509Certificate> chain, PrivateKey key, boolean selfSigned) {
        if (chain.isEmpty()) {
            throw new IllegalArgumentException("no certificate");
        }
        this.chain = List.copyOf(chain);
        this.key = key;
        this.selfSigned = selfSigned;
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            char[] none = new char[0];
            store.setKeyEntry("server", key, none, chain.toArray(new Certificate[0]));
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, none);
            SSLContext ssl = SSLContext.getInstance("TLS");
            ssl.init(keys.getKeyManagers(), null, null);
            this.context = ssl;
        } catch (GeneralSecurityException | IOException e) {
            throw new IllegalArgumentException("cannot use this certificate and key: " + e.getMessage(), e);
        }
    }

    /** A new self-signed ECDSA P-256 certificate, valid for a year; its pin is {@link #spkiSha256()}. */
    public static TlsConfig selfSigned() {
        try {
            SelfSignedCertificate.Made made = SelfSignedCertificate.make(Duration.ofDays(365));
            return new TlsConfig(List.of(made.certificate()), made.keys().getPrivate(), true);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot make a self-signed certificate", e);
        }
    }

    /** A PEM certificate chain (leaf first) and a PEM PKCS#8 private key ({@code BEGIN PRIVATE KEY}, EC or RSA). */
    public static TlsConfig pem(Path certificateChain, Path privateKey) {
        try {
            List<X509Certificate> chain = new ArrayList<>();
            try (InputStream in = Files.newInputStream(certificateChain)) {
                Collection<? extends Certificate> read = CertificateFactory.getInstance("X.509").generateCertificates(in);
                for (Certificate c : read) {
                    chain.add((X509Certificate) c);
                }
            }
            return new TlsConfig(chain, readPkcs8(Files.readString(privateKey, StandardCharsets.US_ASCII)), false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + certificateChain + " or " + privateKey, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot parse " + certificateChain + ": " + e.getMessage(), e);
        }
    }

    /** The first key entry of a PKCS#12 key store. */
    public static TlsConfig pkcs12(Path keyStore, char[] password) {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    PrivateKey key = (PrivateKey) store.getKey(alias, password);
                    List<X509Certificate> chain = new ArrayList<>();
                    for (Certificate c : store.getCertificateChain(alias)) {
                        chain.add((X509Certificate) c);
                    }
                    return new TlsConfig(chain, key, false);
                }
            }
            throw new IllegalArgumentException(keyStore + " holds no private key");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + keyStore, e);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot use " + keyStore + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey readPkcs8(String pem) throws GeneralSecurityException {
        String begin = "-----BEGIN PRIVATE KEY-----";
        int start = pem.indexOf(begin);
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (start < 0 || end < start) {
            throw new InvalidKeySpecException("expected a PEM PKCS#8 key (BEGIN PRIVATE KEY); convert others with "
                    + "'openssl pkcs8 -topk8 -nocrypt'");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(start + begin.length(), end));
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : new String[] {"EC", "RSA", "Ed25519"}) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (InvalidKeySpecException e) {
                // not this algorithm: try the next
            }
        }
        throw new InvalidKeySpecException("the PKCS#8 key is neither EC nor RSA");
    }

    /** The JDK's TLS context holding the key; listeners make their engines from it. */
    public SSLContext sslContext() {
        return context;
    }

    public X509Certificate certificate() {
        return chain.getFirst();
    }

    public List<X509Certificate> chain() {
        return chain;
    }

    /** The private key, to keep a generated certificate for the next start, say. */
    public PrivateKey privateKey() {
        return key;
    }

    public boolean isSelfSigned() {
        return selfSigned;
    }

    /**
     * The SHA-256 of the certificate's SubjectPublicKeyInfo in base64: what Chromium's
     * {@code --ignore-certificate-errors-spki-list} and curl's {@code --pinnedpubkey sha256//} take.
     */
    public String spkiSha256() {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(certificate().getPublicKey().getEncoded());
            return Base64.getEncoder().encodeToString(digest);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The leaf certificate in PEM, for a client to trust. */
    public String certificatePem() {
        try {
            return "-----BEGIN CERTIFICATE-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(certificate().getEncoded())
                    + "\n-----END CERTIFICATE-----\n";
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
