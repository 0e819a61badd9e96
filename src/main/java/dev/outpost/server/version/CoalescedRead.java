package dev.outpost.server.version;

import java.sql.SQLException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;

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
 * @param <T> the value read
 */
final class CoalescedRead<T> {
    /** Reads the value from the database. */
    @FunctionalInterface
    interface Reader<T> {
        T read() throws SQLException;
    }

    /** A completed read and the instant it started. */
    private record Read<T>(long startedNanos, T value) {}

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
    CoalescedRead(Reader<T> reader, LongSupplier clock) {
        this.reader = reader;
        this.clock = clock;
    }

    /** A value whose read started at or after {@code notStartedBefore} (nanoTime scale). */
    T get(long notStartedBefore) throws SQLException {
        Read<T> known = latest;
        if (known != null && known.startedNanos() - notStartedBefore >= 0) {
            return known.value(); // the fast path: no lock, no database
        }
        while (true) {
            Flight<T> flight;
            boolean mine = false;
            synchronized (lock) {
                known = latest;
                if (known != null && known.startedNanos() - notStartedBefore >= 0) {
                    return known.value();
                }
                if (inFlight == null) {
                    inFlight = new Flight<>(clock.getAsLong());
                    mine = true;
                }
                flight = inFlight;
            }
            if (mine) {
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

    private void fly(Flight<T> flight) {
        try {
            Read<T> read = new Read<>(flight.startedNanos, reader.read());
            synchronized (lock) {
                latest = read;
                inFlight = null;
            }
            flight.outcome.complete(read);
        } catch (SQLException | RuntimeException | Error e) {
            synchronized (lock) {
                inFlight = null;
            }
            flight.outcome.completeExceptionally(e);
        }
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
