package dev.sandgate.cli;

import java.io.IOException;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import dev.sandgate.sftp.SandboxFileSystems;
import dev.sandgate.sftp.TransferListener;
import dev.sandgate.sftp.TransferResult;
import dev.sandgate.sftp.TreeTransfer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(name = "cp", mixinStandardHelpOptions = true,
        description = {"Copies files between this machine and a session over SFTP, many files at once.",
                "Either side is SESSION:path (relative to the session's home) or a local path. A target that is an"
                        + " existing directory receives the source under its own name, as with cp.",
                "An interrupted copy run again continues: complete files are skipped, partial ones continued.",
                "New files and directories get the source's permissions (less the umask), plus u+w for files and"
                        + " u+rwx for directories. Symbolic links and special files are not copied; they are named on"
                        + " standard error (the first 20, then a count) unless -q.",
                "A session is hostile input: a listed name that is not a single file name (../x, a/b) fails the copy,"
                        + " naming it; nothing is ever written outside the target; a symbolic link in the target where"
                        + " a file goes is replaced, never written through (as tar does, unlike cp); a file that grew"
                        + " while copied is cut at the size it was listed with and named as changed.",
                "Names the session chose are printed with control characters escaped (\\033, \\r, \\u202e), as ls -b does.",
                "Shows a progress bar on a terminal, nothing otherwise."})
final class CpCommand implements Callable<Integer> {
    @Spec
    private CommandSpec spec;

    @Mixin
    private ApiOptions api;

    @Option(names = {"-r", "--recursive"}, description = "Copy directories and everything in them.")
    private boolean recursive;

    @Option(names = "--no-resume", description = "Rewrite every target file, even complete ones.")
    private boolean noResume;

    @Option(names = "--concurrency", paramLabel = "N", defaultValue = "" + TreeTransfer.DEFAULT_CONCURRENCY,
            description = "Files in flight at once (default ${DEFAULT-VALUE}).")
    private int concurrency;

    @Option(names = {"-q", "--quiet"}, description = "No progress bar, even on a terminal, and no list of what was not copied.")
    private boolean quiet;

    @Parameters(index = "0", paramLabel = "SOURCE", description = "What to copy: a local path or SESSION:path.")
    private String sourceArgument;

    @Parameters(index = "1", paramLabel = "TARGET", description = "Where to: a local path or SESSION:path.")
    private String targetArgument;

    @Override
    public Integer call() throws Exception {
        Io io = Io.of(spec);
        CopyEnd source = CopyEnd.parse(sourceArgument);
        CopyEnd target = CopyEnd.parse(targetArgument);
        if (!source.remote() && !target.remote()) {
            throw new IllegalArgumentException("Neither side is in a session: write one of them as SESSION:path");
        }
        if (source.remote() && target.remote() && !source.session().equals(target.session())) {
            throw new IllegalArgumentException("Copying from one session to another is not supported: copy through"
                    + " this machine, or run sandgate cp inside one of them");
        }
        String session = source.remote() ? source.session() : target.session();
        try (Connected connected = Connected.to(api, session);
             FileSystem remote = SandboxFileSystems.open(connected.connection())) {
            Path from = resolve(source, remote);
            Path to = resolve(target, remote);
            if (!Files.exists(from)) {
                throw new NoSuchFileException(source.toString(), null, "nothing to copy there");
            }
            boolean directory = Files.isDirectory(from);
            if (directory && !recursive) {
                throw new IllegalArgumentException(source + " is a directory: add -r to copy it with its contents");
            }
            if (Files.isDirectory(to) && from.getFileName() != null) {
                to = to.resolve(from.getFileName().toString());
            } else if (!directory && target.path().endsWith("/")) {
                // as cp does: a trailing slash promises a directory, and a file must not take its name
                throw new NoSuchFileException(target.toString(), null, "there is no such directory: create it first,"
                        + " or drop the trailing / to copy to a file of that name");
            }
            Progress progress = quiet || System.console() == null ? null : progress(io, from, directory);
            LeftOut leftOut = new LeftOut(progress == null ? TransferListener.NONE : progress);
            TransferResult result;
            Thread endTheLine = progress == null ? null : new Thread(progress::finish, "sandgate-cp-interrupted");
            if (endTheLine != null) {
                Runtime.getRuntime().addShutdownHook(endTheLine);
            }
            try {
                result = TreeTransfer.builder(from, to)
                        .concurrency(concurrency)
                        .resume(!noResume)
                        .listener(leftOut)
                        .build()
                        .run();
            } finally {
                if (progress != null) {
                    progress.finish();
                    try {
                        Runtime.getRuntime().removeShutdownHook(endTheLine);
                    } catch (IllegalStateException shuttingDown) {
                        // the hook is ending the line
                    }
                }
                if (!quiet) {
                    leftOut.report(io.err());
                }
                leftOut.reportChanged(io.err());
            }
            if (progress != null) {
                io.err().println("Copied " + result.filesCopied() + (result.filesCopied() == 1 ? " file (" : " files (")
                        + Progress.size(result.bytesTransferred())
                        + ")" + (result.filesSkipped() > 0 ? ", skipped " + result.filesSkipped() : "")
                        + (result.filesResumed() > 0 ? ", continued " + result.filesResumed() : "")
                        + (result.filesChanged() > 0 ? ", " + result.filesChanged() + " changed as we read them" : ""));
            }
        }
        return ExitCodes.OK;
    }

    /** How deep the walk that sizes the progress bar goes, as deep as {@code TreeTransfer} walks. */
    private static final int PROGRESS_MAX_DEPTH = 2048;

    private static Path resolve(CopyEnd end, FileSystem remote) {
        return end.remote() ? remote.getPath(end.path()) : Path.of(end.path()).toAbsolutePath();
    }

    private static Progress progress(Io io, Path from, boolean directory) throws IOException {
        if (!directory) {
            return new Progress(io.err(), Files.size(from), 1);
        }
        AtomicLong bytes = new AtomicLong();
        AtomicLong files = new AtomicLong();
        // bounded as the transfer is: a hostile session could list without end, or a directory inside itself
        try (Stream<Path> walk = Files.walk(from, PROGRESS_MAX_DEPTH).limit(TreeTransfer.DEFAULT_MAX_ENTRIES)) {
            walk.forEach(path -> {
                try {
                    BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class,
                            java.nio.file.LinkOption.NOFOLLOW_LINKS);
                    if (!attributes.isDirectory()) {
                        files.incrementAndGet();
                        bytes.addAndGet(attributes.isRegularFile() ? attributes.size() : 0);
                    }
                } catch (IOException unreadable) {
                    // the transfer itself will report it
                }
            });
        }
        return new Progress(io.err(), bytes.get(), files.get());
    }
}
