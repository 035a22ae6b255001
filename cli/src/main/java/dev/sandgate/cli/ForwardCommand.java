package dev.sandgate.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import dev.sandgate.cert.Visible;
import dev.sandgate.tunnel.RemoteStream;
import dev.sandgate.tunnel.SshConnection;
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
        // the only thing done on SIGTERM or Ctrl-C: the JVM ends as soon as its hooks return
        Thread hook = new Thread(stopped::countDown, "sandgate-forward-stop");
        Runtime.getRuntime().addShutdownHook(hook);
        try (Connected connected = Connected.to(api, session);
             ServerSocket listener = new ServerSocket()) {
            listener.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), local));
            Thread acceptor = new Thread(() -> accept(listener, connected.connection(), host, port, io),
                    "sandgate-forward-accept");
            acceptor.setDaemon(true);
            acceptor.start();
            io.out().println("Forwarding " + listener.getInetAddress().getHostAddress() + ":" + listener.getLocalPort()
                    + " to " + host + ":" + port + " in " + session + "; Ctrl-C to stop");
            io.out().flush();
            while (!stopped.await(1, TimeUnit.SECONDS)) {
                if (!connected.connection().isOpen() || !acceptor.isAlive()) {
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

    /**
     * Carries each accepted connection on threads of its own, as {@code ssh -L} does, but says on stderr when the
     * session refuses one: a client only sees its connection closed ("Empty reply from server").
     */
    private void accept(ServerSocket listener, SshConnection connection, String host, int port, Io io) {
        while (true) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException closed) {
                return;
            }
            Thread carrier = new Thread(() -> carry(client, connection, host, port, io), "sandgate-forward-"
                    + client.getPort());
            carrier.setDaemon(true);
            carrier.start();
        }
    }

    private void carry(Socket client, SshConnection connection, String host, int port, Io io) {
        try (client) {
            RemoteStream remote;
            try {
                remote = connection.openStream(host, port);
            } catch (IOException | RuntimeException refused) {
                // the library's message names the target, the session and the reason
                io.err().println("sandgate: the connection from 127.0.0.1:" + client.getPort() + " was closed: "
                        + Visible.of(Failures.describe(refused)));
                io.err().flush();
                return;
            }
            try (remote) {
                // each way ends with a half-close, as a socket's end of stream is passed on by ssh -L
                Thread toRemote = new Thread(() -> {
                    try {
                        copy(client.getInputStream(), remote.getOutputStream());
                        remote.shutdownOutput();
                    } catch (IOException gone) {
                        closeQuietly(client);
                    }
                }, "sandgate-forward-out-" + client.getPort());
                toRemote.setDaemon(true);
                toRemote.start();
                try {
                    copy(remote.getInputStream(), client.getOutputStream());
                    client.shutdownOutput();
                } catch (IOException gone) {
                    closeQuietly(client);
                }
                toRemote.join();
            }
        } catch (IOException | InterruptedException ended) {
            // the client or the session went away: its connection ends, the others go on
        }
    }

    /** Copies until end of stream, flushing after every read: an SSH channel's stream holds bytes until flushed. */
    private static void copy(java.io.InputStream from, java.io.OutputStream to) throws IOException {
        byte[] buffer = new byte[32 * 1024];
        for (int n; (n = from.read(buffer)) >= 0; ) {
            to.write(buffer, 0, n);
            to.flush();
        }
    }

    private static void closeQuietly(Socket socket) {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing is all that is left to do
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
