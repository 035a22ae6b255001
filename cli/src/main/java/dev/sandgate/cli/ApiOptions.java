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

import dev.sandgate.cert.SandboxApi;
import dev.sandgate.cert.TlsTrust;
import dev.sandgate.tunnel.SandboxSsh;
import dev.sandgate.tunnel.Transport;
import dev.sandgate.tunnel.TransportKind;
import dev.sandgate.tunnel.TransportOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Where the sandbox API is and how to reach it: options first, then the environment, then the config file. The
 * token has no option of its own (a command line shows in {@code ps}); it comes from SANDGATE_API_TOKEN, a token file
 * or the config file.
 */
final class ApiOptions {
    @Spec(Spec.Target.MIXEE)
    private CommandSpec spec;

    @Option(names = "--api-url", paramLabel = "URL", description = "The sandbox API's base URL (else SANDGATE_API_URL).")
    private String apiUrl;

    @Option(names = "--token-file", paramLabel = "FILE",
            description = "A file holding the API token (else SANDGATE_API_TOKEN, else the config file).")
    private Path tokenFile;

    @Option(names = "--transport", paramLabel = "connect|websocket",
            description = "How to reach the session's SSH server: HTTP CONNECT (default) or WebSocket.")
    private String transport;

    @Option(names = "--ca-certificate", paramLabel = "PEM",
            description = "Trust this certificate for the API and the gateway (a private CA or a self-signed gateway).")
    private Path caCertificate;

    @Option(names = "--config", paramLabel = "FILE",
            description = "The config file (else SANDGATE_CONFIG, else ~/.sandgate/config).")
    private Path configFile;

    private ConfigFile config;

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
    URI apiUrl(Grant kept) {
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

    boolean webSocket() {
        String chosen = transport != null ? transport : io().env("SANDGATE_TRANSPORT");
        if (chosen == null) {
            chosen = config().get("transport");
        }
        if (chosen == null) {
            return false;
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

    SandboxApi api() {
        return api(apiUrl());
    }

    SandboxApi api(URI url) {
        return SandboxApi.builder().baseUrl(url).token(token()).tlsTrust(tlsTrust()).build();
    }

    SandboxSsh ssh() {
        return SandboxSsh.builder()
                .apiUrl(apiUrl())
                .token(token())
                .tlsTrust(tlsTrust())
                .transport(webSocket() ? TransportKind.WEB_SOCKET : TransportKind.HTTP_CONNECT)
                .build();
    }

    /** A transport of the chosen kind with these settings, for relaying raw tunnels; the caller closes it. */
    Transport transport() {
        TransportOptions options = TransportOptions.builder().tlsTrust(tlsTrust()).build();
        return webSocket() ? Transport.webSocket(options) : Transport.httpConnect(options);
    }
}
