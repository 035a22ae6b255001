package dev.sandgate.tunnel;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The built-in {@link TunnelAuth}s: one header, sent at once or only in answer to a challenge. */
final class HeaderAuth implements TunnelAuth {
    static final HeaderAuth NONE = new HeaderAuth("none", null, null, false, false);

    private final String shown;
    private final String name;
    private final String value;
    /** Whether the header is Authorization for WebSockets and Proxy-Authorization for CONNECT. */
    private final boolean credential;
    private final boolean onlyWhenChallenged;

    private HeaderAuth(String shown, String name, String value, boolean credential, boolean onlyWhenChallenged) {
        this.shown = shown;
        this.name = name;
        this.value = value;
        this.credential = credential;
        this.onlyWhenChallenged = onlyWhenChallenged;
    }

    /** An Authorization (WebSocket) or Proxy-Authorization (CONNECT) header such as {@code Bearer x}. */
    static HeaderAuth credential(String shown, String value, boolean onlyWhenChallenged) {
        return new HeaderAuth(shown, null, value, true, onlyWhenChallenged);
    }

    /** The same header for both kinds of tunnel. */
    static HeaderAuth fixed(String shown, String name, String value) {
        return new HeaderAuth(shown, name, value, false, false);
    }

    private Map<String, String> header(Kind kind) {
        if (value == null) {
            return Map.of();
        }
        String header = !credential ? name : kind == Kind.HTTP_CONNECT ? "Proxy-Authorization" : "Authorization";
        return Map.of(header, value);
    }

    @Override
    public Map<String, String> headers(Kind kind) {
        return onlyWhenChallenged ? Map.of() : header(kind);
    }

    @Override
    public Optional<Map<String, String>> answerChallenge(Kind kind, List<String> challenges) {
        if (!onlyWhenChallenged) {
            return Optional.empty();
        }
        String scheme = value.substring(0, value.indexOf(' '));
        boolean asked = challenges.stream().anyMatch(c -> c.regionMatches(true, 0, scheme, 0, scheme.length()));
        return asked ? Optional.of(header(kind)) : Optional.empty();
    }

    @Override
    public String toString() {
        return "TunnelAuth{" + shown + (value == null ? "" : ", ***") + "}";
    }
}
