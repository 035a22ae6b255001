package dev.sandgate.cli;

import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.sandgate.cert.Visible;
import dev.sandgate.tunnel.ExecOptions;
import dev.sandgate.tunnel.ExecResult;
import dev.sandgate.tunnel.RemoteProcess;
import dev.sandgate.tunnel.RemoteProcessBuilder;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "exec", mixinStandardHelpOptions = true,
        description = {"Runs a command in the session, streams its output, and exits with its exit status.",
                "One word after -- is a command line for the session's shell, which expands it as ssh's would:"
                        + " sandgate exec sess-1 -- 'ls | wc -l' or -- 'echo $HOME'.",
                "Several words are one argument each, single-quoted for that shell, so none of them is expanded: no"
                        + " variables, globs, ~, pipes or redirections. sandgate exec sess-1 -- echo '$HOME' prints $HOME,"
                        + " where ssh would join the words with spaces and let the shell expand them; -- ls 'my dir'"
                        + " lists one directory. Write one word to have the shell read it.",
                "Standard input goes to the command unless -n is given."})
final class ExecCommand implements Callable<Integer>, RemoteStatusCommand {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ApiOptions api;

    @Option(names = {"-n", "--no-stdin"}, description = "Give the command no input (end of file at once).")
    private boolean noStdin;

    @Option(names = {"-C", "--directory"}, paramLabel = "DIR", description = "Run in this directory (relative to home).")
    private String directory;

    @Option(names = {"-e", "--env"}, paramLabel = "NAME=VALUE", description = "Set a variable for the command.")
    private java.util.Map<String, String> environment = new java.util.LinkedHashMap<>();

    @Parameters(index = "0", paramLabel = "SESSION", description = "The session id.")
    private String session;

    @Parameters(index = "1..*", arity = "1..*", paramLabel = "CMD", description = "The command (after --).")
    private List<String> command;

    @Override
    public Integer call() throws Exception {
        Io io = Io.of(spec);
        try (Connected connected = Connected.to(api, session)) {
            RemoteProcessBuilder builder = command.size() == 1
                    ? connected.connection().processBuilder(command.get(0))
                    : connected.connection().processBuilder(command);
            if (directory != null) {
                enter(connected, directory);
                builder.directory(directory);
            }
            environment.forEach(builder::environment);
            RemoteProcess process = builder.start();
            AtomicBoolean outputGone = new AtomicBoolean();
            // nobody reads our output any more (`... | head -1`): end the command, as a broken pipe ends ssh
            Thread out = Streams.pump("sandgate-stdout", process.getInputStream(), io.out(), false, () -> {
                outputGone.set(true);
                process.destroyForcibly();
            });
            Thread err = Streams.pump("sandgate-stderr", process.getErrorStream(), io.err(), false);
            if (noStdin) {
                process.getOutputStream().close();
            } else {
                Streams.pump("sandgate-stdin", io.in(), process.getOutputStream(), true);
            }
            int status = process.waitFor();
            // the channel's output ends with it; these only wait for the last bytes to be written out
            out.join(TimeUnit.SECONDS.toMillis(10));
            err.join(TimeUnit.SECONDS.toMillis(10));
            if (outputGone.get()) {
                return ExitCodes.BROKEN_PIPE;
            }
            if (process.connectionLost()) {
                io.err().println("sandgate: the connection to " + Visible.of(session) + " was lost before the command ended");
            } else if (process.exitSignal().isPresent()) {
                io.err().println("sandgate: the command was ended by signal "
                        + Visible.of(process.exitSignal().get()));
            }
            return status;
        }
    }

    /**
     * Fails unless the directory can be entered: the remote shell's own {@code cd} failure would end the command with
     * a status of its own (2 from dash), which a caller would take for the command's.
     */
    private void enter(Connected connected, String directory) throws java.io.IOException {
        ExecResult tried = connected.connection().exec("true", ExecOptions.builder().workingDirectory(directory)
                .timeout(java.time.Duration.ofSeconds(30)).build());
        if (tried.exitCode() != 0) {
            String said = tried.stderrText().strip();
            throw new java.io.IOException("cannot run in the directory '" + directory + "' of " + session
                    + (said.isEmpty() ? "" : ": " + said));
        }
    }
}
