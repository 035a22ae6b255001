package dev.sandgate.cli;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.sandgate.cert.Visible;
import dev.sandgate.tunnel.PortForward;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "forward", mixinStandardHelpOptions = true,
        description = {"Listens on 127.0.0.1:LOCAL and carries each connection to REMOTE as seen from inside the"
                + " session, until Ctrl-C or until the connection ends (exit status 1 then).",
                "REMOTE is PORT (on the session's localhost) or HOST:PORT; LOCAL 0 takes any free port.",
                "Example: sandgate forward sess-1 8080:3000"})
final class ForwardCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ApiOptions api;

    @Parameters(index = "0", paramLabel = "SESSION", description = "The session id.")
    private String session;

    @Parameters(index = "1", paramLabel = "LOCAL:REMOTE", description = "e.g. 8080:3000 or 0:db.internal:5432")
    private String mapping;

    @Override
    public Integer call() throws Exception {
        Io io = Io.of(spec);
        int firstColon = mapping.indexOf(':');
        if (firstColon < 0) {
            throw new IllegalArgumentException("'" + mapping + "' is not LOCAL:REMOTE, e.g. 8080:3000");
        }
        int local = port(mapping.substring(0, firstColon), true);
        String remote = mapping.substring(firstColon + 1);
        int lastColon = remote.lastIndexOf(':');
        String host = lastColon < 0 ? "localhost" : remote.substring(0, lastColon);
        int port = port(lastColon < 0 ? remote : remote.substring(lastColon + 1), false);
        if (host.isEmpty()) {
            throw new IllegalArgumentException("'" + mapping + "' names an empty remote host");
        }
        CountDownLatch stopped = new CountDownLatch(1);
        Thread hook = new Thread(stopped::countDown, "sandgate-forward-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Connected connected = Connected.to(api, session);
             PortForward forward = connected.connection().forwardLocal(local, host, port)) {
            io.out().println("Forwarding " + forward.boundAddress().getHostString() + ":" + forward.boundAddress().getPort()
                    + " to " + host + ":" + port + " in " + session + "; Ctrl-C to stop");
            io.out().flush();
            while (!stopped.await(1, TimeUnit.SECONDS)) {
                if (!connected.connection().isOpen() || !forward.isOpen()) {
                    io.err().println("sandgate: the connection to " + Visible.of(session) + " ended; forwarding stopped");
                    return ExitCodes.FAILED;
                }
            }
            return ExitCodes.OK;
        } finally {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook has run: this is the way out
            }
        }
    }

    private static int port(String text, boolean zeroAllowed) {
        try {
            int port = Integer.parseInt(text);
            if (port >= (zeroAllowed ? 0 : 1) && port <= 65535) {
                return port;
            }
        } catch (NumberFormatException notANumber) {
            // the message below says what is wanted
        }
        throw new IllegalArgumentException(notAPort(text, zeroAllowed));
    }

    private static String notAPort(String text, boolean zeroAllowed) {
        return "'" + text + "' is not a port (" + (zeroAllowed ? 0 : 1) + "-65535)";
    }

    /** What is wrong with an argument such as -1:80, which the parser takes for an option; null when none is. */
    static String negativePortIn(String[] args) {
        for (String arg : args) {
            if (arg.matches("-[0-9]+:.*")) {
                return notAPort(arg.substring(0, arg.indexOf(':')), true) + " in the mapping " + arg;
            }
        }
        return null;
    }
}
