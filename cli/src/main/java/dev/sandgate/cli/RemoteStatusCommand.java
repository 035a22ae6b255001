package dev.sandgate.cli;

/**
 * A command whose exit status is the remote command's: its own failures exit 255, as ssh's do, so that they cannot
 * be taken for the remote command's.
 */
interface RemoteStatusCommand {
}
