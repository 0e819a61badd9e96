package dev.outpost.server.changes;

import dev.outpost.protocol.ProblemType;
import dev.outpost.server.access.AccessScope;
import dev.outpost.server.access.store.RevocationWatch;
import dev.outpost.server.capture.ChangeSignal;
import dev.outpost.server.problem.ProblemException;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.annotation.Resource;
import jakarta.enterprise.concurrent.ManagedExecutorService;
import jakarta.enterprise.concurrent.ManagedScheduledExecutorService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.AsyncResponse;
import jakarta.ws.rs.core.StreamingOutput;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The long polls of this instance that wait for a change. None holds a request thread: each is a
 * suspended JAX-RS {@link AsyncResponse}. One task looks after them all every {@value #CHECK_MILLIS}
 * ms: one query for the feed's bounds whatever their number (kept for every request: {@link
 * FeedBounds}), waking the polls a newer position (of a change, or of a gap) passed, each waiting
 * token's revocation ({@link RevocationWatch}, one query for all), and each wait's end; this instance's
 * capturer wakes them at once ({@link ChangeSignal}). Polls woken together that ask for the same thing
 * (position, limit, schema, scope) share one read of the log: the page is read once and its bytes
 * written to each of them, so PostgreSQL's load does not grow with the number of followers; so do
 * followers that find changes waiting and ask in a crowd (followers that fell behind). Answers are
 * written on the container's managed executor.
 */
@ApplicationScoped
public class WaitingPolls {
    /** How often the waiting polls are looked after (changes captured by another instance, revocations, ends). */
    static final long CHECK_MILLIS = 50;

    /** The largest page read once for many polls; a larger one is streamed to each poll from its own read. */
    static final int SHARED_PAGE_BYTES = 256 * 1024;

    /**
     * How long a live-mode request that finds changes waiting is held so that others asking for the same
     * read are answered from one read with it: followers answered together ask again together.
     */
    static final long COALESCE_MILLIS = 5;

    /**
     * Below this many waiting polls a request with changes waiting that asks alone (no other within
     * {@value #COALESCE_MILLIS} ms) is answered at once: a few followers are not worth the wait.
     */
    static final int CROWD = 64;

    private static final long COALESCE_NANOS = TimeUnit.MILLISECONDS.toNanos(COALESCE_MILLIS);

    /** Polls answered by one task of the executor, so that a crowd is written by several threads. */
    private static final int POLLS_PER_TASK = 256;

    private static final Logger LOG = Logger.getLogger(WaitingPolls.class.getName());

    @Resource
    private ManagedScheduledExecutorService scheduler;

    @Resource
    private ManagedExecutorService executor;

    @Inject
    private ChangeSignal signal;

    @Inject
    private RevocationWatch revocations;

    @Inject
    private FeedBounds bounds;

    private final Set<Poll> waiting = ConcurrentHashMap.newKeySet();
    private final java.util.concurrent.ConcurrentLinkedQueue<Poll> soon =
            new java.util.concurrent.ConcurrentLinkedQueue<>();
    private final AtomicBoolean flushScheduled = new AtomicBoolean();
    private final LongConsumer wake = this::signalled;

    /**
     * The newest position this instance's capturer signalled or the check read: a poll that starts
     * waiting just after a wake passed it by is answered at once, not at the next check.
     */
    private final AtomicLong known = new AtomicLong();

    /** When the latest request with changes waiting arrived. */
    private final AtomicLong lastAskedNanos = new AtomicLong(System.nanoTime() - COALESCE_NANOS);

    private ScheduledFuture<?> checks;
    private volatile boolean failing;

    /**
     * What a poll asks for; polls with equal reads get the same answer.
     *
     * @param after the position the changes follow
     * @param limit most changes in the answer
     * @param schema the replica's schema fingerprint as the request names it, or {@code null}
     * @param scope what the caller may see
     */
    public record Read(long after, int limit, String schema, AccessScope scope) {}

    /** Opens the answer to a read: the changes after its position, streamed from the log. */
    @FunctionalInterface
    public interface Reader {
        StreamingOutput open(Read read) throws SQLException;
    }

