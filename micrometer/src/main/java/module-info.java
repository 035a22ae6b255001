/**
 * Micrometer meters for Sandgate: the package {@link dev.sandgate.micrometer}, whose
 * {@link dev.sandgate.micrometer.SandgateMetrics} binds a {@code SandboxSsh}'s meters to a registry. Optional: the
 * other Sandgate modules do not need Micrometer.
 *
 * <p>Apache MINA SSHD is not named here: its jars split packages between them and cannot be modules, so they stay on
 * the class path and this module reads it ({@code --add-reads dev.sandgate.micrometer=ALL-UNNAMED}).
 */
module dev.sandgate.micrometer {
    exports dev.sandgate.micrometer;

    requires transitive dev.sandgate.tunnel;
    // an automatic module (Micrometer ships no module-info): its MeterRegistry is in this module's API
    requires transitive micrometer.core;
}
