package dev.sandgate.testkit.internal;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The process groups one session's commands run in. Each command is started as the leader of a group of its own
 * ({@code setsid}), so that a signal, a closed channel or the session's end reaches everything it started, background
 * children included, and not only its shell.
 */
final class ProcessGroups {
    private final Set<Long> groups = ConcurrentHashMap.newKeySet();
    private final Set<ProcessHandle> leaders = ConcurrentHashMap.newKeySet();

    /** The command line that starts {@code command} under {@code /bin/sh} as the leader of a new group. */
    static java.util.List<String> leaderCommand(String shellCommand) {
        // a child of the JVM is no group leader, so setsid(1) calls setsid() and execs in place: the pid is the group's
        return java.util.List.of("/usr/bin/setsid", "/bin/sh", "-c", shellCommand);
    }

    /** Records a command's group, and its leader, whose descendants may have made sessions of their own. */
    void add(Process leader) {
        groups.add(leader.pid());
        ProcessHandle handle = leader.toHandle();
        leaders.add(handle);
        handle.onExit().thenRun(() -> leaders.remove(handle));
    }

    /**
     * Kills a command's group and every descendant of its leader still running: a PTY command runs under
     * {@code script}, whose child leads a session and group of its own.
     */
    static void killTree(Process leader) {
        leader.descendants().forEach(ProcessHandle::destroyForcibly);
        signal(leader.pid(), "KILL");
        leader.destroyForcibly();
    }

    /** Sends {@code signal} (a name such as {@code TERM}) to every process of the group. */
    static void signal(long group, String signal) {
        try {
            Process kill = new ProcessBuilder("/bin/kill", "-s", signal, "--", "-" + group)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            kill.waitFor(5, TimeUnit.SECONDS);
        } catch (IOException e) {
            // no kill(1): nothing more can be done for this group
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Kills every group this session started (the session ends, or the gateway closes). */
    void killAll() {
        for (ProcessHandle leader : leaders) {
            leader.descendants().forEach(ProcessHandle::destroyForcibly);
        }
        for (Long group : groups) {
            signal(group, "KILL");
        }
        groups.clear();
    }
}
