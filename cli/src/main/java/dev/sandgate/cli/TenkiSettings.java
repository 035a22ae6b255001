package dev.sandgate.cli;

import java.net.URI;
import java.nio.file.Path;
import java.security.PublicKey;

import dev.sandgate.cert.SshKeys;
import dev.sandgate.cert.TenkiApi;
import dev.sandgate.cert.TlsTrust;
import dev.sandgate.cert.Visible;
import dev.sandgate.tunnel.HostKeyRejectedException;
import dev.sandgate.tunnel.HostTrust;
import dev.sandgate.tunnel.SandboxProvider;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.TenkiProvider;
import dev.sandgate.tunnel.TunnelAuth;

/**
 * What {@code --provider tenki} needs: the token ({@code --token-file}, else TENKI_AUTH_TOKEN, else TENKI_API_KEY),
 * the API ({@code --api-url}, else TENKI_API_ENDPOINT, else TENKI_API_URL), the gateway (TENKI_SANDBOX_GATEWAY_URL,
 * else discovered, else derived), all read from the command line's environment, and the gateway keys Sandgate has
 * recorded in {@code ~/.sandgate/tenki_known_hosts}. Sandgate's own settings (SANDGATE_API_TOKEN, the config file's
 * token and api-url) are never sent to Tenki.
 */
final class TenkiSettings {
    /** The file under the sandgate home that holds the Tenki gateway keys, recorded on first use when asked. */
    static final String KNOWN_HOSTS = "tenki_known_hosts";
    /** The option that records an unknown gateway's key. */
    static final String ACCEPT_NEW = "--accept-new-host-key";

    private final Io io;
    private final String token;
    private final TlsTrust tlsTrust;
    private final boolean acceptNew;

    /**
     * @param tokenFromFile the token from {@code --token-file}, or null to read the environment
     * @param acceptNew     whether a gateway whose key is not yet recorded has it recorded
     */
    TenkiSettings(Io io, String tokenFromFile, TlsTrust tlsTrust, boolean acceptNew) {
        this.io = io;
        this.token = tokenFromFile != null ? tokenFromFile : TenkiApi.environmentToken(io::env).orElseThrow(() ->
                new SettingsException("No Tenki token: set " + TenkiApi.ENV_AUTH_TOKEN + " or " + TenkiApi.ENV_API_KEY
                        + ", or pass --token-file FILE"));
        this.tlsTrust = tlsTrust;
        this.acceptNew = acceptNew;
    }

    Path knownHosts() {
        return io.sandgateHome().resolve(KNOWN_HOSTS);
    }

    /**
     * A client of the Tenki provider; the caller closes it.
     *
     * @param apiUrl the API named on the command line, or null for the environment's
     */
    SandboxSsh ssh(URI apiUrl) {
        TenkiProvider.Builder provider = SandboxProvider.tenki().environment(io::env).token(token)
                .hostTrust(hostTrust());
        if (apiUrl != null) {
            provider.apiUrl(apiUrl);
        }
        try {
            return SandboxSsh.builder().provider(provider.build()).tlsTrust(tlsTrust).build();
        } catch (IllegalStateException unusable) {
            // the documented failure of a URL from the environment that is not usable or not allowed
            throw new SettingsException("The Tenki settings are not usable: " + unusable.getMessage(), unusable);
        }
    }

    /**
     * Tenki's API, to mint the certificates OpenSSH uses; the caller closes it.
     *
     * @param apiUrl the API named on the command line or kept with the session's files, or null for the environment's
     */
    TenkiApi api(URI apiUrl) {
        TenkiApi.Builder api = TenkiApi.builder().environment(io::env).token(token).tlsTrust(tlsTrust);
        if (apiUrl != null) {
            api.apiUrl(apiUrl);
        }
        try {
            return api.build();
        } catch (IllegalStateException unusable) {
            throw new SettingsException("The Tenki settings are not usable: " + unusable.getMessage(), unusable);
        }
    }

    /** The WebSocket upgrade carries the token in the header its prefix names, as Tenki's API calls do. */
    TunnelAuth tunnelAuth() {
        return TunnelAuth.header(TenkiApi.authHeaderName(token), TenkiApi.authHeaderValue(token));
    }

    private HostTrust hostTrust() {
        if (!acceptNew) {
            // a missing file records nothing: every gateway is unknown until the user asks for its key to be recorded
            return HostTrust.knownHosts(knownHosts());
        }
        return HostTrust.acceptNew(knownHosts(), (host, key, file) -> io.err().println("sandgate: permanently added"
                + " the host key of the Tenki gateway " + Visible.of(host) + " (" + describe(key) + ") to " + file));
    }

    /**
     * The refusal with what a user of the command line can do about it: an unknown gateway's key is named with the
     * option that records it; a changed key is refused whatever the options.
     */
    HostKeyRejectedException explained(HostKeyRejectedException refused, String sessionId) {
        String key = refused.presentedKey().map(TenkiSettings::describe).orElse("not seen");
        switch (refused.reason()) {
            case UNKNOWN_HOST:
                return new HostKeyRejectedException("Refused the Tenki gateway of session " + sessionId
                        + refused.host().map(name -> " (" + name + ")").orElse("") + ": its host key (" + key
                        + ") is not recorded in " + knownHosts() + ". If you trust the network path to the gateway,"
                        + " run again with " + ACCEPT_NEW + " to record it; later connections need no option. No"
                        + " credentials were sent.", refused.reason(), refused.presentedKey().orElse(null),
                        refused.host().orElse(null), refused);
            case KEY_CHANGED:
                return new HostKeyRejectedException(refused.getMessage() + " " + ACCEPT_NEW + " never replaces a"
                        + " recorded key.", refused.reason(), refused.presentedKey().orElse(null),
                        refused.host().orElse(null), refused);
            default:
                return refused;
        }
    }

    /** The key's type and SHA-256 fingerprint, as ssh-keygen -l shows them. */
    static String describe(PublicKey key) {
        return SshKeys.publicKeyLine(key).split(" ", 2)[0] + " " + SshKeys.fingerprint(key);
    }
}
