package dev.sandgate.sftp.internal;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/** A {@code TreeTransfer} run, as a Flight Recorder event: its counts and outcome, never a file's name. */
@Name("dev.sandgate.Transfer")
@Label("Tree Transfer")
@Category("Sandgate")
@Description("A TreeTransfer run: files copied and skipped, bytes, and how it ended")
@StackTrace(false)
final class TransferEvent extends Event {
    @Label("Files Copied")
    long filesCopied;
    @Label("Files Skipped")
    long filesSkipped;
    @Label("Bytes")
    @DataAmount
    long bytes;
    @Label("Concurrency")
    int concurrency;
    @Label("Failure")
    @Description("The failure's type, empty when every file was copied")
    String failure = "";
}
