package dev.sandgate.tunnel;

import java.io.IOException;
import java.time.Duration;

import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.SshConstants;
import org.apache.sshd.common.SshException;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.kex.KexProposalOption;

import dev.sandgate.tunnel.internal.ConnectionRecord;
import dev.sandgate.tunnel.internal.HostRefusal;

/**
 * Names what went wrong with a connection from what happened, as its {@link ConnectAttempt} and
 * {@link ConnectionRecord} hold it, from the clock, and from SSH disconnect codes, never from MINA's messages (which are not an API, and whose futures replace
 * an exception with its cause).
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
    static IOException tunnel(ConnectAttempt attempt, IOException failure) {
        String sessionId = attempt.sessionId();
        if (attempt.tunnelNotOpened() != null) {
            return attempt.tunnelNotOpened();
        }
        if (attempt.timedOut()) {
            return timedOut(sessionId, attempt.limit(), "the tunnel did not open in time");
        }
        return new TunnelException("Opening the tunnel to session " + sessionId + " failed: " + failure.getMessage(),
                failure);
    }

    /** A failure during the key exchange or the login, after the tunnel was open. */
    static IOException handshake(ConnectAttempt attempt, ClientSession session, IOException failure) {
        String sessionId = attempt.sessionId();
        ConnectionRecord record = attempt.record();
        Login login = attempt.login();
        Duration limit = attempt.limit();
        HostRefusal refusal = attempt.hostKeyRefusal();
        if (refusal != null) {
            return new HostKeyRejectedException("Refused the SSH server of session " + sessionId + ": "
                    + refusal.message() + ". No credentials were sent.", refusal.reason(), attempt.refusedKey(),
                    refusal.host(), failure);
        }
        boolean timedOut = attempt.timedOut();
        int code = disconnectCode(failure);
        if (session.getServerVersion() == null && !timedOut) {
            IOException cause = record.tunnelEndCause() != null ? record.tunnelEndCause() : failure;
            return new TunnelException("Session " + sessionId + " did not answer with an SSH identification: whatever"
                    + " is at the other end of the tunnel is not an SSH server, or the tunnel ended first ("
                    + cause.getMessage() + ")", cause);
        }
        String unmatched = session.getServerKey() == null
                && session.getNegotiatedKexParameter(KexProposalOption.ALGORITHMS) == null ? unmatchedOffers(session) : null;
        if (unmatched != null) {
            // decided by the two offers themselves: a server such as OpenSSH closes the connection as soon as it sees
            // nothing in common, so the tunnel's end may be noticed before MINA's own verdict
            return new NoCommonAlgorithmException("The SSH server of session " + sessionId + " offers nothing Sandgate"
                    + " accepts in at least one of these lists: " + unmatched + ". Upgrade the server, or, if it"
                    + " cannot be, allow old algorithms with SandboxSsh.Builder.legacyAlgorithms()", failure);
        }
        if (code == SshConstants.SSH2_DISCONNECT_NO_MORE_AUTH_METHODS_AVAILABLE) {
            return new AuthenticationException("The SSH server of session " + sessionId + " refused the login as '"
                    + login.username() + "' with " + login.shown() + ": "
                    + (login.identity().getPublic() instanceof OpenSshCertificate
                            ? "it may be expired, for another session, or from a CA the server does not trust"
                            : "the server does not list this key for the user"), failure);
        }
        if (record.tunnelEnded()) {
            IOException cause = record.tunnelEndCause();
            return new TunnelException("The tunnel to session " + sessionId + " ended during the SSH "
                    + (session.getServerKey() != null ? "login" : "handshake")
                    + (cause == null ? ": the far end closed it" : ": " + cause.getMessage()), cause == null ? failure : cause);
        }
        if (timedOut) {
            return timedOut(sessionId, limit, session.getServerKey() != null ? "the login did not finish in time"
                    : session.getServerVersion() == null ? "the server sent no SSH identification in time"
                    : "the key exchange did not finish in time");
        }
        if (session.getServerKey() == null && session.getNegotiatedKexParameter(KexProposalOption.ALGORITHMS) != null) {
            // algorithms were agreed, the tunnel held, and the key exchange failed before a host key was accepted:
            // the host key itself did not hold
            return new HostKeyRejectedException("Refused the SSH server of session " + sessionId + ": its host key did"
                    + " not verify during the key exchange (a host certificate for another host name, expired, signed"
                    + " with an algorithm refused here such as SHA-1, or not validly signed). No credentials were sent.",
                    HostKeyRejectedException.Reason.INVALID_CERTIFICATE, null, null, failure);
        }
        return new SandgateSshException("The SSH handshake with session " + sessionId + " failed: "
                + failure.getMessage(), failure);
    }

    /**
     * A failure of an open connection (a command, a channel): the connection's own end, when it has ended, named
     * from what the record holds; null when the connection is still open and the failure is the operation's own.
     */
    static SandgateSshException lost(String described, ConnectionRecord record, boolean open, Throwable failure) {
        if (record.keepAliveFailure() != null) {
            return new TunnelException("The connection to " + described + " was ended: " + record.keepAliveFailure(),
                    failure);
        }
        if (record.tunnelEnded()) {
            IOException cause = record.tunnelEndCause();
            return new TunnelException("The tunnel to " + described + (cause == null ? " was closed by the far end"
                    : " broke: " + cause.getMessage()), cause != null ? cause : failure);
        }
        if (open) {
            return null;
        }
        Throwable cause = record.sessionFailure() != null ? record.sessionFailure() : failure;
        return new SandgateSshException("The connection to " + described + " ended"
                + (cause == null ? "" : ": " + cause.getMessage()), cause);
    }

    /**
     * What the server offered, list by list, where none of the client's own proposals is among them; null when every
     * list has something in common or the server's offers never came. MACs count only when no shared cipher is an
     * AEAD one (which brings its own integrity).
     */
    private static String unmatchedOffers(ClientSession session) {
        StringBuilder shown = new StringBuilder();
        boolean aeadShared = shared(session, KexProposalOption.C2SENC).stream()
                .anyMatch(cipher -> cipher.contains("gcm") || cipher.contains("poly1305"));
        for (KexProposalOption option : new KexProposalOption[] {KexProposalOption.ALGORITHMS,
                KexProposalOption.SERVERKEYS, KexProposalOption.C2SENC, KexProposalOption.C2SMAC}) {
            String server = session.getServerKexProposals().get(option);
            if (server == null || session.getClientKexProposals().get(option) == null
                    || option == KexProposalOption.C2SMAC && aeadShared) {
                continue;
            }
            if (shared(session, option).isEmpty()) {
                shown.append(shown.length() == 0 ? "" : "; ").append(option.getDescription()).append(": the server offers ")
                        .append(server);
            }
        }
        return shown.length() == 0 ? null : shown.toString();
    }

    /** The algorithms of one list that both sides propose. */
    private static java.util.List<String> shared(ClientSession session, KexProposalOption option) {
        String server = session.getServerKexProposals().get(option);
        String client = session.getClientKexProposals().get(option);
        if (server == null || client == null) {
            return java.util.List.of();
        }
        java.util.List<String> theirs = java.util.List.of(server.split(","));
        return java.util.Arrays.stream(client.split(",")).filter(theirs::contains).collect(java.util.stream.Collectors.toList());
    }

    /** The first SSH disconnect code in the cause chain, or 0. */
    private static int disconnectCode(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SshException && ((SshException) t).getDisconnectCode() != 0) {
                return ((SshException) t).getDisconnectCode();
            }
        }
        return 0;
    }
}
