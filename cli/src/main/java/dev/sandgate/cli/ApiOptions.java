package dev.sandgate.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Locale;

import dev.sandgate.cert.Endpoints;
import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.TlsTrust;
import dev.sandgate.tunnel.HostKeyRejectedException;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.Transport;
import dev.sandgate.tunnel.TransportKind;
import dev.sandgate.tunnel.TransportOptions;
import dev.sandgate.tunnel.TunnelAuth;
import dev.sandgate.tunnel.TunnelAuthSource;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the sandbox API is and how to reach it: options first, then the environment, then the config file. The
 * token has no option of its own (a command line shows in {@code ps}); it comes from SANDGATE_API_TOKEN, a token file
 * or the config file. With {@code --provider tenki} the settings are Tenki's ({@link TenkiSettings}).
 */
final class ApiOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--api-url", paramLabel = "URL", description = "The sandbox API's base URL (else SANDGATE_API_URL;"
            + " with Tenki, TENKI_API_ENDPOINT or TENKI_API_URL).")
    private String apiUrl;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding the API token (else SANDGATE_API_TOKEN, else the config file; with Tenki,"
                    + " TENKI_AUTH_TOKEN or TENKI_API_KEY).")
    private Path tokenFile;

    @Option(names = "--transport", paramLabel = "connect|websocket",
            description = "How to reach the session's SSH server: HTTP CONNECT or WebSocket (default: CONNECT when the"
                    + " gateway names a proxy, else WebSocket).")
    private String transport;

    @Option(names = "--ca-certificate", paramLabel = "PEM",
            description = "Trust this certificate for the API and the gateway (a private CA or a self-signed gateway).")
    private Path caCertificate;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The config file (else SANDGATE_CONFIG, else ~/.sandgate/config).")
    private Path configFile;

    /** What {@code --provider} says, here and before the subcommand ({@code sandgate --provider tenki exec ...}). */
    static final String PROVIDER_HELP = "The service: Sandgate's gateway contract (default) or Tenki's sandboxes, whose"
            + " settings come from TENKI_AUTH_TOKEN or TENKI_API_KEY, TENKI_API_ENDPOINT or TENKI_API_URL, and"
            + " TENKI_SANDBOX_GATEWAY_URL (else SANDGATE_PROVIDER, else provider= in the config file).";
    /** What {@code --accept-new-host-key} says, here and before the subcommand. */
    static final String ACCEPT_NEW_HELP = "With Tenki: if no key is recorded yet for the gateway, record the one it"
            + " presents in ~/.sandgate/" + TenkiSettings.KNOWN_HOSTS + " (later connections need no option; a changed"
            + " key is refused all the same).";

    @Option(names = "--provider", paramLabel = "sandgate|tenki", description = PROVIDER_HELP)
    private String provider;

    @Option(names = TenkiSettings.ACCEPT_NEW, description = ACCEPT_NEW_HELP)
    private boolean acceptNewHostKey;

    private ConfigFile config;
    private TenkiSettings tenki;

    private Io io() {
        return Io.of(spec);
    }

    private ConfigFile config() {
        if (config == null) {
            String fromEnv = io().env("SANDGATE_CONFIG");
            Path path = configFile != null ? configFile : fromEnv != null ? Path.of(fromEnv)
                    : io().sandgateHome().resolve("config");
            config = ConfigFile.read(path, configFile != null || fromEnv != null);
        }
        return config;
    }

    /**
     * The API URL to renew a session's files with: {@code --api-url} if given, else the one the files were made
     * with, which is the one that knows the session.
     */
    private URI apiUrl(Grant kept) {
        return apiUrl == null && kept != null ? kept.apiUrl() : apiUrl();
    }

    URI apiUrl() {
        String url = apiUrl != null ? apiUrl : io().env(SandboxApi.ENV_API_URL);
        if (url == null) {
            url = config().get("api-url");
        }
        if (url == null) {
            throw new SettingsException("No API URL: pass --api-url, set " + SandboxApi.ENV_API_URL
                    + ", or put api-url=... in " + config().path() + " (to try Sandgate: eval \"$(sandgate local-gateway --background)\")");
        }
        return parseUrl(url);
    }

    private static URI parseUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(java.util.Locale.ROOT);
            if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
                throw new SettingsException("The API URL '" + url + "' is not an absolute http(s) URL");
            }
            return uri;
        } catch (java.net.URISyntaxException e) {
            throw new SettingsException("The API URL is not a URL: " + e.getMessage(), e);
        }
    }

    /** The account token; never printed. */
    String token() {
        String fromFile = tokenFromFile();
        if (fromFile != null) {
            return fromFile;
        }
        String token = io().env(SandboxApi.ENV_API_TOKEN);
        if (token == null) {
            token = config().get("token");
        }
        if (token == null) {
            throw new SettingsException("No API token: set " + SandboxApi.ENV_API_TOKEN + ", pass --token-file FILE,"
                    + " or put token=... in " + config().path() + " (mode 0600)");
        }
        return token;
    }

    /** The token in {@code --token-file}, or null when none is named. */
    private String tokenFromFile() {
        if (tokenFile != null) {
            try {
                ConfigFile.requirePrivate(tokenFile, "The token file " + tokenFile + " holds a token");
                String token = Files.readString(tokenFile).trim();
                if (token.isEmpty()) {
                    throw new SettingsException("The token file " + tokenFile + " is empty");
                }
                return token;
            } catch (IOException e) {
                throw new SettingsException("Cannot read the token file " + tokenFile + ": " + Failures.describe(e), e);
            }
        }
        return null;
    }

    /** Whether the WebSocket transport was chosen (Tenki's gateway takes nothing else). */
    boolean webSocket() {
        return Boolean.TRUE.equals(chosenTransport());
    }

    /** True for WebSocket, false for HTTP CONNECT, null when no option, variable or config line chooses. */
    private Boolean chosenTransport() {
        String chosen = transport != null ? transport : io().env("SANDGATE_TRANSPORT");
        if (chosen == null) {
            chosen = config().get("transport");
        }
        if (chosen == null) {
            return null;
        }
        switch (chosen.toLowerCase(Locale.ROOT)) {
            case "connect":
            case "http-connect":
                return false;
            case "websocket":
            case "ws":
                return true;
            default:
                throw new SettingsException("Unknown transport '" + chosen + "': use connect or websocket");
        }
    }

    Provider provider() {
        Sandgate top = (Sandgate) spec.root().userObject();
        String chosen = provider != null ? provider : top.provider() != null ? top.provider() : io().env(Provider.ENV);
        if (chosen == null) {
            chosen = config().get("provider");
        }
        return chosen == null ? Provider.SANDGATE : Provider.parse(chosen);
    }

    private TenkiSettings tenki() {
        if (tenki == null) {
            // only the option is Tenki's too: SANDGATE_TRANSPORT and transport= are settings of Sandgate's gateways
            if (transport != null && Boolean.FALSE.equals(chosenTransport())) {
                throw new SettingsException("Tenki's gateway is reached by WebSocket only: drop --transport "
                        + transport);
            }
            tenki = new TenkiSettings(io(), tokenFromFile(), tlsTrust(), acceptNewHostKey());
        }
        return tenki;
    }

    private boolean acceptNewHostKey() {
        return acceptNewHostKey || ((Sandgate) spec.root().userObject()).acceptNewHostKey();
    }

    /** The Sandgate provider records no host keys: its gateways name their host CA in each mint answer. */
    private void refuseAcceptNewHostKey() {
        if (acceptNewHostKey()) {
            throw new SettingsException(TenkiSettings.ACCEPT_NEW + " is for --provider tenki: Sandgate's gateways"
                    + " name their host CA in each mint answer, so there is no key to record");
        }
    }

    TlsTrust tlsTrust() {
        Path pem = caCertificate;
        if (pem == null && config().get("ca-certificate") != null) {
            pem = Path.of(config().get("ca-certificate"));
        }
        if (pem == null) {
            return TlsTrust.system();
        }
        try (InputStream in = Files.newInputStream(pem)) {
            X509Certificate certificate = (X509Certificate) CertificateFactory.getInstance("X.509")
                    .generateCertificate(in);
            return TlsTrust.trusting(certificate);
        } catch (IOException | CertificateException e) {
            throw new SettingsException("Cannot read the CA certificate " + pem + ": " + e.getMessage(), e);
        }
    }

    /** Sandgate's session API, which Tenki's sandboxes do not speak: refused with {@code --provider tenki}. */
    SandboxApi api() {
        if (provider() == Provider.TENKI) {
            throw new SettingsException("This command uses Sandgate's session API, which Tenki does not offer:"
                    + " manage Tenki sessions with Tenki's own tools, and reach them with exec, shell, cp, forward or"
                    + " ssh-config --provider tenki");
        }
        return api(apiUrl());
    }

    private SandboxApi api(URI url) {
        return SandboxApi.builder().baseUrl(url).token(token()).tlsTrust(tlsTrust()).build();
    }

    /**
     * The API that mints a session's OpenSSH files: {@code --api-url} if given, else the one the kept files were made
     * with (the one that knows the session), else the environment's.
     */
    Minter minter(Grant kept) {
        Grant same = kept != null && kept.provider() == provider() ? kept : null;
        if (provider() == Provider.TENKI) {
            URI url = apiUrl != null ? parseUrl(apiUrl) : same != null ? same.apiUrl() : null;
            return Minter.tenki(tenki().api(url));
        }
        refuseAcceptNewHostKey();
        return Minter.sandgate(api(apiUrl(same)));
    }

    SandboxSsh ssh() {
        if (provider() == Provider.TENKI) {
            return tenki().ssh(apiUrl == null ? null : parseUrl(apiUrl));
        }
        refuseAcceptNewHostKey();
        SandboxSsh.Builder builder = SandboxSsh.builder()
                .apiUrl(apiUrl())
                .token(token())
                .tlsTrust(tlsTrust());
        // with nothing chosen, each tunnel follows the session's endpoints, as the library does
        Boolean chosen = chosenTransport();
        if (chosen != null) {
            builder.transport(chosen ? TransportKind.WEB_SOCKET : TransportKind.HTTP_CONNECT);
        }
        return builder.build();
    }

    /**
     * A refusal of the session's host key with what to do about it (with Tenki: the option that records an unknown
     * gateway's key).
     */
    HostKeyRejectedException explained(HostKeyRejectedException refused, String sessionId) {
        return provider() == Provider.TENKI ? tenki().explained(refused, sessionId) : refused;
    }

    /**
     * How a relayed tunnel authenticates: the session's own tunnel credential if the gateway gave one, else the
     * account token (with Tenki, in the header its prefix names).
     */
    TunnelAuth tunnelAuth(Grant grant) {
        if (provider() == Provider.TENKI) {
            return tenki().tunnelAuth();
        }
        return TunnelAuthSource.sessionCredentialElse(grant.tunnelCredential(), () -> TunnelAuth.bearer(token()));
    }

    /**
     * A transport for relaying a raw tunnel to a session with these endpoints, of the kind chosen, else of the kind
     * the endpoints call for (CONNECT when they name a proxy, else WebSocket); the caller closes it.
     */
    Transport transport(Endpoints endpoints) {
        TransportOptions options = TransportOptions.builder().tlsTrust(tlsTrust()).build();
        Boolean chosen = provider() == Provider.TENKI ? Boolean.TRUE : chosenTransport();
        boolean webSocket = chosen != null ? chosen
                : endpoints.connect().isEmpty() && endpoints.webSocket().isPresent();
        return webSocket ? Transport.webSocket(options) : Transport.httpConnect(options);
    }
}
