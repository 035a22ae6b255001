/**
 * SSH into sandbox sessions over the gateway's tunnels: the package {@link dev.sandgate.tunnel}, starting at
 * {@link dev.sandgate.tunnel.SandboxSsh}. Everything else of this module is internal.
 *
 * <p>Apache MINA SSHD is not named here: its jars split packages between them and cannot be modules, so they stay on
 * the class path and this module reads it ({@code --add-reads dev.sandgate.tunnel=ALL-UNNAMED}).
 */
module dev.sandgate.tunnel {
    exports dev.sandgate.tunnel;

    requires transitive dev.sandgate.cert;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    requires jdk.net;
    // HotSpot's AES flag decides whether AES-GCM or ChaCha20 is offered first
    requires java.management;
    requires jdk.management;
    // Flight Recorder events (dev.sandgate.*), recorded only when a recording enables them
    requires jdk.jfr;
}
