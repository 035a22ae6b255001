package dev.sandgate.cli;

import java.io.PrintWriter;
import java.nio.charset.Charset;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code sandgate} command: sandbox sessions for OpenSSH, IDEs and shells.
 *
 * <pre>{@code
 * eval "$(sandgate local-gateway --background)"      # or set SANDGATE_API_URL and SANDGATE_API_TOKEN
 * sandgate --provider tenki exec SESSION -- uname -a   # or Tenki's: TENKI_AUTH_TOKEN, ...
 * sandgate sessions create
 * sandgate exec sess-123 -- uname -a
 * sandgate ssh-config sess-123 && ssh -F ~/.sandgate/ssh/config sess-123
 * }</pre>
 */
@Command(name = "sandgate", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "SSH, SFTP and OpenSSH interop for sandbox sessions behind a session gateway.",
        footerHeading = "%nSettings:%n",
        footer = {
                "  The API URL and token come from the options, else SANDGATE_API_URL and SANDGATE_API_TOKEN,",
                "  else the config file (default ~/.sandgate/config, or SANDGATE_CONFIG), lines of key=value:",
                "  api-url, token (the file must then be private to you: mode 0600), transport, ca-certificate, provider.",
                "  --provider tenki (or SANDGATE_PROVIDER=tenki, or provider=tenki) reaches Tenki's sandboxes with its own",
                "  settings: TENKI_AUTH_TOKEN or TENKI_API_KEY (or --token-file), TENKI_API_ENDPOINT or TENKI_API_URL,",
                "  TENKI_SANDBOX_GATEWAY_URL. A Tenki gateway whose key is not recorded in ~/.sandgate/tenki_known_hosts",
                "  is refused (status 7) until --accept-new-host-key records it; a changed key is refused always.",
                "",
                "Exit status:",
                "  0 done; 1 the operation failed; 2 bad usage; 3 settings missing or invalid;",
                "  4 the API or the gateway refused the token; 5 no such session (whichever of them said so);",
                "  6 the API or gateway failed, cannot be reached, or answered a value refused as unsafe (a user name,",
                "  id or host that would break the files written); 7 the SSH server was not the session's (or its key is not",
                "  recorded yet) or refused the login.",
                "  exec and shell exit with the remote command's status, or 255 when Sandgate itself failed, bad usage",
                "  included (as ssh does); its line on stderr then names the failure: sandgate: usage|settings|",
                "  token refused|no such session|gateway failed|ssh refused|failed: ... (a directory -C cannot enter: failed);",
                "  exec exits 141 when its output is no longer read (as in exec ... | head), and ends the remote command.",
        })
public final class Sandgate {
    /**
     * The subcommands, added to the model only when needed: picocli reads every command's annotations when it is
     * added, a quarter of a second for all of them, and {@code proxy} runs before every {@code ssh}.
     */
    private static final Map<String, Class<?>> SUBCOMMANDS = subcommands();

    private final Io io;

    @CommandLine.Option(names = "--provider", paramLabel = "sandgate|tenki", description = ApiOptions.PROVIDER_HELP)
    private String provider;

    @CommandLine.Option(names = TenkiSettings.ACCEPT_NEW, description = ApiOptions.ACCEPT_NEW_HELP)
    private boolean acceptNewHostKey;

    private Sandgate(Io io) {
        this.io = io;
    }

    private static Map<String, Class<?>> subcommands() {
        Map<String, Class<?>> commands = new LinkedHashMap<>();
        commands.put("proxy", ProxyCommand.class);
        commands.put("ssh-config", SshConfigCommand.class);
        commands.put("renew", RenewCommand.class);
        commands.put("exec", ExecCommand.class);
        commands.put("shell", ShellCommand.class);
        commands.put("cp", CpCommand.class);
        commands.put("forward", ForwardCommand.class);
        commands.put("sessions", SessionsCommand.class);
        commands.put("local-gateway", LocalGatewayCommand.class);
        return Collections.unmodifiableMap(commands);
    }

    Io io() {
        return io;
    }

    /** {@code --provider} given before the subcommand, or null. */
    String provider() {
        return provider;
    }

    /** Whether {@code --accept-new-host-key} was given before the subcommand. */
    boolean acceptNewHostKey() {
        return acceptNewHostKey;
    }

    /**
     * Runs one command line and exits with its status.
     *
     * @param args the command line, such as {@code exec sess-123 -- uname -a}
     */
    public static void main(String[] args) {
        System.exit(run(args, Io.system()));
    }

    /** Runs one command line with these streams and this environment; returns the exit status. */
    static int run(String[] args, Io io) {
        CommandLine line = new CommandLine(new Sandgate(io));
        Class<?> only = args.length > 0 ? SUBCOMMANDS.get(args[0]) : null;
        if (only != null) {
            line.addSubcommand(args[0], only);
        } else {
            SUBCOMMANDS.forEach(line::addSubcommand);
            line.addSubcommand("help", CommandLine.HelpCommand.class);
        }
        Charset charset = Charset.defaultCharset();
        line.setOut(new PrintWriter(new java.io.OutputStreamWriter(io.out(), charset), true));
        line.setErr(new PrintWriter(new java.io.OutputStreamWriter(io.err(), charset), true));
        Failures failures = new Failures();
        line.setExecutionExceptionHandler(failures);
        line.setParameterExceptionHandler(failures);
        return line.execute(args);
    }
}
