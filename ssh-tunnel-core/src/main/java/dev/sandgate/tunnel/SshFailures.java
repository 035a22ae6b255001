package dev.sandgate.tunnel;

import java.io.IOException;
import java.time.Duration;

import org.apache.sshd.client.session.ClientSession;

import dev.sandgate.tunnel.internal.ConnectAttempt;

/**
 * Names what went wrong in a connect from what happened, as the {@link ConnectAttempt} recorded it and from the
 * clock, never from MINA's messages (which are not an API, and whose futures replace an exception with its cause).
 */
final class SshFailures {
    private SshFailures() {
    }

    /** The connect ran out of time; {@code when} says at which step. */
    static TunnelException timedOut(String sessionId, Duration limit, String when) {
        return new TunnelException("Connecting to session " + sessionId + " took longer than the connectTimeout of "
                + limit.toMillis() + " ms (" + when + ")");
    }

    /** A failure while the tunnel was opening. */
    static IOException tunnel(String sessionId, ConnectAttempt attempt, IOException failure, Duration limit,
            long deadline) {
        if (attempt.tunnelNotOpened() != null) {
            return attempt.tunnelNotOpened();
        }
        if (System.nanoTime() - deadline >= 0) {
            return timedOut(sessionId, limit, "the tunnel did not open in time");
        }
        return new TunnelException("Opening the tunnel to session " + sessionId + " failed: " + failure.getMessage(),
                failure);
    }

    /** A failure during the key exchange or the login, after the tunnel was open. */
    static IOException handshake(String sessionId, ConnectAttempt attempt, ClientSession session, Login login,
            IOException failure, Duration limit, long deadline) {
        if (attempt.hostKeyRefusal() != null) {
            return new HostKeyRejectedException("Refused the SSH server of session " + sessionId + ": "
                    + attempt.hostKeyRefusal() + ". No credentials were sent.", failure);
        }
        boolean keyExchangeDone = session.getServerKey() != null;
        boolean timedOut = System.nanoTime() - deadline >= 0;
        if (session.getServerVersion() == null && !timedOut) {
            IOException cause = attempt.tunnelBroke() != null ? attempt.tunnelBroke() : failure;
            return new TunnelException("Session " + sessionId + " did not answer with an SSH identification: whatever"
                    + " is at the other end of the tunnel is not an SSH server, or the tunnel ended first ("
                    + cause.getMessage() + ")", cause);
        }
        if (attempt.tunnelBroke() != null) {
            return new TunnelException("The tunnel to session " + sessionId + " broke during the SSH "
                    + (keyExchangeDone ? "login" : "handshake") + ": " + attempt.tunnelBroke().getMessage(),
                    attempt.tunnelBroke());
        }
        if (timedOut) {
            return timedOut(sessionId, limit, keyExchangeDone ? "the login did not finish in time"
                    : session.getServerVersion() == null ? "the server sent no SSH identification in time"
                    : "the key exchange did not finish in time");
        }
        if (keyExchangeDone) {
            return new AuthenticationException("The SSH server of session " + sessionId + " refused the login as '"
                    + login.username() + "' with " + login.shown() + ": "
                    + (login.issued() != null || login.shown().startsWith("certificate")
                            ? "it may be expired, for another session, or from a CA the server does not trust"
                            : "the server does not list this key for the user"), failure);
        }
        return new SandgateSshException("The SSH handshake with session " + sessionId + " failed: "
                + failure.getMessage(), failure);
    }
}