    /** A suspended request waiting for a change after its position until {@code deadlineNanos}. */
    private final class Poll {
        final Read read;
        final Reader reader;
        final long deadlineNanos;
        final RevocationWatch.Watched token;
        final AsyncResponse response;
        final AtomicBoolean done = new AtomicBoolean();

        Poll(Read read, Reader reader, long deadlineNanos, RevocationWatch.Watched token, AsyncResponse response) {
            this.read = read;
            this.reader = reader;
            this.deadlineNanos = deadlineNanos;
            this.token = token;
            this.response = response;
        }

        /** Stops waiting; true only for the one call that stopped it. */
        boolean stop() {
            if (!done.compareAndSet(false, true)) {
                return false;
            }
            waiting.remove(this);
            if (token != null) {
                token.close();
            }
            return true;
        }
    }

    /** How many polls wait here now. */
    public int waiting() {
        return waiting.size();
    }

    @PostConstruct
    void start() {
        signal.listen(wake);
        checks = scheduler.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        signal.unlisten(wake);
        checks.cancel(false);
        answer(List.copyOf(waiting));
    }

    /**
     * Suspends {@code response} until a change after the read's position is stored or {@code millis}
     * passed, then resumes it with the read's answer from {@code reader}; a stored token ({@code
     * tokenId}, null for a bootstrap token) revoked or expired meanwhile ends the wait with 401 within a
     * second.
     */
    public void await(Read read, Reader reader, long millis, Long tokenId, AsyncResponse response) {
        RevocationWatch.Watched token = tokenId == null ? null : revocations.watch(tokenId);
        Poll poll = new Poll(read, reader, System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis), token, response);
        // a margin over the wait: the check ends it; this only guards against a check that never comes
        response.setTimeout(millis + 10_000, TimeUnit.MILLISECONDS);
        response.setTimeoutHandler(r -> answer(List.of(poll)));
        waiting.add(poll);
        if (known.get() > read.after()) {
            answerWithOthers(poll); // stored after the request was checked, before it waited
        }
    }

    /**
     * Answers a live-mode request that need not wait (changes after its position are stored): at once
     * while fewer than {@value #CROWD} polls wait here and no other such request arrived within {@value
     * #COALESCE_MILLIS} ms, else within {@value #COALESCE_MILLIS} ms together with the others asking for
     * the same read meanwhile.
     */
    public void answerSoon(Read read, Reader reader, AsyncResponse response) {
        Poll poll = new Poll(read, reader, 0, null, response);
        long now = System.nanoTime();
        boolean alone = now - lastAskedNanos.getAndSet(now) >= COALESCE_NANOS;
        if (alone && waiting.size() < CROWD) {
            answerNow(poll); // on the request's own thread: no hand-over to add to the latency
            return;
        }
        answerWithOthers(poll);
    }

    /** Answers the poll within {@value #COALESCE_MILLIS} ms, with the others asking for the same read meanwhile. */
    private void answerWithOthers(Poll poll) {
        soon.add(poll);
        if (flushScheduled.compareAndSet(false, true)) {
            scheduler.schedule(this::flushSoon, COALESCE_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    private void flushSoon() {
        flushScheduled.set(false);
        List<Poll> batch = new ArrayList<>();
        for (Poll poll = soon.poll(); poll != null; poll = soon.poll()) {
            batch.add(poll);
        }
        answer(batch);
    }

    /** Answers every poll waiting for a position below {@code stored}. */
    private void signalled(long stored) {
        known.accumulateAndGet(stored, Math::max);
        wake(stored);
    }

    private void wake(long stored) {
        List<Poll> woken = new ArrayList<>();
        for (Poll poll : waiting) {
            if (poll.read.after() < stored) {
                woken.add(poll);
            }
        }
        answer(woken);
    }

    /** The periodic look after the waiting polls; never throws (the schedule would stop). */
    private void check() {
        if (waiting.isEmpty()) {
            return;
        }
        try {
            ChangeLog.Feed feed = bounds.refresh();
            if (feed.bounds() != null) {
                known.set(feed.bounds().latestPosition());
                wake(feed.bounds().latestPosition());
            }
            failing = false;
        } catch (SQLException | RuntimeException e) {
            if (!failing) { // once per outage, not 20 times a second
                LOG.log(
                        Level.WARNING,
                        "could not read the change log for the waiting feed requests: {0}",
                        e.getMessage());
            }
            failing = true;
        }
        long now = System.nanoTime();
        List<Poll> ended = new ArrayList<>();
        for (Poll poll : waiting) {
            if (now - poll.deadlineNanos >= 0) {
                ended.add(poll);
            } else if (poll.token != null && !usable(poll.token) && poll.stop()) {
                ProblemException revoked =
                        new ProblemException(ProblemType.UNAUTHORIZED, "the bearer token was revoked or expired");
                executor.execute(() -> poll.response.resume(revoked));
            }
        }
        answer(ended);
    }

    /** Whether a waiting token is still usable; when that cannot be checked, it stays usable until it can. */
    private static boolean usable(RevocationWatch.Watched token) {
        try {
            return token.usable();
        } catch (SQLException e) {
            return true;
        }
    }

    /** Stops the polls and answers them, those asking for the same read from one read, on the executor. */
    private void answer(List<Poll> polls) {
        Map<Read, List<Poll>> byRead = new LinkedHashMap<>();
        for (Poll poll : polls) {
            if (poll.stop()) {
                byRead.computeIfAbsent(poll.read, r -> new ArrayList<>()).add(poll);
            }
        }
        byRead.values().forEach(group -> executor.execute(() -> answerGroup(group)));
    }

    private static void answerNow(Poll poll) {
        try {
            resume(poll, poll.reader.open(poll.read));
        } catch (SQLException | RuntimeException e) {
            poll.response.resume(e);
        }
    }

    /** Reads the group's page once and writes it to each poll (streams it to each when it is large). */
    private void answerGroup(List<Poll> group) {
        Poll first = group.get(0);
        byte[] page;
        try {
            if (group.size() == 1) {
                answerNow(first);
                return;
            }
            page = readShared(first);
        } catch (SQLException | IOException | RuntimeException e) {
            group.forEach(p -> p.response.resume(e));
            return;
        }
        for (int from = 0; from < group.size(); from += POLLS_PER_TASK) {
            List<Poll> part = group.subList(from, Math.min(group.size(), from + POLLS_PER_TASK));
            executor.execute(() -> part.forEach(p -> {
                if (page == null) {
                    answerNow(p);
                } else {
                    resume(p, out -> out.write(page));
                }
            }));
        }
    }

    /** The page's bytes, or null when it is larger than {@value #SHARED_PAGE_BYTES}. */
    private static byte[] readShared(Poll poll) throws SQLException, IOException {
        CappedBuffer buffer = new CappedBuffer();
        try {
            poll.reader.open(poll.read).write(buffer);
        } catch (CappedBuffer.Full e) {
            return null;
        }
        return buffer.toByteArray();
    }

    private static void resume(Poll poll, StreamingOutput answer) {
        try {
            poll.response.resume(ChangePageOutput.response(answer));
        } catch (SQLException | RuntimeException e) {
            poll.response.resume(e);
        }
    }

    /** A buffer that refuses to grow past {@value #SHARED_PAGE_BYTES}. */
    private static final class CappedBuffer extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        /** The page did not fit. */
        static final class Full extends IOException {
            private static final long serialVersionUID = 1L;

            Full() {
                super("page larger than " + SHARED_PAGE_BYTES + " bytes");
            }
        }

        @Override
        public void write(byte[] b, int off, int len) throws Full {
            if (bytes.size() + len > SHARED_PAGE_BYTES) {
                throw new Full();
            }
            bytes.write(b, off, len);
        }

        @Override
        public void write(int b) throws Full {
            write(new byte[] {(byte) b}, 0, 1);
        }

        byte[] toByteArray() {
            return bytes.toByteArray();
        }
    }
}
