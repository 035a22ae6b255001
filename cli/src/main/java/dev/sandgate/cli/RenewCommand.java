package dev.sandgate.cli;

import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;

import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "renew", mixinStandardHelpOptions = true,
        description = {"Renews a session's certificate files in DIR if they are due, quietly.",
                "The config `sandgate ssh-config` writes runs this before ssh reads the certificate."})
final class RenewCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ApiOptions api;

    @Option(names = "--dir", paramLabel = "DIR", description = "The ssh-config directory (default ~/.sandgate/ssh).")
    private Path dir;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "How long a new certificate is valid (default: what the session was set up with, else 1h).")
    private Duration ttl;

    @Parameters(paramLabel = "SESSION", description = "The session id.")
    private String session;

    @Override
    public Integer call() throws Exception {
        SessionFiles files = new SessionFiles(dir != null ? dir : Io.of(spec).sandgateHome().resolve("ssh"));
        try (Minter minter = api.minter(files.load(session).orElse(null))) {
            files.fresh(session, minter, ttl, false);
        }
        return ExitCodes.OK;
    }
}
