/**
 * Key pairs, OpenSSH certificates and the REST client of the sandbox API that mints them: the package
 * {@link dev.sandgate.cert}. Everything else of this module is internal.
 *
 * <p>Apache MINA SSHD is not named here: its jars split packages between them and cannot be modules, so they stay on
 * the class path and this module reads it ({@code --add-reads dev.sandgate.cert=ALL-UNNAMED}).
 */
module dev.sandgate.cert {
    exports dev.sandgate.cert;

    requires okhttp3;
    requires okio;
    // OkHttp's own: okhttp3 is an automatic module, which names nothing it needs, so without this line the module
    // graph would leave Kotlin out and OkHttp would fail at its first call
    requires kotlin.stdlib;
    requires com.fasterxml.jackson.databind;
    requires org.slf4j;
    // not used by this module's code: MINA looks BouncyCastle up by name for Ed25519, so it must be in the module graph
    requires org.bouncycastle.provider;
}
