package dev.sandgate.cert;

import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;

/**
 * Where the account token may be sent. By default the API and the tunnels must use TLS ({@code https://},
 * {@code wss://}) unless the host is loopback as written ({@code localhost}, {@code 127.0.0.0/8}, {@code ::1}), since
 * whoever can read or alter a cleartext answer gets the token and can also name the host CA that Sandgate then
 * trusts. Tunnel endpoints may further be restricted to named hosts.
 *
 * <pre>{@code
 * EndpointPolicy policy = EndpointPolicy.requireTls()
 *         .tunnelHosts("gateway.example.com", "*.gateways.example.com");
 * EndpointPolicy development = EndpointPolicy.requireTls().allowCleartext();   // http:// and ws:// anywhere
 * }</pre>
 */
public final class EndpointPolicy {
    private final boolean cleartext;
    private final List<String> tunnelHosts;

    private EndpointPolicy(boolean cleartext, List<String> tunnelHosts) {
        this.cleartext = cleartext;
        this.tunnelHosts = tunnelHosts;
    }

    /**
     * TLS for every host but loopback; tunnels to any host. The default.
     *
     * @return the policy
     */
    public static EndpointPolicy requireTls() {
        return new EndpointPolicy(false, List.of());
    }

    /**
     * The same policy but allowing {@code http://} and {@code ws://} to any host: for development only.
     *
     * @return the same policy but allowing {@code http://} and {@code ws://} to any host: for development only
     */
    public EndpointPolicy allowCleartext() {
        return new EndpointPolicy(true, tunnelHosts);
    }

    /**
     * The same policy, with tunnels allowed only to these hosts: exact names, or {@code *.example.com} for any name
     * below {@code example.com}. The API's host is not restricted (it is the one the caller configured).
     *
     * @param hosts exact names or {@code *.suffix} patterns, compared ignoring case; they replace those set before,
     *        and none at all allows any host
     * @return the same policy, with tunnels allowed only to these hosts
     */
    public EndpointPolicy tunnelHosts(String... hosts) {
        for (String host : hosts) {
            if (Objects.requireNonNull(host, "host").isBlank() || host.indexOf('*', 1) >= 0) {
                throw new IllegalArgumentException("A tunnel host is a name, or *.suffix, got '" + host + "'");
            }
        }
        return new EndpointPolicy(cleartext, List.of(hosts));
    }

    /** {@return whether tokens may go over plain HTTP beyond loopback} */
    public boolean allowsCleartext() {
        return cleartext;
    }

    /**
     * The hosts tunnels may go to; empty means any.
     *
     * @return the hosts tunnels may go to; empty means any
     */
    public List<String> tunnelHosts() {
        return tunnelHosts;
    }

    /**
     * Why the token may not go to this endpoint, or null when it may.
     *
     * @param endpoint the URL the token would be sent to; only its scheme and host are looked at
     * @return why the token may not go to this endpoint, or null when it may
     * @param tunnel whether the endpoint is a tunnel's (the host allowlist applies) or the API's
     * @param setting where the caller sets the policy, for the message (e.g. {@code SandboxSsh.Builder.endpointPolicy})
     */
    public String refusal(URI endpoint, boolean tunnel, String setting) {
        String scheme = String.valueOf(endpoint.getScheme()).toLowerCase(Locale.ROOT);
        String host = endpoint.getHost();
        String shown = scheme + "://" + host + (endpoint.getPort() > 0 ? ":" + endpoint.getPort() : "");
        if (host == null) {
            return shown + " names no host";
        }
        boolean plain = scheme.equals("http") || scheme.equals("ws");
        if (plain && !cleartext && !isLoopback(host)) {
            return "the token would travel in cleartext to " + shown + ": only https:// and wss:// (or a loopback"
                    + " host) are allowed; for development, allow it with EndpointPolicy.requireTls().allowCleartext()"
                    + " in " + setting;
        }
        if (tunnel && !tunnelHosts.isEmpty() && !allowedTunnelHost(host)) {
            return "the tunnel endpoint " + shown + " is not among the tunnel hosts " + tunnelHosts + " set in "
                    + setting;
        }
        return null;
    }

    private boolean allowedTunnelHost(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        for (String allowed : tunnelHosts) {
            String pattern = allowed.toLowerCase(Locale.ROOT);
            if (pattern.startsWith("*.") ? name.endsWith(pattern.substring(1)) && name.length() > pattern.length() - 1
                    : name.equals(pattern)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Whether the host, as written, is loopback: {@code localhost}, an address in 127.0.0.0/8, or {@code ::1}.
     *
     * @param host the host name or address
     * @return whether the host, as written, is loopback: {@code localhost}, an address in 127.0.0.0/8, or {@code ::1}
     */
    public static boolean isLoopback(String host) {
        String name = host.toLowerCase(Locale.ROOT);
        if (name.startsWith("[") && name.endsWith("]")) {
            name = name.substring(1, name.length() - 1);
        }
        if (name.equals("localhost") || name.equals("::1") || name.equals("0:0:0:0:0:0:0:1")) {
            return true;
        }
        String[] parts = name.split("\\.", -1);
        if (parts.length != 4 || !parts[0].equals("127")) {
            return false;
        }
        for (String part : parts) {
            if (!part.matches("[0-9]{1,3}") || Integer.parseInt(part) > 255) {
                return false;
            }
        }
        return true;
    }

    @Override
    public String toString() {
        return "EndpointPolicy{" + (cleartext ? "cleartext allowed" : "TLS required beyond loopback")
                + (tunnelHosts.isEmpty() ? "" : ", tunnel hosts " + tunnelHosts) + "}";
    }
}
