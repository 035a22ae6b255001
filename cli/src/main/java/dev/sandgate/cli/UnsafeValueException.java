package dev.sandgate.cli;

import java.io.IOException;

/**
 * A value the API or the sandbox chose was refused where it was about to be written (an ssh config, a known_hosts
 * file): written as it was, it could have added lines or options of its own. Exit status 6, as for any unusable
 * answer of the API. The message names the field and shows the value escaped.
 */
final class UnsafeValueException extends IOException {
    private static final long serialVersionUID = 1L;

    UnsafeValueException(String message) {
        super(message);
    }
}
