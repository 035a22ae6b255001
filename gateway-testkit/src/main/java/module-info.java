/**
 * The in-process reference gateway to test against: the package {@link dev.sandgate.testkit}, starting at
 * {@link dev.sandgate.testkit.LocalGateway}, and fakes of real providers' services ({@link dev.sandgate.testkit.TenkiFake}).
 * Everything else of this module is internal.
 *
 * <p>Apache MINA SSHD is not named here: its jars split packages between them and cannot be modules, so they stay on
 * the class path and this module reads it ({@code --add-reads dev.sandgate.testkit=ALL-UNNAMED}).
 */
module dev.sandgate.testkit {
    exports dev.sandgate.testkit;

    requires io.netty.buffer;
    requires io.netty.codec;
    requires io.netty.codec.http;
    requires io.netty.common;
    requires io.netty.handler;
    requires io.netty.transport;
    requires org.bouncycastle.provider;
    requires org.bouncycastle.pkix;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    // only for LocalGatewayExtension: a user without JUnit 5 uses LocalGateway alone
    requires static org.junit.jupiter.api;
}
