package dev.outpost.server.version;

import java.sql.SQLException;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A value read from the database, kept until a caller needs a newer read, with at most one read in
 * flight: a burst of callers that all need a new read triggers one read, and they all wait for it.
 *
 * <p>Callers say how recent the value must be: {@link #get(long)} returns a value whose read
 * <em>started</em> at or after the given instant ({@link System#nanoTime()} scale). A value that
 * started earlier is never returned, so a caller asking for "started after I arrived" always sees
 * the database as it was after its arrival, and one asking for "started at most N ms before I
 * arrived" never sees anything older than that. A caller that finds a read in flight which started
 * too early for it waits for that read to finish and then triggers the next one: reads never
 * overlap, so the database sees at most one read at a time from here however many callers there
 * are. A failed read is not kept; its waiters get its failure and the next caller reads again.
 *
 * <p>Callers that must answer in time (health probes, metric scrapes) use {@link #get(long, Executor,
 * long)}: the read runs on an executor and is waited for with a deadline, so a read that hangs
 * (PostgreSQL unreachable, the pool waiting for a connection) holds one thread, not one per caller,
 * and each caller gets an answer, possibly empty, within its deadline.
 *
 * @param <T> the value read
 */
public final class CoalescedRead<T> {
    private static final Logger LOG = Logger.getLogger(CoalescedRead.class.getName());

    /** Reads the value from the database. */
    @FunctionalInterface
    public interface Reader<T> {
        T read() throws SQLException;
    }

    /** A completed read and the instant it started. */
    private record Read<T>(long startedNanos, T value) {}

    /** What a caller found: a read recent enough, or else the flight to wait for ({@code mine} to start). */
    private record Join<T>(Read<T> known, Flight<T> flight, boolean mine) {}

    /** The read in flight: when it started and its outcome. */
    private static final class Flight<T> {
        final long startedNanos;
        final CompletableFuture<Read<T>> outcome = new CompletableFuture<>();

        Flight(long startedNanos) {
            this.startedNanos = startedNanos;
        }
    }

    private final Reader<T> reader;
    private final LongSupplier clock;
    private final Object lock = new Object();

    /** The newest completed read; reads never overlap, so this only moves forward. */
    private volatile Read<T> latest;

    /** Guarded by {@link #lock}. */
    private Flight<T> inFlight;

    /** @param clock {@link System#nanoTime()} outside tests */
    public CoalescedRead(Reader<T> reader, LongSupplier clock) {
        this.reader = reader;
        this.clock = clock;
    }

    /** A value whose read started at or after {@code notStartedBefore} (nanoTime scale). */
    public T get(long notStartedBefore) throws SQLException {
        Read<T> known = latest;
        if (recent(known, notStartedBefore)) {
            return known.value(); // the fast path: no lock, no database
        }
        while (true) {
            Join<T> join = join(notStartedBefore);
            if (join.known() != null) {
                return join.known().value();
            }
            Flight<T> flight = join.flight();
            if (join.mine()) {
                fly(flight);
            }
            boolean recentEnough = flight.startedNanos - notStartedBefore >= 0;
            Read<T> read = await(flight, recentEnough);
            if (read != null && recentEnough) {
                return read.value();
            }
            // that read started before this caller's bound (or failed before it): take the next one
        }
    }

    /**
     * Within {@code timeoutMillis}: a value whose read started at or after {@code notStartedBefore}, or
     * the value of the read in flight whenever it started (reads never overlap, so a newer one could
     * only start after it, too late for a caller with a deadline). A read this caller starts runs on
     * {@code executor} and carries on after the deadline, for the callers after this one. Empty when
     * the read failed or did not finish in time.
     */
    public Optional<T> get(long notStartedBefore, Executor executor, long timeoutMillis) {
        Join<T> join = join(notStartedBefore);
        if (join.known() != null) {
            return Optional.ofNullable(join.known().value());
        }
        Flight<T> flight = join.flight();
        if (join.mine()) {
            try {
                executor.execute(() -> fly(flight));
            } catch (RuntimeException e) { // refused by the executor: no read is in flight after all
                abandon(flight, e);
                throw e;
            }
        }
        try {
            return Optional.ofNullable(
                    flight.outcome.get(timeoutMillis, TimeUnit.MILLISECONDS).value());
        } catch (TimeoutException e) {
            LOG.log(Level.FINE, "a shared read did not finish within {0} ms", timeoutMillis);
            return Optional.empty();
        } catch (ExecutionException e) {
            LOG.log(Level.FINE, "a shared read failed", e.getCause());
            return Optional.empty();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Optional.empty();
        }
    }

    /**
     * Under the lock: the newest read if it started at or after {@code notStartedBefore}; otherwise the
     * read in flight, started now by this caller ({@code mine}) if there was none.
     */
    private Join<T> join(long notStartedBefore) {
        synchronized (lock) {
            Read<T> known = latest;
            if (recent(known, notStartedBefore)) {
                return new Join<>(known, null, false);
            }
            boolean mine = inFlight == null;
            if (mine) {
                inFlight = new Flight<>(clock.getAsLong());
            }
            return new Join<>(null, inFlight, mine);
        }
    }

    private static boolean recent(Read<?> read, long notStartedBefore) {
        return read != null && read.startedNanos() - notStartedBefore >= 0;
    }

    private void fly(Flight<T> flight) {
        try {
            Read<T> read = new Read<>(flight.startedNanos, reader.read());
            synchronized (lock) {
                latest = read;
                inFlight = null;
            }
            flight.outcome.complete(read);
        } catch (SQLException | RuntimeException | Error e) {
            abandon(flight, e);
        }
    }

    private void abandon(Flight<T> flight, Throwable failure) {
        synchronized (lock) {
            inFlight = null;
        }
        flight.outcome.completeExceptionally(failure);
    }

    /**
     * The flight's read, or {@code null} if it failed and the caller will not use it anyway; its
     * failure if the caller would have used it.
     */
    private static <T> Read<T> await(Flight<T> flight, boolean rethrow) throws SQLException {
        try {
            return flight.outcome.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the version to be read", e);
        } catch (ExecutionException e) {
            if (!rethrow) {
                return null;
            }
            Throwable failure = e.getCause();
            if (failure instanceof SQLException) {
                SQLException sql = (SQLException) failure;
                // a new exception per waiter (the state decides the problem type), the shared one as cause
                throw new SQLException(sql.getMessage(), sql.getSQLState(), sql.getErrorCode(), sql);
            }
            if (failure instanceof Error) {
                throw (Error) failure;
            }
            if (failure instanceof RuntimeException) {
                throw (RuntimeException) failure;
            }
            throw new IllegalStateException(failure);
        }
    }
}
