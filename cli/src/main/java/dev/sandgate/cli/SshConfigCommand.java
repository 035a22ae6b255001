package dev.sandgate.cli;

import java.io.IOException;
import java.nio.file.Path;
import java.security.PublicKey;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import dev.sandgate.cert.SandboxSession;
import dev.sandgate.cert.Visible;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "ssh-config", mixinStandardHelpOptions = true,
        description = {"Writes what OpenSSH needs to reach sessions through Sandgate: a key and certificate per session,"
                + " a known_hosts file that trusts the session's host CA, and DIR/config with one Host block per"
                + " session (alias: the session id) whose ProxyCommand is `sandgate proxy`.",
                "With --provider tenki, known_hosts holds the gateway key Sandgate recorded (see"
                        + " --accept-new-host-key), checked by connecting once, so OpenSSH checks the same key.",
                "Nothing outside DIR is touched; add `Include DIR/config` to ~/.ssh/config yourself, or use ssh -F.",
                "Running it again renews certificates that are due; before each ssh, the config renews them too."})
final class SshConfigCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ApiOptions api;

    @Option(names = "--dir", paramLabel = "DIR", description = "Where to write (default ~/.sandgate/ssh).")
    private Path dir;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long each certificate is valid, e.g. 30m, 8h; renewals ask for the same (default:"
                    + " what the session was set up with, else 1h).")
    private Duration ttl;

    @Option(names = "--renew", description = "Mint new certificates, with new keys, even if the kept ones are fresh.")
    private boolean force;

    @Parameters(arity = "1..*", paramLabel = "SESSION", description = "Session ids.")
    private List<String> sessions;

    @Override
    public Integer call() throws Exception {
        Io io = Io.of(spec);
        SessionFiles files = new SessionFiles(dir != null ? dir : io.sandgateHome().resolve("ssh"));
        SshConfigValues.path(files.root().toString(), "directory");
        Exception failure = null;
        List<String> written = new ArrayList<>();
        try (Minter minter = api.minter(null)) {
            for (String session : sessions) {
                try {
                    SshConfigValues.hostAlias(SandboxSession.requireValidId(session));
                } catch (UnsafeValueException e) {
                    throw new IllegalArgumentException("The session id '" + Visible.of(session) + "' cannot be an ssh"
                            + " Host alias: use letters, digits, '.', '_' and '-' only");
                }
                try {
                    PublicKey gatewayKey = minter.provider() == Provider.TENKI ? gatewayKey(session) : null;
                    Grant grant = files.fresh(session, minter, ttl, force);
                    if (gatewayKey != null) {
                        files.writeHostKey(grant, gatewayKey);
                    }
                    io.out().println(Visible.of(session) + ": certificate for " + Visible.of(grant.username()) + " valid until "
                            + grant.validBefore() + " (renewed from " + grant.renewAfter() + " on)");
                    written.add(session);
                } catch (IOException | RuntimeException e) {
                    // the sessions before it keep their files and get their Host blocks all the same
                    failure = e;
                    break;
                }
            }
        }
        List<String> proxyOptions = new ArrayList<>();
        if (api.webSocket()) {
            proxyOptions.add("--transport=websocket");
        }
        List<String> kept = files.sessions();
        if (!kept.isEmpty()) {
            Path config = new OpenSshConfig(files, Launcher.path(), proxyOptions).write();
            io.out().println("Wrote " + config + ". Connect with: ssh -F " + config + " "
                    + Visible.of((written.isEmpty() ? kept : written).get(0)));
            io.out().println("Or add this line at the top of ~/.ssh/config: Include " + config);
        }
        if (failure != null) {
            throw failure;
        }
        return ExitCodes.OK;
    }

    /**
     * The key the session's gateway presents, as the recorded keys vouch for it (or as it is recorded now, with
     * --accept-new-host-key): learnt by connecting once, the way every other command connects.
     */
    private PublicKey gatewayKey(String session) throws IOException {
        try (Connected connected = Connected.to(api, session)) {
            PublicKey presented = connected.connection().clientSession().getServerKey();
            // a host certificate is recorded, as accept-new records it, by the key it certifies: OpenSSH falls back
            // to that key when no @cert-authority line names the certificate's CA
            return presented instanceof org.apache.sshd.common.config.keys.OpenSshCertificate
                    ? ((org.apache.sshd.common.config.keys.OpenSshCertificate) presented).getCertPubKey() : presented;
        }
    }
}
