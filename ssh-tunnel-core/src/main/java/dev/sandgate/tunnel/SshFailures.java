package dev.sandgate.tunnel;

import java.io.IOException;
import java.time.Duration;

import org.apache.sshd.client.session.ClientSession;

import dev.sandgate.cert.Credentials;
import dev.sandgate.cert.SandboxApiException;
import dev.sandgate.tunnel.internal.TunnelAttributes;

/** Turns MINA's connect and login failures into this module's typed exceptions, in one place. */
final class SshFailures {
    private SshFailures() {
    }

    /** A failure to open the tunnel or to start the SSH session. */
    static IOException connect(String sessionId, IOException failure, Duration timeout) {
        IOException ours = ownCause(failure);
        if (ours != null) {
            return ours;
        }
        String message = String.valueOf(failure.getMessage());
        if (message.contains("timeout") || message.contains("Timeout")) {
            return new TunnelException("Connecting to session " + sessionId + " took longer than " + timeout.toMillis()
                    + " ms", failure);
        }
        return new SandgateSshException("Connecting to session " + sessionId + " failed: " + message, failure);
    }

    /** A failure during key exchange or login, after the tunnel was open. */
    static IOException login(String sessionId, ClientSession session, Credentials credentials, IOException failure) {
        String refusal = session.getAttribute(TunnelAttributes.HOST_KEY_REFUSAL);
        if (refusal != null) {
            return new HostKeyRejectedException("Refused the SSH server of session " + sessionId + ": " + refusal
                    + ". No credentials were sent.", failure);
        }
        String message = String.valueOf(failure.getMessage());
        if (message.contains("KeyExchange") && message.contains("verification failed")) {
            return new HostKeyRejectedException("Refused the SSH server of session " + sessionId
                    + ": its host certificate did not verify (" + message + "). No credentials were sent.", failure);
        }
        IOException ours = ownCause(failure);
        if (ours != null) {
            return ours;
        }
        if (session.getServerKey() != null) {
            return new AuthenticationException("The SSH server of session " + sessionId + " refused the login as '"
                    + credentials.username() + "' with certificate " + credentials.certificate().keyId() + " (serial "
                    + credentials.certificate().serial() + ", valid " + credentials.certificate().validAfter() + " to "
                    + credentials.certificate().validBefore() + ", principals " + credentials.certificate().principals()
                    + "): it may be expired, for another session, or from a CA the server does not trust", failure);
        }
        return new SandgateSshException("The SSH handshake with session " + sessionId + " failed: " + message, failure);
    }

    /** The first of our own exceptions in the cause chain (a tunnel refusal travels inside MINA's exceptions). */
    private static IOException ownCause(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SandgateSshException || t instanceof SandboxApiException) {
                return (IOException) t;
            }
        }
        return null;
    }
}
