package dev.sandgate.cli;

/** A setting is missing or invalid (exit status 3); the message says which and how to give it. */
final class SettingsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    SettingsException(String message) {
        super(message);
    }

    SettingsException(String message, Throwable cause) {
        super(message, cause);
    }
}
