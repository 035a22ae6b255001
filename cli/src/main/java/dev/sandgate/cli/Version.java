package dev.sandgate.cli;

import picocli.CommandLine;

/** The version from the jar's manifest (Implementation-Version), or "development" when run from classes. */
final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
        String version = Sandgate.class.getPackage().getImplementationVersion();
        return new String[] {"sandgate " + (version == null ? "development" : version),
                "Java " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
    }
}
