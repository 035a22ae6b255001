package dev.sandgate.cert;

import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * Which TLS server certificates to trust when talking to the sandbox API and the gateway over https/wss.
 *
 * <pre>{@code
 * TlsTrust trust = TlsTrust.trusting(gateway.tlsCertificate()); // a test gateway's self-signed certificate
 * TlsTrust system = TlsTrust.system();                        // the JVM's default trust store
 * TlsTrust store = TlsTrust.trustStore(keyStore);              // a trust store loaded from a JKS or PKCS12 file
 * TlsTrust own = TlsTrust.of(sslContext, trustManager);        // a context of your own, e.g. with client certificates
 * }</pre>
 *
 * <p>Host names are always verified against the server's certificate.
 */
public final class TlsTrust {
    /** The trust store to set up from, null for the JVM's; unused once set up. */
    private final KeyStore store;
    private final String description;
    // set up when made, or on first use for system()
    private SSLContext sslContext;
    private X509TrustManager trustManager;

    private TlsTrust(SSLContext sslContext, X509TrustManager trustManager, String description) {
        this.store = null;
        this.sslContext = sslContext;
        this.trustManager = trustManager;
        this.description = description;
    }

    private TlsTrust(KeyStore store, String description) {
        this.store = store;
        this.description = description;
    }

    /**
     * The JVM's default trust store, read on first use.
     *
     * @return the JVM's default trust store
     */
    public static TlsTrust system() {
        // set up on first use: a program that never speaks TLS (plain http on loopback) never reads the trust store
        return new TlsTrust(null, "system");
    }

    /**
     * Trusts exactly the given certificates (and nothing from the system trust store).
     *
     * @param certificates the server or CA certificates to trust; none at all trusts no server
     * @return a trust whose TLS context is set up already
     */
    public static TlsTrust trusting(X509Certificate... certificates) {
        try {
            KeyStore store = KeyStore.getInstance(KeyStore.getDefaultType());
            store.load(null, null);
            for (int i = 0; i < certificates.length; i++) {
                store.setCertificateEntry("trusted-" + i, certificates[i]);
            }
            return create(store, certificates.length + " pinned certificate(s)");
        } catch (Exception e) {
            throw new IllegalArgumentException("Cannot build a trust store from the given certificates: " + e.getMessage(), e);
        }
    }

    /**
     * Trusts the certificates in a trust store (and nothing from the system trust store).
     *
     * @param store a loaded key store whose certificate entries are trusted
     * @return a trust whose TLS context is set up already
     */
    public static TlsTrust trustStore(KeyStore store) {
        Objects.requireNonNull(store, "store");
        try {
            return create(store, "trust store of " + store.size() + " entr" + (store.size() == 1 ? "y" : "ies"));
        } catch (java.security.KeyStoreException e) {
            throw new IllegalArgumentException("The trust store is not loaded: " + e.getMessage(), e);
        }
    }

    /**
     * Uses this SSL context for connections and this trust manager to check servers: for client certificates, a
     * provider of your own, or any setup the other factories do not cover. The trust manager must be the one the
     * context was initialised with (HTTP clients need both).
     *
     * @param context an initialised SSL context, used as it is
     * @param trustManager the trust manager {@code context} was initialised with
     * @return a trust that uses the two as given
     */
    public static TlsTrust of(SSLContext context, X509TrustManager trustManager) {
        return new TlsTrust(Objects.requireNonNull(context, "context"), Objects.requireNonNull(trustManager,
                "trustManager"), "custom SSLContext " + context.getProtocol());
    }

    private static TlsTrust create(KeyStore store, String description) {
        TlsTrust trust = new TlsTrust(store, description);
        trust.setUp();
        return trust;
    }


    private synchronized void setUp() {
        if (sslContext != null) {
            return;
        }
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(store);
            X509TrustManager trustManager = List.of(factory.getTrustManagers()).stream()
                    .filter(X509TrustManager.class::isInstance)
                    .map(X509TrustManager.class::cast)
                    .findFirst()
                    .orElseThrow(() -> new IllegalStateException("No X509 trust manager in this JVM"));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, new TrustManager[] {trustManager}, null);
            this.trustManager = trustManager;
            this.sslContext = context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Cannot set up TLS: " + e.getMessage(), e);
        }
    }

    /** {@return the TLS context to open connections with; set up on the first call for {@link #system()}} */
    public synchronized SSLContext sslContext() {
        setUp();
        return sslContext;
    }

    /** {@return a factory of TLS sockets from {@link #sslContext()}} */
    public SSLSocketFactory socketFactory() {
        return sslContext().getSocketFactory();
    }

    /** {@return the trust manager that checks servers' certificates, the one {@link #sslContext()} uses} */
    public synchronized X509TrustManager trustManager() {
        setUp();
        return trustManager;
    }

    @Override
    public String toString() {
        return "TlsTrust{" + description + "}";
    }
}
