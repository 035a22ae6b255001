package dev.sandgate.tunnel.internal;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;
import jdk.jfr.Timespan;

/**
 * Sandgate's Java Flight Recorder events, named {@code dev.sandgate.*}: off unless a recording enables them
 * ({@code -XX:StartFlightRecording}, JDK Mission Control, {@code jcmd JFR.start}), and then cheap. They carry session
 * ids, kinds, counts and outcomes, never a command line, a token or a key. Not API: read them with {@code jfr print}.
 */
public final class SandgateEvents {
    private SandgateEvents() {
    }

    /** One {@code SandboxSsh.connect}, from its start to a logged-in connection or a failure. */
    @Name("dev.sandgate.Connect")
    @Label("Connect")
    @Category("Sandgate")
    @Description("A connect to a sandbox session: certificate, tunnel, SSH key exchange and login")
    @StackTrace(false)
    public static final class Connect extends Event {
        @Label("Session")
        public String sessionId;
        @Label("Tunnel")
        public String tunnel;
        @Label("Certificate")
        @Description("Getting the login: a mint (or the cached certificate), or the user's key")
        @Timespan(Timespan.NANOSECONDS)
        public long login;
        @Label("Tunnel Open")
        @Timespan(Timespan.NANOSECONDS)
        public long tunnelOpen;
        @Label("SSH Handshake")
        @Description("Key exchange, host check and login over the open tunnel")
        @Timespan(Timespan.NANOSECONDS)
        public long handshake;
        @Label("Failure")
        @Description("The failure's type, empty when the connect succeeded")
        public String failure = "";
    }

    /** A tunnel's life, from open to close, with the bytes it carried. */
    @Name("dev.sandgate.Tunnel")
    @Label("Tunnel")
    @Category("Sandgate")
    @StackTrace(false)
    public static final class TunnelLife extends Event {
        @Label("Tunnel")
        public String tunnel;
        @Label("Bytes Sent")
        @DataAmount
        public long bytesSent;
        @Label("Bytes Received")
        @DataAmount
        public long bytesReceived;
        @Label("End")
        @Description("Why it ended: empty when this side closed it")
        public String end = "";
    }

    /** A resumable tunnel re-attached after a drop. */
    @Name("dev.sandgate.Resume")
    @Label("Tunnel Resumed")
    @Category("Sandgate")
    @StackTrace(false)
    public static final class Resume extends Event {
        @Label("Tunnel")
        public String tunnel;
        @Label("Bytes Sent Again")
        @DataAmount
        public long bytesReplayed;
        @Label("Took")
        @Description("From the drop to the re-attachment")
        @Timespan(Timespan.NANOSECONDS)
        public long took;
    }

    /** A reconnect round: its attempts and outcome. */
    @Name("dev.sandgate.Reconnect")
    @Label("Reconnect")
    @Category("Sandgate")
    @StackTrace(false)
    public static final class Reconnect extends Event {
        @Label("Session")
        public String sessionId;
        @Label("Attempts")
        public int attempts;
        @Label("Failure")
        @Description("The last attempt's failure type, empty when it reconnected")
        public String failure = "";
    }

    /** A command run with {@code exec}: its exit code and output, never its command line. */
    @Name("dev.sandgate.Command")
    @Label("Command")
    @Category("Sandgate")
    @StackTrace(false)
    public static final class Command extends Event {
        @Label("Session")
        public String sessionId;
        @Label("Exit Code")
        public int exitCode;
        @Label("Stdout")
        @DataAmount
        public long stdoutBytes;
        @Label("Stderr")
        @DataAmount
        public long stderrBytes;
        @Label("Failure")
        @Description("The failure type (a time limit, a lost connection), empty when it exited")
        public String failure = "";
    }

    /** The simple name of a failure's type, for an event: never its message, which may hold values. */
    public static String kind(Throwable failure) {
        return failure == null ? "" : failure.getClass().getSimpleName();
    }
}
