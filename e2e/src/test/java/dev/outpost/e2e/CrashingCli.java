package dev.outpost.e2e;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StringReference;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VMDisconnectedException;
import com.sun.jdi.Value;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.connect.AttachingConnector;
import com.sun.jdi.connect.Connector;
import com.sun.jdi.connect.IllegalConnectorArgumentsException;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import java.util.function.Function;

/**
 * The CLI's {@code sync} in its own JVM, stopped at a chosen <em>pause point</em> and killed there
 * with SIGKILL ({@link Process#destroyForcibly()}), as a crash at exactly that point. The CLI runs
 * unchanged: the test attaches to it as a debugger (JDI over JDWP on a loopback port the JVM picks)
 * and counts breakpoints on the methods every step of a sync passes through ({@link #POINTS}): each
 * sync event fired, each step of the swap to a new database, and each commit of applied changes
 * (before it). When the N-th is reached, its thread is held by the debugger and the process is killed.
 *
 * <p>A harness starts the CLI dozens of times, and most of each run is JVM start-up and class loading
 * (Hibernate, Derby). {@link #archiveClasses} runs one complete sync that dumps the classes it loaded
 * into a class data sharing archive ({@code -XX:ArchiveClassesAtExit}); later runs map it ({@code
 * -XX:SharedArchiveFile}) and start faster. The archive only changes how classes are loaded, not what
 * the CLI does; a run without it behaves the same.
 */
final class CrashingCli {
    private static final String ARCHIVE = "crash-cli.jsa";
    private static final String LISTENING = "Listening for transport dt_socket at address: ";
    private static final String STORE = "dev.outpost.client.internal.store.DerbyReplicaStore";

    /** The pause points: the methods whose entry is one, and how each is named in a report. */
    private static final List<PausePoint> POINTS = List.of(
            new PausePoint("dev.outpost.client.OutpostReplica", "fire", CrashingCli::describe),
            new PausePoint(STORE, "writeNextPointer", (vm, thread) -> "swap: the new database shut down"),
            new PausePoint(STORE, "switchPointer", (vm, thread) -> "swap: CURRENT.tmp written"),
            new PausePoint(STORE, "switched", (vm, thread) -> "swap: CURRENT names " + describe(vm, thread)),
            new PausePoint(
                    "dev.outpost.client.internal.feed.ChangeApplier",
                    "commit",
                    (vm, thread) -> "commit of the changes up to " + describe(vm, thread)));

    private CrashingCli() {}

    /**
     * How a run ended.
     *
     * @param killedAt the pause point it was killed at, or {@code null} when it ran to its end
     * @param exit its exit code (137 after SIGKILL)
     * @param output what it printed on standard output, then on standard error
     */
    record Run(String killedAt, int exit, String output) {
        boolean killed() {
            return killedAt != null;
        }
    }

    /** A method whose entry is a pause point, and how to name the point from the stopped thread. */
    private record PausePoint(String type, String method, BiFunction<VirtualMachine, ThreadReference, String> name) {}

    /**
     * Runs {@code outpost sync args} to its end without a debugger, writing the class data sharing
     * archive that later {@link #sync} runs in {@code runDir} use.
     */
    static Run archiveClasses(Path runDir, String... args) throws IOException, InterruptedException {
        Path archive = runDir.resolve(ARCHIVE);
        Files.deleteIfExists(archive);
        Process p = start(runDir, List.of("-XX:ArchiveClassesAtExit=" + archive), args);
        Output out = Output.drain(p);
        return new Run(null, p.waitFor(), out.text());
    }

    /** Runs {@code outpost sync args}, killing it at pause point {@code point} (counted from 1) if it gets there. */
    static Run sync(Path runDir, long point, String... args) throws IOException, InterruptedException {
        Path archive = runDir.resolve(ARCHIVE);
        List<String> options = new ArrayList<>();
        if (Files.exists(archive)) {
            options.add("-XX:SharedArchiveFile=" + archive);
        }
        options.add("-agentlib:jdwp=transport=dt_socket,server=y,suspend=y,address=127.0.0.1:0");
        Process p = start(runDir, options, args);
        Output out = Output.drain(p);
        String address = out.awaitLineStarting(LISTENING);
        String killedAt = null;
        try {
            if (address != null) {
                VirtualMachine vm = attach(address.substring(LISTENING.length()).trim());
                killedAt = runUntil(vm, point, p);
            }
        } catch (IOException | RuntimeException e) {
            p.destroyForcibly(); // never left behind, held by a debugger that went away
            throw e;
        }
        int exit = p.waitFor();
        return new Run(killedAt, exit, out.text());
    }

