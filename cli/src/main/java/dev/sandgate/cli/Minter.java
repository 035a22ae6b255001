package dev.sandgate.cli;

import java.io.Closeable;
import java.io.IOException;
import java.net.URI;
import java.security.KeyPair;
import java.time.Duration;

import dev.sandgate.cert.CertificateIssuer;
import dev.sandgate.cert.IssuedCertificate;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.TenkiApi;

/** The API that mints a session's OpenSSH files, with the provider those files are then used with; closes the API. */
final class Minter implements Closeable {
    private final Provider provider;
    private final URI apiUrl;
    private final CertificateIssuer issuer;
    private final Closeable client;

    private Minter(Provider provider, URI apiUrl, CertificateIssuer issuer, Closeable client) {
        this.provider = provider;
        this.apiUrl = apiUrl;
        this.issuer = issuer;
        this.client = client;
    }

    static Minter sandgate(SandboxApi api) {
        return new Minter(Provider.SANDGATE, api.baseUrl(), api, api);
    }

    static Minter tenki(TenkiApi api) {
        return new Minter(Provider.TENKI, api.baseUrl(), api, api);
    }

    Provider provider() {
        return provider;
    }

    URI apiUrl() {
        return apiUrl;
    }

    IssuedCertificate issue(String sessionId, KeyPair keys, Duration ttl) throws IOException {
        return issuer.issue(sessionId, keys, ttl);
    }

    @Override
    public void close() throws IOException {
        client.close();
    }
}
