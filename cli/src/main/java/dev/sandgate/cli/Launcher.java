package dev.sandgate.cli;

/** How to run this same {@code sandgate} again from OpenSSH: the launcher script's path, which it passes in. */
final class Launcher {
    static final String PROPERTY = "sandgate.launcher";

    private Launcher() {
    }

    /** The launcher's absolute path, or {@code sandgate} (found on PATH) when run some other way. */
    static String path() {
        String launcher = System.getProperty(PROPERTY);
        return launcher == null || launcher.isBlank() ? "sandgate" : launcher;
    }
}
