package dev.sandgate.tunnel.internal;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import dev.sandgate.tunnel.Tunnel;

/**
 * Opens a tunnel asking for resumption, and makes it a {@link ResumableTunnel} when the gateway grants it: both
 * transports open their tunnels through here, each with its own handshake.
 */
final class Resumption {
    /** How many bytes sent and not yet acknowledged a tunnel keeps before sends wait. */
    static final long BUFFER = 4L * 1024 * 1024;

    private Resumption() {
    }

    /** The auth's headers and the resumption's, in that order. */
    static Map<String, String> joined(Map<String, String> headers, Map<String, String> extra) {
        if (extra.isEmpty()) {
            return headers;
        }
        Map<String, String> all = new java.util.LinkedHashMap<>(headers);
        all.putAll(extra);
        return all;
    }

    static List<String> joined(List<String> secrets, List<String> extra) {
        if (extra.isEmpty()) {
            return secrets;
        }
        List<String> all = new java.util.ArrayList<>(secrets);
        all.addAll(extra);
        return all;
    }

    /** One handshake (with the auth's answer to a challenge, if any) carrying these extra headers. */
    @FunctionalInterface
    interface Opener {
        TunnelAttempt open(Map<String, String> extraHeaders, List<String> extraSecrets, long deadlineNanos)
                throws IOException;
    }

    /**
     * @param resume         whether to ask for resumption at all
     * @param deadlineNanos  when the first handshake must be done
     * @param connectTimeout the time limit of each re-attachment, within the gateway's window
     */
    static Tunnel open(boolean resume, long deadlineNanos, Duration connectTimeout, String threadName, Opener opener)
            throws IOException {
        if (!resume) {
            return opener.open(Map.of(), List.of(), deadlineNanos).tunnel;
        }
        ResumeHandshake handshake = new ResumeHandshake();
        TunnelAttempt first = opener.open(handshake.offer(BUFFER), List.of(), deadlineNanos);
        ResumeHandshake.Grant grant;
        try {
            grant = ResumeHandshake.granted(first.head, first.tunnel.description());
        } catch (IOException e) {
            first.tunnel.close();
            throw e;
        }
        if (grant == null) {
            return first.tunnel;
        }
        return new ResumableTunnel(first.tunnel, handshake, grant, BUFFER, (headers, windowEnd) -> {
            long now = System.nanoTime();
            long limit = now + connectTimeout.toNanos();
            TunnelAttempt again = opener.open(headers, ResumeHandshake.secrets(headers),
                    limit - windowEnd < 0 ? limit : windowEnd);
            try {
                ResumeHandshake.Grant regrant = ResumeHandshake.granted(again.head, again.tunnel.description());
                if (regrant == null || !regrant.tunnelId().equals(grant.tunnelId())) {
                    throw new ResumeFrames.ProtocolBroken(again.tunnel.description(), regrant == null
                            ? "the answer to a re-attachment did not grant resumption"
                            : "the answer to a re-attachment named another tunnel");
                }
                return new ResumableTunnel.Reattached(again.tunnel,
                        ResumeHandshake.receivedByGateway(again.head, again.tunnel.description()));
            } catch (IOException e) {
                again.tunnel.close();
                throw e;
            }
        }, threadName);
    }
}
