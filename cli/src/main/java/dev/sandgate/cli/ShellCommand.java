package dev.sandgate.cli;

import java.util.Optional;
import java.util.concurrent.Callable;

import dev.sandgate.tunnel.PtyOptions;
import dev.sandgate.tunnel.RemoteProcess;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "shell", mixinStandardHelpOptions = true,
        description = {"Opens an interactive login shell in the session on a pseudo-terminal that follows this"
                + " terminal's size; exits with the shell's exit status.",
                "Without a terminal (input from a pipe) the remote terminal is 80x24 and input is passed as it is."})
final class ShellCommand implements Callable<Integer>, RemoteStatusCommand {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ApiOptions api;

    @Parameters(paramLabel = "SESSION", description = "The session id.")
    private String session;

    @Override
    public Integer call() throws Exception {
        Io io = Io.of(spec);
        Optional<LocalTerminal> terminal = LocalTerminal.attach();
        int[] size = terminal.map(LocalTerminal::size).orElse(new int[] {80, 24});
        String term = Optional.ofNullable(io.env("TERM")).orElse("xterm-256color");
        try (Connected connected = Connected.to(api, session)) {
            RemoteProcess shell = connected.connection().openTerminal(PtyOptions.builder().term(term)
                    .size(size[0], size[1]).build());
            if (terminal.isPresent()) {
                terminal.get().raw();
                LocalTerminal.onWindowChange(() -> {
                    int[] now = terminal.get().size();
                    try {
                        shell.resize(now[0], now[1]);
                    } catch (java.io.IOException gone) {
                        // the shell is ending with its connection
                    }
                });
            }
            try {
                Thread out = Streams.pump("sandgate-terminal-out", shell.getInputStream(), io.out(), false);
                Streams.pump("sandgate-terminal-in", io.in(), shell.getOutputStream(), true);
                int status = shell.waitFor();
                out.join(2000);
                return status;
            } finally {
                terminal.ifPresent(LocalTerminal::close);
            }
        }
    }
}
