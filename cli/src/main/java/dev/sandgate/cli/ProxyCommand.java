package dev.sandgate.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import dev.sandgate.tunnel.Transport;
import dev.sandgate.tunnel.Tunnel;
import dev.sandgate.tunnel.TunnelAuth;
import dev.sandgate.tunnel.TunnelRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "proxy", mixinStandardHelpOptions = true,
        description = {"A ProxyCommand for OpenSSH: opens the tunnel to the session (HTTP CONNECT or WebSocket) and"
                + " copies bytes between standard input and output and the tunnel until either side ends.",
                "It renews the session's certificate files in DIR when they are due (minting them if there are none).",
                "OpenSSH checks the host key itself, against the known_hosts file `sandgate ssh-config` wrote.",
                "Example, in ssh_config: ProxyCommand sandgate proxy %%n"})
final class ProxyCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ApiOptions api;

    @Option(names = "--dir", paramLabel = "DIR", description = "The ssh-config directory (default ~/.sandgate/ssh).")
    private Path dir;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a renewed certificate is valid (default: what the session was set up with, else 1h).")
    private Duration ttl;

    @Parameters(paramLabel = "SESSION", description = "The session id (%%n in ssh_config).")
    private String session;

    @Override
    public Integer call() throws Exception {
        Io io = Io.of(spec);
        SessionFiles files = new SessionFiles(dir != null ? dir : io.sandgateHome().resolve("ssh"));
        Grant grant = files.load(session).orElse(null);
        if (grant == null || grant.provider() != api.provider() || grant.dueForRenewal(java.time.Instant.now())) {
            try (Minter minter = api.minter(grant)) {
                grant = files.fresh(session, minter, ttl, false);
            }
        }
        TunnelAuth auth = api.tunnelAuth(grant);
        try (Transport transport = api.transport(grant.endpoints())) {
            Tunnel tunnel = transport.open(new TunnelRequest(session, grant.endpoints(), auth, null));
            StdioRelay.run(tunnel, io.in(), io.out());
        }
        return ExitCodes.OK;
    }
}