    private static Process start(Path runDir, List<String> jvmOptions, String... args) throws IOException {
        List<String> command = new ArrayList<>(
                List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-XX:TieredStopAtLevel=1"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", runDir.resolve("outpost-cli.jar").toString(), "sync"));
        command.addAll(List.of(args));
        return new ProcessBuilder(command)
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .start();
    }

    private static VirtualMachine attach(String port) throws IOException {
        AttachingConnector connector = Bootstrap.virtualMachineManager().attachingConnectors().stream()
                .filter(c -> c.name().equals("com.sun.jdi.SocketAttach"))
                .findFirst()
                .orElseThrow();
        Map<String, Connector.Argument> arguments = connector.defaultArguments();
        arguments.get("hostname").setValue("127.0.0.1");
        arguments.get("port").setValue(port);
        try {
            return connector.attach(arguments);
        } catch (IllegalConnectorArgumentsException e) {
            throw new IOException(e);
        }
    }

    /**
     * Sets the breakpoints as the pause points' classes are loaded and lets the CLI run; kills it at
     * the {@code point}-th breakpoint reached. Returns that point's name, or {@code null} when the
     * CLI ended first.
     */
    private static String runUntil(VirtualMachine vm, long point, Process p) throws InterruptedException {
        try {
            for (String type : POINTS.stream().map(PausePoint::type).distinct().toList()) {
                ClassPrepareRequest prepared = vm.eventRequestManager().createClassPrepareRequest();
                prepared.addClassFilter(type);
                prepared.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
                prepared.enable();
            }
            vm.resume();
            long reached = 0;
            while (true) {
                EventSet events = vm.eventQueue().remove();
                for (Event event : events) {
                    if (event instanceof ClassPrepareEvent prepared) {
                        breakAt(vm, prepared.referenceType());
                    } else if (event instanceof BreakpointEvent hit && ++reached == point) {
                        String name = ((PausePoint) hit.request().getProperty(PausePoint.class))
                                .name()
                                .apply(vm, hit.thread());
                        p.destroyForcibly();
                        return name;
                    } else if (event instanceof VMDeathEvent || event instanceof VMDisconnectEvent) {
                        return null;
                    }
                }
                events.resume();
            }
        } catch (VMDisconnectedException e) {
            return null; // the CLI ended before that point
        }
    }

    private static void breakAt(VirtualMachine vm, ReferenceType type) {
        for (PausePoint point : POINTS) {
            if (point.type().equals(type.name())) {
                List<Method> methods = type.methodsByName(point.method());
                if (methods.size() != 1) {
                    throw new IllegalStateException(
                            type.name() + " has " + methods.size() + " methods named " + point.method());
                }
                BreakpointRequest request = vm.eventRequestManager()
                        .createBreakpointRequest(methods.get(0).location());
                request.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
                request.putProperty(PausePoint.class, point);
                request.enable();
            }
        }
    }

    /** The stopped method's first argument as text: a string as it is, an object by its {@code toString()}. */
    private static String describe(VirtualMachine vm, ThreadReference thread) {
        try {
            Value value = thread.frame(0).getArgumentValues().get(0);
            if (value instanceof StringReference text) {
                return text.value();
            }
            ObjectReference object = (ObjectReference) value;
            Method toString = object.referenceType()
                    .methodsByName("toString", "()Ljava/lang/String;")
                    .get(0);
            return ((StringReference) object.invokeMethod(thread, toString, List.of(), 0)).value();
        } catch (Exception e) {
            return "(unnamed: " + e + ")";
        }
    }

    /** The CLI's standard output and error, read on threads of their own so that it never blocks on them. */
    private static final class Output {
        private final StringBuffer out = new StringBuffer();
        private final StringBuffer err = new StringBuffer();
        private final List<Thread> readers = new ArrayList<>();

        static Output drain(Process p) {
            Output output = new Output();
            output.read(p.getInputStream(), output.out);
            output.read(p.getErrorStream(), output.err);
            return output;
        }

        private void read(java.io.InputStream stream, StringBuffer into) {
            Thread reader = new Thread(() -> {
                try (BufferedReader lines = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                        synchronized (this) {
                            into.append(line).append('\n');
                            notifyAll();
                        }
                    }
                } catch (IOException e) {
                    // the process is gone; what was read stays
                }
            });
            reader.setDaemon(true);
            reader.start();
            readers.add(reader);
        }

        /** Waits for a line of standard output starting with {@code prefix}; {@code null} if none came. */
        synchronized String awaitLineStarting(String prefix) throws InterruptedException {
            Function<String, String> find = text ->
                    text.lines().filter(l -> l.startsWith(prefix)).findFirst().orElse(null);
            while (find.apply(out.toString()) == null && readers.get(0).isAlive()) {
                wait(1000);
            }
            return find.apply(out.toString());
        }

        /** Standard output, then standard error, once both have ended. */
        String text() throws InterruptedException {
            for (Thread reader : readers) {
                reader.join();
            }
            return out + err.toString();
        }
    }
}
