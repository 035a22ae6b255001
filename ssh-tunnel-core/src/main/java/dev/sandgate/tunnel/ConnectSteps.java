package dev.sandgate.tunnel;

/**
 * The four answers a connect needs for a session: how to log in, where the tunnel goes, how the tunnel request is
 * authenticated, and how the host is trusted.
 */
record ConnectSteps(LoginSource login, String loginShown, EndpointSource endpoints, TunnelAuthSource tunnelAuth,
        HostTrust hostTrust) {
    @Override
    public String toString() {
        return loginShown + ", " + hostTrust;
    }
}
